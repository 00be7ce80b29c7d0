public import Foundation

/// Which series of a scraped /metrics page hold the launch's numbers.
public struct ScrapeMapping: Sendable, Codable, Equatable {
    /// A counter of requests, labelled by cohort and status code.
    public var requests: String
    /// A histogram of request latency in seconds, labelled by cohort.
    public var latency: String
    public var cohortLabel: String
    public var codeLabel: String

    public init(
        requests: String = "http_requests_total", latency: String = "http_request_duration_seconds",
        cohortLabel: String = "cohort", codeLabel: String = "code"
    ) {
        self.requests = requests
        self.latency = latency
        self.cohortLabel = cohortLabel
        self.codeLabel = codeLabel
    }
}

/// Cumulative counters of one cohort at one scrape.
public struct CohortCounters: Sendable, Equatable {
    public var requests: Double = 0
    /// Requests whose status code is 5xx.
    public var errors: Double = 0
    public var buckets: [(le: Double, count: Double)] = []
    public var latencySum: Double = 0
    public var latencyCount: Double = 0

    public static func == (a: CohortCounters, b: CohortCounters) -> Bool {
        a.requests == b.requests && a.errors == b.errors && a.latencySum == b.latencySum && a.latencyCount == b.latencyCount
            && a.buckets.map(\.le) == b.buckets.map(\.le) && a.buckets.map(\.count) == b.buckets.map(\.count)
    }
}

/// Turns two scrapes into rates: counters become requests per minute and error
/// rates (resets handled), histograms become average, p50, p95 and p99 latency over the
/// interval between the scrapes.
public enum ScrapeReader {
    public struct Missing: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    public static func counters(_ families: [MetricFamily], mapping: ScrapeMapping) throws(Missing) -> [Cohort: CohortCounters] {
        guard let requests = families.first(where: { $0.name == mapping.requests || $0.name + "_total" == mapping.requests }) else {
            throw Missing(description: "no metric family \(mapping.requests) in the scrape")
        }
        var out: [Cohort: CohortCounters] = [:]
        for s in requests.samples where s.name == mapping.requests || s.name == requests.name + "_total" || s.name == requests.name {
            guard let cohort = s.label(mapping.cohortLabel).flatMap(Cohort.init(rawValue:)) else { continue }
            out[cohort, default: CohortCounters()].requests += s.value
            if s.label(mapping.codeLabel)?.hasPrefix("5") == true { out[cohort, default: CohortCounters()].errors += s.value }
        }
        if let latency = families.first(where: { $0.name == mapping.latency }) {
            for s in latency.samples {
                guard let cohort = s.label(mapping.cohortLabel).flatMap(Cohort.init(rawValue:)) else { continue }
                if s.name == mapping.latency + "_bucket", let le = s.label("le").flatMap(Self.bound) {
                    out[cohort, default: CohortCounters()].buckets.append((le, s.value))
                } else if s.name == mapping.latency + "_sum" {
                    out[cohort, default: CohortCounters()].latencySum = s.value
                } else if s.name == mapping.latency + "_count" {
                    out[cohort, default: CohortCounters()].latencyCount = s.value
                }
            }
        }
        return out
    }

    static func bound(_ text: String) -> Double? {
        text == "+Inf" ? .infinity : Double(text)
    }

    /// Samples from the change between two scrapes `elapsed` seconds apart.
    public static func samples(previous: [Cohort: CohortCounters], current: [Cohort: CohortCounters], elapsed: TimeInterval) -> [Sample] {
        guard elapsed > 0 else { return [] }
        var out: [Sample] = []
        for cohort in Cohort.allCases {
            guard let now = current[cohort], let before = previous[cohort] else { continue }
            guard let perSecond = PrometheusMath.rate(previous: (before.requests, 0), current: (now.requests, elapsed)) else { continue }
            out.append(Sample(SeriesKey(cohort, .throughput), perSecond * 60))
            let reset = now.requests < before.requests
            let requests = reset ? now.requests : now.requests - before.requests
            let errors = reset || now.errors < before.errors ? now.errors : now.errors - before.errors
            // No requests in the interval: no error rate and no latency, not zero.
            guard requests > 0 else { continue }
            out.append(Sample(SeriesKey(cohort, .errorRate), min(1, max(0, errors / requests))))
            let count = now.latencyCount < before.latencyCount ? now.latencyCount : now.latencyCount - before.latencyCount
            let sum = now.latencySum < before.latencySum ? now.latencySum : now.latencySum - before.latencySum
            if count > 0 { out.append(Sample(SeriesKey(cohort, .latencyAvg), sum / count)) }
            // Histograms become p50, p95 and p99 over the interval between the scrapes.
            if let increase = PrometheusMath.bucketIncrease(previous: before.buckets, current: now.buckets) {
                for (q, metric) in [(0.95, MetricKind.latencyP95), (0.5, .latencyP50), (0.99, .latencyP99)] {
                    if let v = PrometheusMath.histogramQuantile(q, buckets: increase), v.isFinite {
                        out.append(Sample(SeriesKey(cohort, metric), v))
                    }
                }
            }
        }
        return out
    }
}
