import Foundation
import Synchronization

/// Where the war room reads the time. Injected, so tests can move time at will.
public protocol WarRoomClock: Sendable {
    func now() -> Date
}

public struct SystemClock: WarRoomClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that moves only when told to: for tests.
public final class ManualClock: WarRoomClock {
    private let time: Mutex<Date>
    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { time = Mutex(start) }
    public func now() -> Date { time.withLock { $0 } }
    public func advance(by seconds: TimeInterval) { time.withLock { $0 += seconds } }
    public func set(_ date: Date) { time.withLock { $0 = date } }
}
