public import Foundation

/// The simulated service's behaviour as a pure value: what each cohort
/// serves at a moment, how traffic is split, and cumulative counters for
/// `/metrics`. Time is seconds since the simulator started.
public struct ServiceModel: Sendable {
    public static let latencyBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// Spread of the lognormal latency distribution.
    static let sigma = 0.5

    public let scenario: Scenario
    public private(set) var canaryPercent: Double = 0
    public private(set) var rolledBack = false
    public private(set) var elapsed: TimeInterval = 0

    public struct Counters: Sendable, Equatable {
        public var ok: Double = 0
        public var errors: Double = 0
        public var buckets: [Double] = Array(repeating: 0, count: ServiceModel.latencyBuckets.count)
        public var latencySum: Double = 0
        public var count: Double { ok + errors }
    }
    public private(set) var counters: [SimCohort: Counters] = [.canary: Counters(), .stable: Counters()]

    public init(scenario: Scenario) {
        self.scenario = scenario
    }

    /// What one cohort is doing at time `t`.
    public struct CohortState: Sendable, Equatable {
        public var errorRate: Double
        public var avgLatency: Double
        public var p95Latency: Double
        public var requestsPerMinute: Double
    }

    public func cohort(_ cohort: SimCohort, at t: TimeInterval) -> CohortState {
        let second = Int(t.rounded(.down))
        let wobble = 1 + 0.08 * Self.noise(second, cohort == .canary ? 1 : 2)
        var errorRate = (cohort == .canary ? 0.005 : 0.004) * wobble
        var latency = (cohort == .canary ? 0.135 : 0.120) * (1 + 0.05 * Self.noise(second, cohort == .canary ? 3 : 4))
        for fault in scenario.faults {
            switch fault.kind {
            case .errorSpike(let c, let rate, let ramp) where c == cohort:
                let s = fault.strength(at: t, ramp: ramp)
                errorRate += (rate - errorRate) * s * (1 + 0.03 * Self.noise(second, 5))
            case .latencyClimb(let c, let seconds, let ramp) where c == cohort:
                latency += (seconds - latency) * fault.strength(at: t, ramp: ramp)
            default:
                break
            }
        }
        let total = scenario.requestsPerMinute * (1 + 0.1 * sin(t / 60))
        let share = cohort == .canary ? canaryPercent / 100 : 1 - canaryPercent / 100
        let p95 = latency * exp(Self.sigma * 1.645 - Self.sigma * Self.sigma / 2)
        return CohortState(
            errorRate: min(1, max(0, errorRate)), avgLatency: latency, p95Latency: p95,
            requestsPerMinute: total * share)
    }

    public func endpointDown(at t: TimeInterval) -> Bool {
        scenario.faults.contains { $0.kind == .endpointDown && $0.active(at: t) }
    }

    /// Serve the requests that arrived between the last call and `t`.
    public mutating func advance(to t: TimeInterval) {
        guard t > elapsed else { return }
        // Integrate in steps of at most one second.
        var now = elapsed
        while now < t {
            let step = min(1, t - now)
            for c in SimCohort.allCases {
                let s = cohort(c, at: now)
                let n = s.requestsPerMinute / 60 * step
                guard n > 0 else { continue }
                var k = counters[c]!
                k.errors += n * s.errorRate
                k.ok += n * (1 - s.errorRate)
                k.latencySum += n * s.avgLatency
                let median = s.avgLatency / exp(Self.sigma * Self.sigma / 2)
                for (i, le) in Self.latencyBuckets.enumerated() {
                    k.buckets[i] += n * Self.normalCDF(log(le / median) / Self.sigma)
                }
                counters[c] = k
            }
            now += step
        }
        elapsed = t
    }

    public mutating func setTraffic(_ percent: Double) {
        canaryPercent = percent
        rolledBack = false
    }

    public mutating func rollback() {
        canaryPercent = 0
        rolledBack = true
    }

    static func normalCDF(_ z: Double) -> Double { 0.5 * (1 + erf(z / 2.0.squareRoot())) }

    /// Deterministic noise in -1...1 for a second and a channel.
    static func noise(_ second: Int, _ channel: UInt64) -> Double {
        var x = UInt64(bitPattern: Int64(second)) &* 0x9E37_79B9_7F4A_7C15 &+ channel &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 30
        x = x &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 27
        x = x &* 0x94D0_49BB_1331_11EB
        x ^= x >> 31
        return Double(x % 20_001) / 10_000 - 1
    }

    // MARK: - Wire formats

    /// The runbooks' health JSON: aggregate fields plus one object per cohort.
    public func healthJSON(at t: TimeInterval) -> String {
        let canary = cohort(.canary, at: t)
        let stable = cohort(.stable, at: t)
        let total = canary.requestsPerMinute + stable.requestsPerMinute
        func weighted(_ f: (CohortState) -> Double) -> Double {
            total > 0 ? (f(canary) * canary.requestsPerMinute + f(stable) * stable.requestsPerMinute) / total : 0
        }
        let errorRate = weighted(\.errorRate)
        let status = errorRate > 0.2 ? "unhealthy" : errorRate > 0.05 ? "degraded" : "healthy"
        func object(_ s: CohortState) -> String {
            guard s.requestsPerMinute > 0 else {
                return #"{"status":"idle","error_rate":null,"avg_response_time":null,"p95_response_time":null,"requests_per_minute":0}"#
            }
            return String(
                format: #"{"status":"%@","error_rate":%.5f,"avg_response_time":%.1f,"p95_response_time":%.1f,"requests_per_minute":%.1f}"#,
                s.errorRate > 0.2 ? "unhealthy" : s.errorRate > 0.05 ? "degraded" : "healthy",
                s.errorRate, s.avgLatency * 1000, s.p95Latency * 1000, s.requestsPerMinute)
        }
        return String(
            format:
                #"{"status":"%@","error_rate":%.5f,"avg_response_time":%.1f,"p95_response_time":%.1f,"requests_per_minute":%.1f,"canary_percent":%g,"rolled_back":%@,"cohorts":{"canary":%@,"stable":%@}}"#,
            status, errorRate, weighted(\.avgLatency) * 1000, weighted(\.p95Latency) * 1000, total,
            canaryPercent, rolledBack ? "true" : "false", object(canary), object(stable))
    }

    /// Prometheus text format 0.0.4.
    public func metricsText() -> String {
        var out = """
            # HELP http_requests_total Requests served, by cohort and status code.
            # TYPE http_requests_total counter

            """
        for c in SimCohort.allCases {
            let k = counters[c]!
            out += "http_requests_total{cohort=\"\(c.rawValue)\",code=\"200\"} \(Int(k.ok.rounded(.down)))\n"
            out += "http_requests_total{cohort=\"\(c.rawValue)\",code=\"500\"} \(Int(k.errors.rounded(.down)))\n"
        }
        out += """
            # HELP http_request_duration_seconds Request latency, by cohort.
            # TYPE http_request_duration_seconds histogram

            """
        for c in SimCohort.allCases {
            let k = counters[c]!
            let count = Int(k.count.rounded(.down))
            var previous = 0
            for (i, le) in Self.latencyBuckets.enumerated() {
                let v = min(count, max(previous, Int(k.buckets[i].rounded(.down))))
                previous = v
                out += "http_request_duration_seconds_bucket{cohort=\"\(c.rawValue)\",le=\"\(le)\"} \(v)\n"
            }
            out += "http_request_duration_seconds_bucket{cohort=\"\(c.rawValue)\",le=\"+Inf\"} \(count)\n"
            out += "http_request_duration_seconds_sum{cohort=\"\(c.rawValue)\"} \(String(format: "%.3f", k.latencySum))\n"
            out += "http_request_duration_seconds_count{cohort=\"\(c.rawValue)\"} \(count)\n"
        }
        out += """
            # HELP canary_traffic_percent Percent of traffic routed to the canary.
            # TYPE canary_traffic_percent gauge
            canary_traffic_percent \(canaryPercent)

            """
        return out
    }
}
