import Foundation

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

/// The canary's state, folded from events.
public struct CanaryState: Sendable, Equatable {
    public var phase: CanaryPhase = .pending
    /// Index into the plan of the step in force, nil before the first.
    public var stepIndex: Int?
    /// Traffic weight in force, percent.
    public var weight: Double = 0
    public var stepStartedAt: Date?
    /// One line: why it is paused or rolled back.
    public var reason: String?
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
        reason = nil
    }

    public func elapsedInStep(at now: Date) -> TimeInterval {
        guard let start = stepStartedAt else { return 0 }
        return max(0, now.timeIntervalSince(start))
    }
}
