public import Foundation

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
    /// When set, who is on call comes from this rotation; `person` is unused.
    public var rotation: String?

    public init(name: String, person: Person, escalateAfter: TimeInterval, rotation: String? = nil) {
        self.name = name
        self.person = person
        self.escalateAfter = escalateAfter
        self.rotation = rotation
    }
}

/// Who is on call, tier by tier.
public struct Roster: Sendable, Codable, Equatable {
    public var tiers: [EscalationTier]
    /// Escalation policies by severity label ("SEV-1"); the runbooks' otherwise.
    public var policies: [String: EscalationPolicy]
    /// Everyone a rotation may name, with how to reach them.
    public var people: [Person]
    public var rotations: [Rotation]

    public init(tiers: [EscalationTier], policies: [String: EscalationPolicy] = [:], people: [Person] = [], rotations: [Rotation] = []) {
        self.tiers = tiers
        self.policies = policies
        self.people = people
        self.rotations = rotations
    }

    private func person(_ who: String) -> Person {
        Rotation.person(who, among: people) ?? Person(name: who, handle: who.hasPrefix("@") ? who : "")
    }

    /// Who is on call at a tier at an instant: its rotation's person, or its fixed one.
    public func onCall(tier index: Int, at instant: Date) -> Person {
        let tier = tiers[index]
        guard let name = tier.rotation, let rotation = rotations.first(where: { $0.name == name }),
            let who = rotation.onCall(at: instant)
        else { return tier.person }
        return person(who)
    }

    /// When the tier's rotation hands over next, and to whom.
    public func nextHandoff(tier index: Int, after instant: Date) -> (at: Date, to: Person)? {
        guard let name = tiers[index].rotation, let rotation = rotations.first(where: { $0.name == name }),
            let next = rotation.nextHandoff(after: instant)
        else { return nil }
        return (next.at, person(next.to))
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
