import Foundation
import WarRoomCore

/// Reading a war room's journal: what every follower (wallboard, `status`,
/// `export`, `replay`, `screenshot`) holds. It has no way to append, so a
/// reader that tries to record something does not compile.
///
/// This is the seam a second backend implements: SQLite today
/// (`SQLiteJournalReader`), PostgreSQL later.
public protocol JournalReader: Sendable {
    /// Where the journal is, for messages ("journal PATH: ...").
    var location: String { get }

    /// Events with `seq` greater than `after`, oldest first, at most `limit`.
    func events(after: Int64, limit: Int?) throws -> [Recorded]

    /// The newest event's sequence number (0 for an empty journal).
    func lastSeq() throws -> Int64

    /// Says when a follower should read again (file stamps for SQLite,
    /// notifications for a server).
    func makeWatch() -> any JournalWatching
}

extension JournalReader {
    /// Every event after `after` (all of them by default), oldest first.
    public func events(after: Int64 = 0) throws -> [Recorded] {
        try events(after: after, limit: nil)
    }
}

/// Reading and appending: what the commander's war room, `note` and `ack` hold.
public protocol JournalWriter: JournalReader {
    /// Append events durably, in order, in one transaction; returns them as
    /// recorded. When it returns, the events are on disk (or in the database).
    @discardableResult
    func append(_ events: [(time: Date, event: Event)]) throws -> [Recorded]
}

extension JournalWriter {
    @discardableResult
    public func append(_ event: Event, at time: Date) throws -> Recorded {
        try append([(time, event)])[0]
    }
}

/// When a follower should read its journal again.
public protocol JournalWatching: Sendable {
    /// Whether to read now; a `true` also starts the next wait.
    mutating func shouldRead(now: ContinuousClock.Instant) -> Bool
}

extension JournalWatching {
    public mutating func shouldRead() -> Bool { shouldRead(now: .now) }
}

public struct JournalError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "journal \(path): \(reason)" }
}
