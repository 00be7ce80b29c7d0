public import Foundation
import Synchronization
public import WarRoomCore

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
    public var localZoneName: String { ZoneNames.name(of: timeZone, at: now, offset: localOffset) }

    /// The zero of the timeline's T+ clock: the incident's start, else the launch's.
    public var epoch: Date? { state.incident?.openedAt ?? state.launchStartedAt }
}

/// A time zone's abbreviation ("UTC", "CET", "CEST"), asked of ICU once per
/// zone and offset rather than on every frame: the header draws it every
/// second, and ICU's lookup was a few per cent of an idle dashboard's CPU.
/// The abbreviation changes only with the offset (summer time), so the
/// offset is part of the key.
enum ZoneNames {
    private struct Key: Hashable {
        var zone: String
        var offset: Int
    }
    private static let known = Mutex<[Key: String]>([:])

    static func name(of zone: TimeZone, at date: Date, offset: Int) -> String {
        let key = Key(zone: zone.identifier, offset: offset)
        if let name = known.withLock({ $0[key] }) { return name }
        let name = zone.abbreviation(for: date) ?? zone.identifier
        known.withLock { $0[key] = name }
        return name
    }
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
