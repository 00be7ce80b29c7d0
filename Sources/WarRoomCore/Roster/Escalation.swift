public import Foundation

/// Which tiers a severity pages, and how often the chain repeats.
public struct EscalationPolicy: Sendable, Codable, Equatable {
    /// Indices into the roster's tiers, in paging order.
    public var tiers: [Int]
    /// How many times the whole chain runs again when nobody acknowledges.
    public var repeats: Int
    /// Page the acknowledger again when an acknowledged incident is still
    /// open after this long (off when nil).
    public var repageAfter: TimeInterval?

    public init(tiers: [Int], repeats: Int = 0, repageAfter: TimeInterval? = nil) {
        self.tiers = tiers
        self.repeats = repeats
        self.repageAfter = repageAfter
    }

    /// The runbooks: SEV-3 pages the primary, SEV-2 primary and secondary,
    /// SEV-1 everyone up to the CTO; SEV-4 pages no one.
    public static func runbookDefault(for severity: Severity, tierCount: Int) -> EscalationPolicy {
        let n: Int =
            switch severity {
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
    /// A reminder to the acknowledger (`repage_after`), not a step of the chain.
    public var repage: Bool?

    public init(id: Int, tier: Int, tierName: String, person: Person, severity: Severity, title: String, round: Int, repage: Bool? = nil) {
        self.repage = repage
        self.id = id
        self.tier = tier
        self.tierName = tierName
        self.person = person
        self.severity = severity
        self.title = title
        self.round = round
    }
}

/// Why an escalation stopped paging.
public enum EscalationStop: Sendable, Equatable, Codable {
    case acknowledged(by: String)
    case resolved

    public var text: String {
        switch self {
        case .acknowledged(let by): "acknowledged by \(by)"
        case .resolved: "incident resolved"
        }
    }
}

/// One page as sent, and how it went.
public struct SentPage: Sendable, Equatable, Codable {
    public var request: PageRequest
    public var sentAt: Date
    public var outcome: CommandOutcome?
    public init(request: PageRequest, sentAt: Date, outcome: CommandOutcome? = nil) {
        self.request = request
        self.sentAt = sentAt
        self.outcome = outcome
    }
}

/// A running escalation, folded from events.
public struct EscalationState: Sendable, Equatable, Codable {
    public var startedAt: Date
    public var policy: EscalationPolicy
    public var severity: Severity
    public var pages: [SentPage] = []
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    /// Why it stopped: acknowledged or resolved; nil while it pages.
    public var stopped: EscalationStop?
    /// Tiers whose pages an acknowledgement answered: a rise pages only the others.
    public var answered: Set<Int> = []
    /// Where the chain's schedule counts from: the start, or the rise that
    /// re-opened it after an acknowledgement.
    public var chainStartedAt: Date
    /// The tier the acknowledgement answered, for `repage_after`.
    public var acknowledgedTier: Int?
    /// The last reminder to the acknowledger.
    public var lastRepageAt: Date?

    public init(startedAt: Date, policy: EscalationPolicy, severity: Severity) {
        self.startedAt = startedAt
        self.policy = policy
        self.severity = severity
        self.chainStartedAt = startedAt
    }

    public var isActive: Bool { stopped == nil }

    /// One step of the chain: a tier in a round, due `offset` after the chain starts.
    public struct Step: Sendable, Equatable {
        public var round: Int
        public var tier: Int
        public var offset: TimeInterval
    }

    /// The next page of the chain and when it is due.
    public struct Due: Sendable, Equatable {
        public var round: Int
        public var tier: Int
        public var at: Date
    }

    /// When each step of the chain is due, from its start.
    /// Tiers an acknowledgement answered are left out.
    public func schedule(roster: Roster) -> [Step] {
        var out: [Step] = []
        var t: TimeInterval = 0
        for round in 0 ... max(0, policy.repeats) {
            for tier in policy.tiers where tier < roster.tiers.count && !answered.contains(tier) {
                out.append(Step(round: round, tier: tier, offset: t))
                t += roster.tiers[tier].escalateAfter
            }
        }
        return out
    }

    /// The next step not yet paged in this chain, and when it is due.
    public func next(roster: Roster) -> Due? {
        guard isActive else { return nil }
        let sent = pages.filter { $0.sentAt >= chainStartedAt && $0.request.repage != true }
        for step in schedule(roster: roster) where !sent.contains(where: { $0.request.round == step.round && $0.request.tier == step.tier }) {
            return Due(round: step.round, tier: step.tier, at: chainStartedAt + step.offset)
        }
        return nil
    }

    /// Is this tier paged at the current severity (now or later in the chain)?
    public func pages(tier: Int) -> Bool { policy.tiers.contains(tier) }
}

extension EscalationState {
    /// As synthesised, but `answered` in order, so that equal states encode to
    /// equal bytes (a checkpoint is compared by its encoding).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(startedAt, forKey: .startedAt)
        try c.encode(policy, forKey: .policy)
        try c.encode(severity, forKey: .severity)
        try c.encode(pages, forKey: .pages)
        try c.encodeIfPresent(acknowledgedBy, forKey: .acknowledgedBy)
        try c.encodeIfPresent(acknowledgedAt, forKey: .acknowledgedAt)
        try c.encodeIfPresent(stopped, forKey: .stopped)
        try c.encode(answered.sorted(), forKey: .answered)
        try c.encode(chainStartedAt, forKey: .chainStartedAt)
        try c.encodeIfPresent(acknowledgedTier, forKey: .acknowledgedTier)
        try c.encodeIfPresent(lastRepageAt, forKey: .lastRepageAt)
    }
}
