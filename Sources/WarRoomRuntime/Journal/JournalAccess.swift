public import Foundation
public import WarRoomCore

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

    /// The sparklines' span, newest first: the sample batches within
    /// `history` seconds of the newest, handed to `visit` until it returns
    /// false, in one read transaction, so a reader that needs only the newest
    /// few of them stops early (`JournalLoader`). `RecentSpan` says what it
    /// needs to know to stop: the series keys stored, and the oldest batch in
    /// the span committed after event `committedFrom` or a later one.
    /// Nothing for a journal of format 1 (its samples are events).
    func recentBatches(within history: TimeInterval, committedFrom seq: Int64, _ visit: (RecentSpan, SampleBatch) throws -> Bool) throws
    /// Events with `seq` greater than `after`, oldest first, leaving out
    /// metric samples except those recorded within `samplesWithin` (none
    /// when it is nil).
    /// What `ack` and `export` read: incident facts without a day of samples.
    func events(after: Int64, samplesWithin: ClosedRange<Date>?) throws -> [Recorded]

    /// The newest checkpoints written with this checkpoint `version`, newest
    /// first, at most `limit`; only those at or below the newest event.
    func checkpoints(version: Int, limit: Int) throws -> [StoredCheckpoint]

    /// The largest value of each (cohort, metric) among the samples store's
    /// points within `window`, over every source; values with no data (NaN)
    /// are left out. Empty for a format 1 journal (its samples are events).
    func samplePeaks(within window: ClosedRange<Date>) throws -> [SeriesKey: Double]

    /// Says when a follower should read again, and at least every
    /// `maximumGap` (file stamps for SQLite, a server's own count later).
    func makeWatch(maximumGap: Duration) -> any JournalWatching

    /// Wakes a follower when the journal changes, between its watch's
    /// checks (inotify for SQLite, notifications for a server).
    func makeWakeup() -> any JournalWakeup
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

/// What a reader of the sparklines' span newest first knows before it stops
/// (`JournalReader.recentBatches`).
public struct RecentSpan: Sendable, Equatable {
    /// Every series key the samples store holds, over all sources.
    public var keys: Set<SeriesKey>
    /// The oldest time (ms) of a batch in the span committed after the event
    /// asked about or a later one: every batch older than it was committed before.
    public var firstCommitted: Int64?
    public init(keys: Set<SeriesKey>, firstCommitted: Int64?) {
        self.keys = keys
        self.firstCommitted = firstCommitted
    }
}

/// What `export` reads for a post-mortem: every incident event (and a format
/// 1 journal's samples within the incident), and the peaks the samples store
/// found within the incident.
public struct IncidentFacts: Sendable, Equatable {
    public var events: [Recorded]
    public var storedPeaks: [SeriesKey: Double]
    public init(events: [Recorded], storedPeaks: [SeriesKey: Double]) {
        self.events = events
        self.storedPeaks = storedPeaks
    }
}

/// A checkpoint as stored: the folded state after event `seq` (see
/// `WarRoomState.checkpointPayload`), a cache that is never the truth.
public struct StoredCheckpoint: Sendable, Equatable {
    public var seq: Int64
    public var version: Int
    public var time: Date
    public var payload: Data
    public init(seq: Int64, version: Int, time: Date, payload: Data) {
        self.seq = seq
        self.version = version
        self.time = time
        self.payload = payload
    }
}

extension JournalReader {
    /// The state folded from the newest usable checkpoint plus the events
    /// after it (from the first event when there is none), and the sparklines'
    /// span of samples in their place, read in pages (`JournalLoader`).
    /// Identical to folding every event from the first (the checkpoint tests hold it).
    public func loadState(seriesCapacity: Int = 3600, page: Int = JournalLoader.batchSize) throws -> (state: WarRoomState, checkpointSeq: Int64?) {
        let (start, from) = try newestCheckpoint(seriesCapacity: seriesCapacity)
        let loaded = try JournalLoader.load(self, into: start, history: TimeInterval(seriesCapacity), batchSize: page)
        return (loaded.state, from)
    }

    /// The newest checkpoint that decodes with this build's version (its state
    /// and seq), else an empty state.
    public func newestCheckpoint(seriesCapacity: Int = 3600) throws -> (state: WarRoomState, seq: Int64?) {
        for stored in try checkpoints(version: WarRoomState.checkpointVersion, limit: 3) {
            if let s = WarRoomState.fromCheckpoint(stored.payload, version: stored.version, seriesCapacity: seriesCapacity),
                s.lastSeq == stored.seq
            {
                return (s, stored.seq)
            }
        }
        return (WarRoomState(seriesCapacity: seriesCapacity), nil)
    }

    /// Every incident event, and the worst value each series reached within
    /// `window` (the incident's peaks), which the samples store works out
    /// itself, so a long open incident never reads its samples out. A format 1
    /// journal, read as it is, has its samples among the events: those within
    /// the window come with the events instead. What `export` reads.
    public func incidentFacts(samplesWithin window: ClosedRange<Date>?) throws -> IncidentFacts {
        let events = try events(after: 0, samplesWithin: window)
        guard let window else { return IncidentFacts(events: events, storedPeaks: [:]) }
        return IncidentFacts(events: events, storedPeaks: try samplePeaks(within: window))
    }

    /// The newest checkpoint plus every event after it except samples: what
    /// an acknowledgement's refusal reads (the incident and its escalation),
    /// without folding a day of samples. Samples never change the incident
    /// or the escalation (a crossing is its own event), so those are exactly
    /// a full fold's; what samples drive (values, ages, the breach time) is
    /// as of the checkpoint. Not for screens.
    public func incidentState() throws -> WarRoomState {
        var state = try newestCheckpoint().state
        for e in try events(after: state.lastSeq, samplesWithin: nil) { state.apply(e) }
        return state
    }
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

    /// Store a checkpoint (replacing one at the same `seq`) and keep only the
    /// newest `keep`, in one transaction of its own.
    func writeCheckpoint(_ checkpoint: StoredCheckpoint, keep: Int) throws
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

/// Wakes a follower when its journal changes, so that it need not poll. A
/// wake-up is a hint, never the whole truth: a follower keeps its
/// `JournalWatching` check on its clock as the safety net.
public protocol JournalWakeup: Sendable {
    /// Whether changes are reported at all (false: only the watch sees them).
    var isEventDriven: Bool { get }
    /// One element per burst of changes; ends when the consuming task is cancelled.
    func stream() -> AsyncStream<Void>
    /// Block the calling thread until the journal changes, `milliseconds`
    /// pass, or `stop()` is called (a follower on a thread of its own).
    func wait(milliseconds: Int32) -> JournalWait
    /// End a blocking `wait` (and the stream), now and for good.
    func stop()
}

/// What a blocking `JournalWakeup.wait` saw.
public enum JournalWait: Sendable, Equatable {
    case changed, timedOut, stopped
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
