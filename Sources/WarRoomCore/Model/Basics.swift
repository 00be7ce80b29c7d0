public import Foundation

/// The two populations of a canary launch.
public enum Cohort: String, Sendable, Codable, CaseIterable, Hashable {
    case canary
    case stable
}

/// What a sample measures. Error rate is a fraction (0.05 = 5%), latencies are
/// seconds, throughput is requests per minute.
public enum MetricKind: String, Sendable, Codable, CaseIterable, Hashable {
    case errorRate = "error_rate"
    case latencyAvg = "latency_avg"
    case latencyP95 = "latency_p95"
    case latencyP50 = "latency_p50"
    case latencyP99 = "latency_p99"
    case throughput = "throughput"

    public var label: String {
        switch self {
        case .errorRate: "Errors"
        case .latencyAvg: "Latency"
        case .latencyP95: "p95"
        case .latencyP50: "p50"
        case .latencyP99: "p99"
        case .throughput: "Req/min"
        }
    }
}

/// One time series: a metric for a cohort.
public struct SeriesKey: Sendable, Codable, Hashable, CustomStringConvertible {
    public var cohort: Cohort
    public var metric: MetricKind
    public init(_ cohort: Cohort, _ metric: MetricKind) {
        self.cohort = cohort
        self.metric = metric
    }
    public var description: String { "\(cohort.rawValue) \(metric.rawValue)" }
}

/// One reading from a source.
public struct Sample: Sendable, Codable, Equatable {
    public var key: SeriesKey
    public var value: Double
    public init(_ key: SeriesKey, _ value: Double) {
        self.key = key
        self.value = value
    }
}

/// Formatting shared by the screen, `status` and the exports.
public enum Format {
    /// "23.4%", "0.40%".
    public static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "n/a" }
        let p = fraction * 100
        if p >= 10 { return fixed(p, decimals: 1, suffix: "%") }
        return fixed(p, decimals: 2, suffix: "%")
    }

    /// "120 ms", "3.20 s".
    public static func latency(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "n/a" }
        if seconds < 1 { return fixed(seconds * 1000, decimals: 0, suffix: " ms") }
        return fixed(seconds, decimals: 2, suffix: " s")
    }

    public static func rate(_ perMinute: Double) -> String {
        guard perMinute.isFinite else { return "n/a" }
        if perMinute >= 10_000 { return fixed(perMinute / 1000, decimals: 1, suffix: "k") }
        return fixed(perMinute, decimals: 0)
    }

    public static func value(_ value: Double, _ metric: MetricKind) -> String {
        switch metric {
        case .errorRate: percent(value)
        case .latencyAvg, .latencyP95, .latencyP50, .latencyP99: latency(value)
        case .throughput: rate(value)
        }
    }

    /// Canary weights: "1%", "2.5%", "100%".
    public static func weight(_ percent: Double) -> String {
        if percent == percent.rounded() { return fixed(percent, decimals: 0, suffix: "%") }
        return general(percent, suffix: "%")
    }

    /// Durations for ages and countdowns: "4s", "1m05s", "2h03m".
    public static func age(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds.rounded(.down)))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(s / 60) + "m" + two(s % 60) + "s" }
        if s < 86_400 { return String(s / 3600) + "h" + two((s % 3600) / 60) + "m" }
        return String(s / 86_400) + "d" + two((s % 86_400) / 3600) + "h"
    }

    /// Two digits, zero-padded; cheaper than String(format:) on the render path.
    @inline(__always) static func two(_ n: Int) -> String {
        n < 10 ? "0" + String(n) : String(n)
    }

    /// Clock style: "03:12", "1:03:12"; negative values get a minus sign.
    public static func clock(_ seconds: TimeInterval) -> String {
        let negative = seconds < 0
        let s = Int(abs(seconds).rounded(.down))
        let body =
            s >= 3600
            ? String(s / 3600) + ":" + two((s % 3600) / 60) + ":" + two(s % 60)
            : two(s / 60) + ":" + two(s % 60)
        return negative ? "-" + body : body
    }

    /// Human durations for config and plans: "30m", "1h", "1h30m", "45s".
    public static func duration(_ seconds: TimeInterval) -> String {
        if seconds > 0 && seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        let s = Int(seconds.rounded())
        var parts = ""
        if s >= 3600 { parts += "\(s / 3600)h" }
        if (s % 3600) / 60 > 0 { parts += "\((s % 3600) / 60)m" }
        if s % 60 > 0 || parts.isEmpty { parts += "\(s % 60)s" }
        return parts
    }

    /// Wall-clock "HH:MM:SS" in a given offset from UTC.
    public static func wallTime(_ date: Date, offsetSeconds: Int = 0) -> String {
        let t = Int(date.timeIntervalSince1970.rounded(.down)) + offsetSeconds
        let day = ((t % 86_400) + 86_400) % 86_400
        return two(day / 3600) + ":" + two((day % 3600) / 60) + ":" + two(day % 60)
    }

    /// ISO-8601 in UTC, for exports.
    public static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
