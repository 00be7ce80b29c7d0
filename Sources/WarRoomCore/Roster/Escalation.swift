import Foundation

/// Which tiers a severity pages, and how often the chain repeats.
public struct EscalationPolicy: Sendable, Codable, Equatable {
    /// Indices into the roster's tiers, in paging order.
    public var tiers: [Int]
    /// How many times the whole chain runs again when nobody acknowledges.
    public var repeats: Int

    public init(tiers: [Int], repeats: Int = 0) {
        self.tiers = tiers
        self.repeats = repeats
    }

    /// The runbooks: SEV-3 pages the primary, SEV-2 primary and secondary,
    /// SEV-1 everyone up to the CTO; SEV-4 pages no one.
    public static func runbookDefault(for severity: Severity, tierCount: Int) -> EscalationPolicy {
        let n: Int = switch severity {
        case .sev1: tierCount
        case .sev2: min(2, tierCount)
        case .sev3: min(1, tierCount)
        default: 0
        }
        return EscalationPolicy(tiers: Array(0 ..< n), repeats: severity == .sev1 ? 1 : 0)
    }
}

/// A page sent to one person at one tier.
public struct PageRequest: Sendable, Codable, Equatable {
    public var id: Int
    public var tier: Int
    public var tierName: String
    public var person: Person
    public var severity: Severity
    public var title: String
    /// 0 for the first run of the chain, 1 for the first repeat, …
    public var round: Int

    public init(id: Int, tier: Int, tierName: String, person: Person, severity: Severity, title: String, round: Int) {
        self.id = id
        self.tier = tier
        self.tierName = tierName
        self.person = person
        self.severity = severity
        self.title = title
        self.round = round
    }
}

/// A running escalation, folded from events.
public struct EscalationState: Sendable, Equatable {
    public var startedAt: Date
    public var policy: EscalationPolicy
    public var severity: Severity
    public var pages: [(request: PageRequest, sentAt: Date, outcome: CommandOutcome?)] = []
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    /// Why it stopped: acknowledged, resolved, chain exhausted.
    public var stopped: String?

    public init(startedAt: Date, policy: EscalationPolicy, severity: Severity) {
        self.startedAt = startedAt
        self.policy = policy
        self.severity = severity
    }

    public static func == (a: EscalationState, b: EscalationState) -> Bool {
        a.startedAt == b.startedAt && a.policy == b.policy && a.severity == b.severity
            && a.pages.map(\.request) == b.pages.map(\.request) && a.pages.map(\.outcome) == b.pages.map(\.outcome)
            && a.acknowledgedBy == b.acknowledgedBy && a.acknowledgedAt == b.acknowledgedAt && a.stopped == b.stopped
    }

    public var isActive: Bool { stopped == nil }

    /// When each step of the chain is due, from the start: (round, tier, offset).
    public func schedule(roster: Roster) -> [(round: Int, tier: Int, offset: TimeInterval)] {
        var out: [(Int, Int, TimeInterval)] = []
        var t: TimeInterval = 0
        for round in 0 ... max(0, policy.repeats) {
            for tier in policy.tiers where tier < roster.tiers.count {
                out.append((round, tier, t))
                t += roster.tiers[tier].escalateAfter
            }
        }
        return out
    }

    /// The next step not yet paged, and when it is due.
    public func next(roster: Roster) -> (round: Int, tier: Int, at: Date)? {
        guard isActive else { return nil }
        for step in schedule(roster: roster) where !pages.contains(where: { $0.request.round == step.round && $0.request.tier == step.tier }) {
            return (step.round, step.tier, startedAt + step.offset)
        }
        return nil
    }
}
