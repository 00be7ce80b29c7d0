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

    /// Events after `afterSeq`, and sample batches from the samples store
    /// after `samplesAfter` (milliseconds since 1970; all when nil), read
    /// together so they agree. With `recent`, only the batches within that
    /// many seconds of the newest. A journal of format 1 (not migrated) has
    /// its samples among the events and no batches.
    func changes(afterSeq: Int64, samplesAfter: Int64?, recent: TimeInterval?) throws -> JournalChanges

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

extension JournalReader {
    /// Events and sample batches in the order they happened (replay, export).
    public func history() throws -> [Recorded] {
        let all = try changes(afterSeq: 0, samplesAfter: nil, recent: nil)
        return SampleBatch.merged(events: all.events, batches: all.batches)
    }
}

/// What a follower reads next: new events and new sample batches.
public struct JournalChanges: Sendable, Equatable {
    public var events: [Recorded]
    public var batches: [SampleBatch]
    public init(events: [Recorded], batches: [SampleBatch]) {
        self.events = events
        self.batches = batches
    }
    /// Both, in the order they happened.
    public var merged: [Recorded] { SampleBatch.merged(events: events, batches: batches) }
}

/// Reading and appending: what the commander's war room, `note` and `ack` hold.
public protocol JournalWriter: JournalReader {
    /// Append events durably, in order, in one transaction; returns them as
    /// recorded. When it returns, the events are on disk (or in the database).
    /// Samples are refused here: they go to the samples store (`write`).
    @discardableResult
    func append(_ events: [(time: Date, event: Event)]) throws -> [Recorded]

    /// Everything `body` appends, events and sample batches, in one
    /// transaction with one commit (one fsync) before this returns (group commit).
    func write<T>(_ body: (any JournalTransaction) throws -> T) throws -> T

    /// Downsample and expire stored samples by their age at `now`.
    @discardableResult
    func compactSamples(now: Date, retention: SampleRetention) throws -> SampleCompaction
}

/// Appending inside one write transaction.
public protocol JournalTransaction {
    /// Append an event; returns it as recorded (its `seq` and stored time).
    func append(_ event: Event, at time: Date) throws -> Recorded
    /// Store one source's readings in the samples store.
    func append(_ batch: SampleBatch) throws
    /// Events after `after`, as this transaction sees them (another process may have appended).
    func events(after: Int64) throws -> [Recorded]
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
