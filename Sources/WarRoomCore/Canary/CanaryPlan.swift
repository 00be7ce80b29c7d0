public import Foundation

/// One step of a canary launch: a traffic weight held for a time.
/// The last step (100%) has no hold: it is full promotion.
public struct CanaryStep: Sendable, Codable, Equatable {
    /// Percent of traffic on the canary, 0...100.
    public var weight: Double
    /// How long to hold this step before the next; nil for the last step.
    public var hold: TimeInterval?
    /// A person must approve (promote) before this step starts.
    public var approval: Bool

    public init(weight: Double, hold: TimeInterval?, approval: Bool = false) {
        self.weight = weight
        self.hold = hold
        self.approval = approval
    }
}

/// The traffic plan of a launch.
public struct CanaryPlan: Sendable, Codable, Equatable {
    public var steps: [CanaryStep]
    /// Automated analysis of each step; nil turns it off.
    public var analysis: AnalysisConfig?
    /// No step forward while an incident (or rules and alerts) is at this
    /// severity or worse; absent in journals before it was recorded (SEV-3).
    public var holdAtSeverity: Severity?
    /// What a rise to SEV-1 does to the canary; absent means pause, or roll
    /// back when the analysis has `auto_rollback`.
    public var onSev1: Sev1Action?

    public var holdAt: Severity { holdAtSeverity ?? .sev3 }
    public var sev1Action: Sev1Action { onSev1 ?? (analysis?.autoRollback == true ? .rollback : .pause) }

    public init(steps: [CanaryStep], analysis: AnalysisConfig? = .runbookDefault) {
        self.steps = steps
        self.analysis = analysis
    }

    /// The runbooks' plan: 1% for 30 min, 5% for 1 h, 25% for 2 h, then 100%.
    public static let runbookDefault = CanaryPlan(steps: [
        CanaryStep(weight: 1, hold: 30 * 60),
        CanaryStep(weight: 5, hold: 60 * 60),
        CanaryStep(weight: 25, hold: 2 * 60 * 60),
        CanaryStep(weight: 100, hold: nil),
    ])

    /// Time from the start of step `index` to full promotion, if every hold passes.
    public func remaining(from index: Int, elapsedInStep: TimeInterval) -> TimeInterval {
        guard index < steps.count else { return 0 }
        var total: TimeInterval = 0
        for i in index ..< steps.count {
            total += steps[i].hold ?? 0
        }
        return max(0, total - elapsedInStep)
    }
}

/// What a rise to SEV-1 does to a canary carrying traffic ("Immediate rollback" in the runbooks).
public enum Sev1Action: String, Sendable, Codable, Equatable {
    case pause, rollback
}

extension CanaryPlan {
    /// The index of the highest step at or below `weight`: the step a canary at
    /// an off-plan weight has done. nil below the first step.
    public func stepIndex(atOrBelow weight: Double) -> Int? {
        steps.indices.last { steps[$0].weight <= weight }
    }

    /// The first step above `weight`: where a promotion goes.
    public func stepIndex(above weight: Double) -> Int? {
        steps.indices.first { steps[$0].weight > weight }
    }
}

/// Where the canary stands.
public enum CanaryPhase: String, Sendable, Codable, Equatable {
    /// No step started yet.
    case pending
    /// Holding a step; the next one follows when the hold passes.
    case progressing
    /// A traffic command is in flight.
    case changing
    /// Stopped by a failed command, the analysis or an operator; says why.
    case paused
    /// The hold has passed; the next step waits for a person to promote.
    case awaitingApproval = "awaiting_approval"
    /// A rollback is in flight.
    case rollingBack = "rolling_back"
    /// All traffic on the new version.
    case promoted
    /// Traffic moved back to stable.
    case rolledBack = "rolled_back"

    public var label: String {
        switch self {
        case .pending: "pending"
        case .progressing: "progressing"
        case .changing: "changing traffic"
        case .paused: "paused"
        case .awaitingApproval: "awaiting approval"
        case .rollingBack: "rolling back"
        case .promoted: "promoted"
        case .rolledBack: "rolled back"
        }
    }
}

/// Holds a person lifted, with why; it lasts until the next step.
public struct HoldOverride: Sendable, Codable, Equatable {
    public var holds: [Hold]
    public var by: String
    public var reason: String
    public init(holds: [Hold], by: String, reason: String) {
        self.holds = holds
        self.by = by
        self.reason = reason
    }
}

/// The weight the plan says against the one the traffic controller reports.
public struct Drift: Sendable, Equatable {
    public var plan: Double
    public var controller: Double
    public init(plan: Double, controller: Double) {
        self.plan = plan
        self.controller = controller
    }

    /// "DRIFT: plan says 5%, controller says 25%": the pane, the timeline and holds.
    public var text: String { "DRIFT: \(detail)" }
    /// "plan says 5%, controller says 25%" (`status` prints it beside its DRIFT label).
    public var detail: String { "plan says \(Format.weight(plan)), controller says \(Format.weight(controller))" }
}

/// The canary's state, folded from events.
public struct CanaryState: Sendable, Equatable, Codable {
    public var phase: CanaryPhase = .pending
    /// Index into the plan of the step in force, nil before the first.
    public var stepIndex: Int?
    /// Traffic weight in force, percent.
    public var weight: Double = 0
    public var stepStartedAt: Date?
    /// Why it is paused, waiting or rolled back.
    public var stop: CanaryStop?
    /// The launch was started (L, --start, the demo); nothing moves before.
    public var started = false
    /// Trouble holds as last recorded in the timeline.
    public var recordedHolds: [Hold] = []
    /// A person lifted these holds until the next step.
    public var override: HoldOverride?
    /// The first breach not yet answered by a rollback: where TTR starts.
    public var breachAt: Date?
    /// Where the running TTR is counted from.
    public var ttrStart: TTRStart?
    /// What the traffic controller last said, and when.
    public var controller: TrafficReading?
    public var controllerReadAt: Date?
    /// Analysis of the current step.
    public var checksPassed = 0
    public var checksFailed = 0
    public var inconclusiveInARow = 0
    public var lastCheckAt: Date?
    public var lastCheck: AnalysisCheck?
    /// A rollback's trigger, until the first healthy reading after it.
    public var ttrTrigger: Date?
    /// The last measured time to rollback, seconds.
    public var ttr: TimeInterval?

    public init() {}

    mutating func startStep(at time: Date) {
        stepStartedAt = time
        checksPassed = 0
        checksFailed = 0
        inconclusiveInARow = 0
        lastCheckAt = nil
        lastCheck = nil
        stop = nil
        override = nil
    }

    /// The weight is not one of the plan's steps: the canary is between steps.
    public func isOffPlan(_ plan: CanaryPlan) -> Bool {
        guard weight > 0 else { return false }
        guard let i = stepIndex, i < plan.steps.count else { return true }
        return plan.steps[i].weight != weight
    }

    /// The controller disagrees with the plan.
    public var drift: Drift? {
        guard let c = controller?.percent, abs(c - weight) > 0.001,
            phase != .changing, phase != .rollingBack
        else { return nil }
        return Drift(plan: weight, controller: c)
    }

    public func elapsedInStep(at now: Date) -> TimeInterval {
        guard let start = stepStartedAt else { return 0 }
        return max(0, now.timeIntervalSince(start))
    }
}
