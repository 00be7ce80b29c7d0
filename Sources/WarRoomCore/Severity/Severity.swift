public import Foundation

/// Incident severity as the runbooks define it. `.none` means no rule fires.
public enum Severity: Int, Sendable, Codable, Comparable, CaseIterable, Hashable {
    case none = 0
    case sev4 = 1
    case sev3 = 2
    case sev2 = 3
    case sev1 = 4

    public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }

    /// "SEV-1" … "SEV-4", "OK".
    public var label: String {
        switch self {
        case .none: "OK"
        case .sev4: "SEV-4"
        case .sev3: "SEV-3"
        case .sev2: "SEV-2"
        case .sev1: "SEV-1"
        }
    }

    /// A glyph that carries the level without colour.
    public var glyph: String {
        switch self {
        case .none: "✓"
        case .sev4: "·"
        case .sev3: "▲"
        case .sev2: "▲"
        case .sev1: "✖"
        }
    }

    /// The runbooks' meaning of each level.
    public var meaning: String {
        switch self {
        case .none: "within thresholds"
        case .sev4: "low: cosmetic issues, minor bugs"
        case .sev3: "medium: increased latency or elevated errors, non-critical"
        case .sev2: "high: major functionality broken, high error rates"
        case .sev1: "critical: service unavailable, data loss, security breach"
        }
    }

    public init?(number: Int) {
        switch number {
        case 1: self = .sev1
        case 2: self = .sev2
        case 3: self = .sev3
        case 4: self = .sev4
        default: return nil
        }
    }
}

/// The metric a severity rule watches. Latency rules watch the average by
/// default, as the runbooks' `response_time` does; p95 can be chosen.
public enum RuleMetric: String, Sendable, Codable, CaseIterable, Hashable {
    case errorRate = "error_rate"
    case latency = "latency"

    public var label: String { self == .errorRate ? "error rate" : "latency" }
}

/// Thresholds for SEV-3, SEV-2 and SEV-1; a value strictly above a threshold
/// fires that level.
public struct Thresholds: Sendable, Codable, Equatable {
    public var sev3: Double
    public var sev2: Double
    public var sev1: Double
    /// A value must stay above a line this long before the level rises
    /// (Prometheus' `for:`); nil or 0 rises at once, as the runbooks do.
    public var forDuration: TimeInterval?
    /// A level clears only once the value is this far below its line
    /// (hysteresis), in the metric's unit; nil or 0 clears at the line.
    public var clearMargin: Double?

    public init(sev3: Double, sev2: Double, sev1: Double, forDuration: TimeInterval? = nil, clearMargin: Double? = nil) {
        self.sev3 = sev3
        self.sev2 = sev2
        self.sev1 = sev1
        self.forDuration = forDuration
        self.clearMargin = clearMargin
    }

    public func level(for value: Double) -> Severity {
        if value > sev1 { return .sev1 }
        if value > sev2 { return .sev2 }
        if value > sev3 { return .sev3 }
        return .none
    }

    /// The threshold that `level` sits above, if any.
    public func threshold(of level: Severity) -> Double? {
        switch level {
        case .sev1: sev1
        case .sev2: sev2
        case .sev3: sev3
        default: nil
        }
    }
}

/// The severity rules of a war room: runbook defaults unless configured.
public struct SeverityRules: Sendable, Codable, Equatable {
    public var errorRate: Thresholds
    public var latency: Thresholds
    /// Which latency series the latency rule reads.
    public var latencyMetric: MetricKind

    public init(
        errorRate: Thresholds = Thresholds(sev3: 0.05, sev2: 0.10, sev1: 0.20),
        latency: Thresholds = Thresholds(sev3: 3, sev2: 5, sev1: 10),
        latencyMetric: MetricKind = .latencyAvg
    ) {
        self.errorRate = errorRate
        self.latency = latency
        self.latencyMetric = latencyMetric
    }

    public static let runbookDefaults = SeverityRules()

    public func thresholds(for rule: RuleMetric) -> Thresholds {
        rule == .errorRate ? errorRate : latency
    }

    /// The rule that watches `metric`, if one does.
    public func rule(watching metric: MetricKind) -> RuleMetric? {
        if metric == .errorRate { return .errorRate }
        if metric == latencyMetric { return .latency }
        return nil
    }

    /// The level a value of `metric` is at, for colouring; `.none` for unwatched metrics.
    public func level(of metric: MetricKind, value: Double) -> Severity {
        guard let rule = rule(watching: metric) else { return .none }
        return thresholds(for: rule).level(for: value)
    }
}

/// The key of one rule applied to one cohort.
public struct RuleKey: Sendable, Codable, Hashable {
    public var cohort: Cohort
    public var rule: RuleMetric
    public init(_ cohort: Cohort, _ rule: RuleMetric) {
        self.cohort = cohort
        self.rule = rule
    }
}
