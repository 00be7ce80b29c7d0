import Foundation
public import WarRoomCore

/// A one-line question at the bottom of the screen.
public struct Prompt: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case note
        case declareTitle
        case declareSeverity(title: String)
        case severity
        case status
        case role
        case rolePerson(IncidentRole)
        case trafficPercent
    }

    /// What an answer leads to.
    public enum Next: Sendable, Equatable {
        /// Close the prompt and send this.
        case send(Intent)
        /// Ask this next (a declaration's severity, a role's person).
        case ask(Prompt)
        /// Close the prompt and arm this command (its reason comes next).
        case arm(CommandAction)
        /// Close the prompt and say why the answer is not one.
        case refuse(String)
        /// Close the prompt, nothing else (an empty line).
        case close
    }

    /// A single-key answer: the key, its wording, and what it does.
    public struct Choice: Sendable, Equatable {
        public var key: Character
        public var label: String
        public var next: Next
    }

    public var kind: Kind
    public var text = ""

    public init(_ kind: Kind) { self.kind = kind }

    /// Single-key choices, each carrying its value; nil for free text.
    public var choices: [Choice]? {
        switch kind {
        case .declareSeverity(let title):
            Self.severities.map { Choice(key: $0.key, label: $0.label, next: .send(.declare(title: title, severity: $0.severity))) }
        case .severity:
            Self.severities.map { Choice(key: $0.key, label: $0.label, next: .send(.setSeverity($0.severity))) }
        case .status:
            [("i", IncidentStatus.investigating), ("d", .identified), ("m", .monitoring), ("r", .resolved)]
                .map { Choice(key: $0.0, label: $0.1.label, next: .send(.setStatus($0.1))) }
        case .role:
            [("c", IncidentRole.commander), ("t", .techLead), ("o", .comms), ("s", .scribe)]
                .map { Choice(key: $0.0, label: $0.1.label, next: .ask(Prompt(.rolePerson($0.1)))) }
        case .note, .declareTitle, .rolePerson, .trafficPercent:
            nil
        }
    }

    /// The runbooks' meanings, in a word each.
    private static let severities: [(key: Character, label: String, severity: Severity)] = [
        ("1", "SEV-1 critical", .sev1), ("2", "SEV-2 high", .sev2), ("3", "SEV-3 medium", .sev3), ("4", "SEV-4 low", .sev4),
    ]

    /// The choice a typed character picks (case does not matter), if any.
    public func choice(for c: Character) -> Choice? {
        choices?.first { $0.key == Character(c.lowercased()) }
    }

    /// What Enter does with the text typed so far (free-text prompts).
    public var answer: Next {
        if case .trafficPercent = kind {
            let typed = text.trimmingCharacters(in: CharacterSet(charactersIn: " %"))
            guard let p = Double(typed), p.isFinite, (0 ... 100).contains(p) else {
                return .refuse("traffic must be a percent from 0 to 100, got '\(typed)'")
            }
            return .arm(.setTraffic(percent: p))
        }
        let typed = text.trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty else { return .close }
        switch kind {
        case .note: return .send(.note(typed))
        case .declareTitle: return .ask(Prompt(.declareSeverity(title: typed)))
        case .rolePerson(let role): return .send(.assign(role, person: typed))
        // Answered by a single key (`choices`), never by Enter.
        case .declareSeverity, .severity, .status, .role, .trafficPercent: return .close
        }
    }

    public var label: String {
        switch kind {
        case .note: "Note"
        case .declareTitle: "Declare incident, title"
        case .declareSeverity(let title): "Severity of \"\(TextWidth.truncate(title, to: 30))\""
        case .severity: "Set severity"
        case .status: "Set status"
        case .role: "Assign role"
        case .rolePerson(let role): "\(role.label) is"
        case .trafficPercent: "Set canary traffic to (percent)"
        }
    }
}
