public import Foundation

/// One line of the incident timeline.
public struct TimelineEntry: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case session, threshold, source, alert, canary, command, incident, note
    }
    /// How the entry should stand out; the UI maps it to a role.
    public enum Tone: Sendable, Equatable, Codable {
        case info, good
        case warning(Severity)
        case bad
    }

    public var seq: Int64
    public var time: Date
    public var kind: Kind
    public var tone: Tone
    public var text: String

    public init(seq: Int64, time: Date, kind: Kind, tone: Tone, text: String) {
        self.seq = seq
        self.time = time
        self.kind = kind
        self.tone = tone
        self.text = text
    }
}

/// The timeline lines one event's fold writes, in order: a sub-state
/// (the canary, the escalation) writes here, and the state appends them.
struct TimelineLog {
    let recorded: Recorded
    private(set) var entries: [TimelineEntry] = []

    init(_ recorded: Recorded) { self.recorded = recorded }

    mutating func add(_ kind: TimelineEntry.Kind, _ tone: TimelineEntry.Tone, _ text: String) {
        entries.append(TimelineEntry(seq: recorded.seq, time: recorded.time, kind: kind, tone: tone, text: text))
    }
}
