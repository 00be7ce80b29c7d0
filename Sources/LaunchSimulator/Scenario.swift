import Foundation

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

    public init(name: String, faults: [Fault], requestsPerMinute: Double = 1200) {
        self.name = name
        self.faults = faults
        self.requestsPerMinute = requestsPerMinute
    }

    /// No faults: a healthy launch.
    public static let calm = Scenario(name: "calm", faults: [])

    /// The demo's story: the health endpoint drops out for a few seconds, the
    /// canary's latency climbs past SEV-2, then its error rate breaches SEV-1.
    public static let demo = Scenario(name: "demo", faults: [
        Fault(at: 75, duration: 12, .endpointDown),
        Fault(at: 150, .latencyClimb(cohort: .canary, seconds: 5.6, ramp: 45)),
        Fault(at: 185, .errorSpike(cohort: .canary, rate: 0.26, ramp: 15)),
    ])

    public static func named(_ name: String) -> Scenario? {
        [calm, demo].first { $0.name == name }
    }
}
