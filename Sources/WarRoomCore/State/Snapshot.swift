public import Foundation

/// An immutable view of the war room handed to readers (the screen, `status`).
public struct Snapshot: Sendable {
    public let state: WarRoomState
    /// The moment it was published, by the war room's clock.
    public let publishedAt: Date

    /// For replays: the moment being shown, used instead of the wall clock.
    public let viewTime: Date?
    /// A badge for the header: "REPLAY 10x", "READ-ONLY".
    public let label: String?
    /// For followers (the wallboard): who commands the war room, as the lease
    /// shows it; nil where nobody asked (the commander's own screen, replay).
    public let commander: CommanderPresence?

    public init(state: WarRoomState, publishedAt: Date, viewTime: Date? = nil, label: String? = nil, commander: CommanderPresence? = nil) {
        self.state = state
        self.publishedAt = publishedAt
        self.viewTime = viewTime
        self.label = label
        self.commander = commander
    }
}
