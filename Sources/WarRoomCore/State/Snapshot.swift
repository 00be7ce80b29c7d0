import Foundation

/// An immutable view of the war room handed to readers (the screen, `status`).
public struct Snapshot: Sendable {
    public let state: WarRoomState
    /// The moment it was published, by the war room's clock.
    public let publishedAt: Date

    public init(state: WarRoomState, publishedAt: Date) {
        self.state = state
        self.publishedAt = publishedAt
    }
}
