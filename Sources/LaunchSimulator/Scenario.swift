public import Foundation

/// Something that goes wrong at a chosen time after the simulator starts.
public struct Fault: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The cohort's error rate ramps up to `rate` (a fraction) over `ramp` seconds.
        case errorSpike(cohort: SimCohort, rate: Double, ramp: TimeInterval)
        /// The cohort's average latency climbs to `seconds` over `ramp` seconds.
        case latencyClimb(cohort: SimCohort, seconds: Double, ramp: TimeInterval)
        /// The health and metrics endpoints answer 503.
        case endpointDown
    }
    public var at: TimeInterval
    /// How long it lasts; nil for the rest of the run.
    public var duration: TimeInterval?
    public var kind: Kind

    public init(at: TimeInterval, duration: TimeInterval? = nil, _ kind: Kind) {
        self.at = at
        self.duration = duration
        self.kind = kind
    }

    func active(at t: TimeInterval) -> Bool {
        t >= at && (duration.map { t < at + $0 } ?? true)
    }

    /// 0 before the fault, rising to 1 over the ramp.
    func strength(at t: TimeInterval, ramp: TimeInterval) -> Double {
        guard active(at: t) else { return 0 }
        guard ramp > 0 else { return 1 }
        return min(1, (t - at) / ramp)
    }
}

public enum SimCohort: String, Sendable, Equatable, CaseIterable {
    case canary, stable
}

/// A named list of faults.
public struct Scenario: Sendable, Equatable {
    public var name: String
    public var faults: [Fault]
    /// Total requests per minute across both cohorts.
    public var requestsPerMinute: Double
    /// Canary hold times the demo uses with this scenario, and its analysis interval.
    public var holds: [TimeInterval]
    public var analysisInterval: TimeInterval

    public init(
        name: String, faults: [Fault], requestsPerMinute: Double = 1200,
        holds: [TimeInterval] = [45, 60, 150], analysisInterval: TimeInterval = 10
    ) {
        self.name = name
        self.faults = faults
        self.requestsPerMinute = requestsPerMinute
        self.holds = holds
        self.analysisInterval = analysisInterval
    }

    /// No faults: a healthy launch.
    public static let calm = Scenario(name: "calm", faults: [])

    /// The demo's story: the health endpoint drops out for a few seconds; later
    /// the canary's error rate jumps past SEV-1 while its latency climbs.
    public static let demo = Scenario(
        name: "demo",
        faults: [
            Fault(at: 75, duration: 12, .endpointDown),
            Fault(at: 150, .errorSpike(cohort: .canary, rate: 0.26, ramp: 4)),
            Fault(at: 150, .latencyClimb(cohort: .canary, seconds: 4.2, ramp: 30)),
        ])

    /// The demo's story in under a minute, for end-to-end tests. The spike is
    /// a step, so the first poll after it reads SEV-1 whenever in the second
    /// it falls (a ramp's second gave SEV-3 or SEV-2 first, depending on the
    /// polls' phase: the tests read the same story every run).
    public static let quick = Scenario(
        name: "quick",
        faults: [
            Fault(at: 14, .errorSpike(cohort: .canary, rate: 0.26, ramp: 0))
        ], holds: [4, 4, 120], analysisInterval: 2)

    public static func named(_ name: String) -> Scenario? {
        [calm, demo, quick].first { $0.name == name }
    }
}
