import Foundation

/// Someone who can be paged.
public struct Person: Sendable, Codable, Equatable {
    public var name: String
    public var handle: String
    /// How to reach them: a phone number, an address, a channel.
    public var contact: String

    public init(name: String, handle: String, contact: String = "") {
        self.name = name
        self.handle = handle
        self.contact = contact
    }
}

/// One tier of the escalation chain.
public struct EscalationTier: Sendable, Codable, Equatable {
    /// "Primary", "Secondary", "Engineering lead", "CTO".
    public var name: String
    public var person: Person
    /// How long this tier has to acknowledge before the next tier is paged.
    public var escalateAfter: TimeInterval

    public init(name: String, person: Person, escalateAfter: TimeInterval) {
        self.name = name
        self.person = person
        self.escalateAfter = escalateAfter
    }
}

/// Who is on call, tier by tier.
public struct Roster: Sendable, Codable, Equatable {
    public var tiers: [EscalationTier]
    /// Escalation policies by severity label ("SEV-1"); the runbooks' otherwise.
    public var policies: [String: EscalationPolicy]

    public init(tiers: [EscalationTier], policies: [String: EscalationPolicy] = [:]) {
        self.tiers = tiers
        self.policies = policies
    }

    /// When each tier is paged, counted from the start of escalation: the
    /// primary at once, each next tier when the one before has had its time.
    public var pageOffsets: [TimeInterval] {
        var offsets: [TimeInterval] = []
        var t: TimeInterval = 0
        for tier in tiers {
            offsets.append(t)
            t += tier.escalateAfter
        }
        return offsets
    }
}
