import Foundation

/// One line of the incident timeline.
public struct TimelineEntry: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case session, threshold, source, alert, canary, command, incident, note
    }
    /// How the entry should stand out; the UI maps it to a role.
    public enum Tone: Sendable, Equatable, Codable {
        case info, good, warning(Severity), bad
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
