public import Foundation

/// How one metric of the canary is judged against its limit.
public struct AnalysisMetric: Sendable, Codable, Equatable {
    public var metric: MetricKind
    /// The canary fails above this, whatever stable does.
    public var max: Double
    /// The canary fails when it is worse than stable by more than this (same unit).
    public var maxIncrease: Double?

    public init(metric: MetricKind, max: Double, maxIncrease: Double? = nil) {
        self.metric = metric
        self.max = max
        self.maxIncrease = maxIncrease
    }

    /// The limit in force, given stable's value.
    public func limit(stable: Double?) -> Double {
        guard let maxIncrease, let stable, stable.isFinite else { return max }
        return Swift.min(max, stable + maxIncrease)
    }
}

/// The automated analysis of a canary step, after Argo Rollouts.
public struct AnalysisConfig: Sendable, Codable, Equatable {
    public var metrics: [AnalysisMetric]
    /// Seconds between checks.
    public var interval: TimeInterval
    /// Failed checks tolerated in a step; one more rolls back (or pauses).
    public var failureLimit: Int
    /// Inconclusive (no data) checks in a row before the canary pauses.
    public var inconclusiveLimit: Int
    /// Roll back automatically when the analysis fails; otherwise pause.
    public var autoRollback: Bool
    /// A value at or above this share of its limit is "marginal".
    public var marginalShare: Double
    /// Passing checks a step needs before it may take more traffic; absent
    /// in journals before it was recorded (1).
    public var minimumChecks: Int?

    public var minChecks: Int { minimumChecks ?? 1 }

    public init(
        metrics: [AnalysisMetric], interval: TimeInterval = 60, failureLimit: Int = 1,
        inconclusiveLimit: Int = 1, autoRollback: Bool = true, marginalShare: Double = 0.8
    ) {
        self.metrics = metrics
        self.interval = interval
        self.failureLimit = failureLimit
        self.inconclusiveLimit = inconclusiveLimit
        self.autoRollback = autoRollback
        self.marginalShare = marginalShare
    }

    /// Canary error rate at most 5% and at most 2 points above stable; average
    /// latency at most 3 s and at most 1 s above stable (the runbooks' SEV-3 lines).
    public static let runbookDefault = AnalysisConfig(metrics: [
        AnalysisMetric(metric: .errorRate, max: 0.05, maxIncrease: 0.02),
        AnalysisMetric(metric: .latencyAvg, max: 3, maxIncrease: 1),
    ])
}

/// A verdict on one metric, canary against stable.
public enum Verdict: String, Sendable, Codable, Equatable {
    case pass, marginal, fail
    case noData = "no_data"

    public var label: String { self == .noData ? "no data" : rawValue }
    public var glyph: String {
        switch self {
        case .pass: "✓"
        case .marginal: "~"
        case .fail: "✖"
        case .noData: "?"
        }
    }
}

public struct MetricVerdict: Sendable, Codable, Equatable {
    public var metric: MetricKind
    public var verdict: Verdict
    public var canary: Double?
    public var stable: Double?
    public var limit: Double

    public var summary: String {
        let name = metric == .errorRate ? "error rate" : metric.label.lowercased()
        guard let canary else { return "canary \(name): no data" }
        let rel = verdict == .fail ? ">" : "≤"
        return "canary \(name) \(Format.value(canary, metric)) \(rel) limit \(Format.value(limit, metric))"
    }
}

/// One analysis check: a verdict per metric and the overall result.
public struct AnalysisCheck: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable { case pass, fail, inconclusive }
    public var verdicts: [MetricVerdict]
    public var outcome: Outcome

    public init(verdicts: [MetricVerdict]) {
        self.verdicts = verdicts
        if verdicts.contains(where: { $0.verdict == .fail }) {
            outcome = .fail
        } else if verdicts.contains(where: { $0.verdict == .noData }) {
            outcome = .inconclusive
        } else {
            outcome = .pass
        }
    }

    /// Judge the newest values. A value older than `freshness` is no data:
    /// a silent source never passes a check.
    public static func evaluate(_ config: AnalysisConfig, series: [SeriesKey: Series], now: Date, freshness: TimeInterval) -> AnalysisCheck {
        func fresh(_ key: SeriesKey) -> Double? {
            guard let p = series[key]?.latest, now.timeIntervalSince(p.time) <= freshness, p.value.isFinite else { return nil }
            return p.value
        }
        let verdicts = config.metrics.map { m -> MetricVerdict in
            let canary = fresh(SeriesKey(.canary, m.metric))
            let stable = fresh(SeriesKey(.stable, m.metric))
            let limit = m.limit(stable: stable)
            let verdict: Verdict
            if let canary {
                verdict = canary > limit ? .fail : canary >= limit * config.marginalShare ? .marginal : .pass
            } else {
                verdict = .noData
            }
            return MetricVerdict(metric: m.metric, verdict: verdict, canary: canary, stable: stable, limit: limit)
        }
        return AnalysisCheck(verdicts: verdicts)
    }

    /// One line: the failing (or missing) metrics.
    public var reason: String {
        let bad = verdicts.filter { $0.verdict == .fail || $0.verdict == .noData }
        return (bad.isEmpty ? verdicts : bad).map(\.summary).joined(separator: "; ")
    }
}
