public import Foundation

/// The runbooks' status page states.
public enum IncidentStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case investigating, identified, monitoring, resolved

    public var label: String { rawValue.capitalized }
}

/// The runbooks' incident roles.
public enum IncidentRole: String, Sendable, Codable, CodingKeyRepresentable, CaseIterable, Hashable {
    case commander
    case techLead = "tech_lead"
    case comms
    case scribe

    public var label: String {
        switch self {
        case .commander: "Incident commander"
        case .techLead: "Tech lead"
        case .comms: "Communications lead"
        case .scribe: "Scribe"
        }
    }

    public var short: String {
        switch self {
        case .commander: "IC"
        case .techLead: "Tech"
        case .comms: "Comms"
        case .scribe: "Scribe"
        }
    }
}

/// An incident: declared by a person or opened when a severity rule fires.
public struct Incident: Sendable, Equatable, Codable {
    /// 1 for the journal's first incident, then 2, …
    public var number: Int
    public var title: String
    public var severity: Severity
    /// The worst severity it reached.
    public var peak: Severity
    public var status: IncidentStatus = .investigating
    public var roles: [IncidentRole: String] = [:]
    public var openedAt: Date
    public var openedBy: String
    public var resolvedAt: Date?

    public init(number: Int, title: String, severity: Severity, openedAt: Date, openedBy: String) {
        self.number = number
        self.title = title
        self.severity = severity
        self.peak = severity
        self.openedAt = openedAt
        self.openedBy = openedBy
    }

    public var isOpen: Bool { status != .resolved }

    /// How long it has lasted, up to `now` or its resolution.
    public func duration(at now: Date) -> TimeInterval {
        (resolvedAt ?? now).timeIntervalSince(openedAt)
    }
}

/// Limits on what people type into the journal.
public enum NoteRules {
    /// In Unicode scalars, not characters: 3,000 combining marks on one
    /// letter are one character but 3,001 scalars, and would fill the journal.
    public static let maxLength = 500

    /// The length that `maxLength` limits.
    public static func length(of text: String) -> Int { text.unicodeScalars.count }

    /// Why this text cannot be recorded, or nil if it can.
    public static func problem(with text: String) -> NoteProblem? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .empty }
        let n = length(of: text)
        if n > maxLength { return .tooLong(scalars: n) }
        if let (scalar, i) = InertText.firstHostile(in: text) {
            let control = scalar.value < 0x20 || (0x7F ... 0x9F).contains(scalar.value)
            return control ? .controlCharacter(scalar.value, at: i) : .formattingCharacter(scalar.value, at: i)
        }
        return nil
    }
}

/// Why a text a person typed (a note, a title, a name, a reason) cannot be
/// recorded: a value, with a `text` for display.
public enum NoteProblem: Sendable, Equatable, Hashable, CustomStringConvertible {
    case empty
    /// Longer than `NoteRules.maxLength` Unicode scalars.
    case tooLong(scalars: Int)
    /// A control character (C0, DEL or C1) at this position (in Unicode scalars, from 1).
    case controlCharacter(UInt32, at: Int)
    /// An invisible formatting character (bidi override, zero width, …).
    case formattingCharacter(UInt32, at: Int)
    /// A command's reason starting with `-` (see `ReasonRules`).
    case startsWithDash

    public var text: String {
        switch self {
        case .empty: "the text is empty"
        case .tooLong(let n): "the text is \(n) characters (Unicode scalars) long; at most \(NoteRules.maxLength) fit on a timeline line"
        case .controlCharacter(let scalar, let i): "the text has a control character (U+\(String(format: "%04X", scalar))) at position \(i)"
        case .formattingCharacter(let scalar, let i):
            "the text has an invisible formatting character (U+\(String(format: "%04X", scalar))) at position \(i)"
        case .startsWithDash: "a reason cannot start with '-' (a program could read it as an option)"
        }
    }

    public var description: String { text }
}
