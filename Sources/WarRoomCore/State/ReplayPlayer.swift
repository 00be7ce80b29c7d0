public import Foundation

/// Folds a recorded journal up to any instant, for replays. Moving forward
/// folds only the new events; moving back starts again from the beginning.
public final class ReplayPlayer {
    private let events: [Recorded]
    private let seriesCapacity: Int
    private var folded: WarRoomState
    private var next = 0

    public init(events: [Recorded], seriesCapacity: Int = 3600) {
        self.events = events
        self.seriesCapacity = seriesCapacity
        folded = WarRoomState(seriesCapacity: seriesCapacity)
    }

    /// The state as it was at `time`: every event recorded at or before it.
    public func state(at time: Date) -> WarRoomState {
        if next > 0, events[next - 1].time > time {
            folded = WarRoomState(seriesCapacity: seriesCapacity)
            next = 0
        }
        while next < events.count, events[next].time <= time {
            folded.apply(events[next])
            next += 1
        }
        return folded
    }
}
