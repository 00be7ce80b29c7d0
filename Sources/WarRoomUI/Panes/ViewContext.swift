import Foundation
import WarRoomCore

/// Everything a pane needs to draw: the snapshot, the time, the glyphs.
public struct ViewContext: Sendable {
    public var state: WarRoomState
    public var now: Date
    public var glyphs: Glyphs
    public var timeZone: TimeZone

    public init(state: WarRoomState, now: Date, glyphs: Glyphs = .unicode, timeZone: TimeZone = .current) {
        self.state = state
        self.now = now
        self.glyphs = glyphs
        self.timeZone = timeZone
    }

    public var localOffset: Int { timeZone.secondsFromGMT(for: now) }
    public var localZoneName: String { timeZone.abbreviation(for: now) ?? timeZone.identifier }

    /// The zero of the timeline's T+ clock: the incident's start, else the launch's.
    public var epoch: Date? { state.incident?.openedAt ?? state.launchStartedAt }
}

extension Severity {
    public var role: Role {
        switch self {
        case .none: .ok
        case .sev4, .sev3: .sev3
        case .sev2: .sev2
        case .sev1: .sev1
        }
    }
}

extension TimelineEntry.Tone {
    var role: Role {
        switch self {
        case .info: .normal
        case .good: .ok
        case .warning(let s): s.role
        case .bad: .sev1
        }
    }
    var glyph: String {
        switch self {
        case .info: "·"
        case .good: "✓"
        case .warning(let s): s.glyph
        case .bad: "✖"
        }
    }
}
