public import Foundation
public import WarRoomCore

/// Folds a journal up to its end as of opening, in batches, saying how far it
/// has got after each. Every reader that shows or prints the state starts
/// here (the dashboard, the wallboard, `status`): until `load` returns, the
/// state is not the journal's, and nothing may say "OK" from it.
///
/// It starts from the journal's newest usable checkpoint (else an empty
/// state), or a state given to it, and folds what comes after its `lastSeq`:
/// a checkpoint only changes where it starts, never what it ends with.
public enum JournalLoader {
    public struct Stopped: Error, CustomStringConvertible {
        public var loading: Loading
        public init(loading: Loading) { self.loading = loading }
        public var description: String { "stopped after \(loading.read) of \(loading.total.map(String.init) ?? "?") events" }
    }

    /// Events read per batch: each batch is one read transaction and one progress report.
    public static let batchSize = 5_000

    /// What a load ends with: the state as of the journal's end, and the
    /// follower's place in it (events and samples), to read on from.
    public struct Loaded: Sendable {
        public var state: WarRoomState
        public var follower: JournalFollower
    }

    /// Fold `journal` into `state` until the end it had when this started.
    /// `progress` is called before the first batch and after each one.
    /// A cancelled task stops between batches (`Stopped`); a read error is
    /// thrown as it is, after a last `progress` that carries it.
    ///
    /// Samples come from the samples store, only those of the sparklines'
    /// span (`history` seconds before the newest), each in its place among
    /// the events: the events before the span's first batch are folded in
    /// batches with progress, then the rest of the events merged with the
    /// span's batches, as a follower reads them. A batch the start state
    /// already holds (committed before its `lastSeq` or folded into a
    /// checkpoint, or a downsampled bucket with no place among the events)
    /// only fills the sparklines.
    public static func load(
        _ journal: any JournalReader, into start: WarRoomState? = nil,
        history: TimeInterval = 3600,
        batchSize: Int = batchSize, now: () -> Date = Date.init,
        progress: (Loading) -> Void = { _ in }
    ) throws -> Loaded {
        var loading = Loading(journal: journal.location, startedAt: now())
        progress(loading)
        var state = WarRoomState(seriesCapacity: Int(history))
        do {
            // From the newest usable checkpoint (a cache of the fold) unless told where.
            state = try start ?? journal.newestCheckpoint(seriesCapacity: Int(history)).state
        } catch {
            loading.failure = "\(error)"
            progress(loading)
            throw error
        }
        let from = state.lastSeq
        do {
            let end = try journal.lastSeq()
            loading.total = max(0, end - from)
            progress(loading)
            // The sparklines' span, read first and newest first: its batches
            // say where among the events they go, and only what the rings keep is held.
            let span = try recentSpan(journal, within: history, from: from, state: state)
            let placed = span.placed
            state.fillHistory(span.past)
            let split = min(end, placed.first?.afterSeq ?? end)
            while state.lastSeq < split {
                if Task.isCancelled { throw Stopped(loading: loading) }
                let batch = try journal.events(after: state.lastSeq, limit: batchSize)
                guard !batch.isEmpty else { break }  // fewer than announced (cannot happen with AUTOINCREMENT)
                for recorded in batch where recorded.seq <= split { state.apply(recorded) }
                loading.read = min(loading.total ?? 0, max(0, state.lastSeq - from))
                progress(loading)
                if batch.last.map({ $0.seq >= split }) ?? true { break }
            }
            // The span: its events and batches in the order they happened.
            var rest: [Recorded] = []
            while state.lastSeq < end {
                if Task.isCancelled { throw Stopped(loading: loading) }
                let batch = try journal.events(after: rest.last?.seq ?? state.lastSeq, limit: batchSize).filter { $0.seq <= end }
                guard !batch.isEmpty else { break }
                rest += batch
                loading.read = min(loading.total ?? 0, max(0, (rest.last?.seq ?? from) - from))
                progress(loading)
                if rest.last.map({ $0.seq >= end }) ?? true { break }
            }
            for recorded in SampleBatch.merged(events: rest, batches: placed) { state.apply(recorded) }
            loading.read = loading.total ?? 0
            progress(loading)
            let follower = JournalFollower(history: history, resumingAfter: span.newest)
            return Loaded(state: state, follower: follower)
        } catch let error as Stopped {
            throw error
        } catch {
            loading.failure = "\(error)"
            progress(loading)
            throw error
        }
    }

    /// What the loader takes from the sparklines' span: the batches to fold
    /// in their place among the events (oldest first), the points only the
    /// sparklines need (each series' newest `seriesCapacity` of them, oldest
    /// first), and the newest batch's time.
    struct Span {
        var placed: [SampleBatch] = []
        var past: [SeriesKey: (source: String, points: [Series.Point])] = [:]
        var newest: Int64?
    }

    /// Read the span newest first and stop as soon as nothing older can
    /// change the state: every batch the start state has not folded is in
    /// hand (those newer than the newest it folded, or committed after event
    /// `from`), and every
    /// series key stored has as many past points as its ring holds (a key
    /// with fewer in the span reads the whole span). A day of 20 sources
    /// holds 576k points in its last hour, of which the rings keep 3,600 a
    /// series; the rest are never read.
    ///
    /// A batch is folded in its place when the start state has not folded it
    /// (committed after its `lastSeq`, and newer than its source's newest
    /// sample); any other (one a checkpoint holds, or a downsampled bucket)
    /// only fills the sparklines, with the points older than what each
    /// series holds (`Series.takes(past:)`).
    static func recentSpan(_ journal: any JournalReader, within history: TimeInterval, from: Int64, state: WarRoomState) throws -> Span {
        let folded = state.lastSampleAt.mapValues(SampleBatch.milliseconds)
        let newestFolded = folded.values.max()
        let capacity = state.seriesCapacity
        var span = Span()
        var newestFirst: [SeriesKey: (source: String, points: [Series.Point])] = [:]
        var full = Set<SeriesKey>()
        try journal.recentBatches(within: history, committedFrom: from) { known, b in
            if span.newest == nil { span.newest = b.milliseconds }
            if let after = b.afterSeq, after >= from, folded[b.source].map({ b.milliseconds > $0 }) ?? true {
                span.placed.append(b)
            } else {
                for sample in b.samples where !full.contains(sample.key) {
                    // A key seen only with no data (NaN) still gets its series, as a fold gives it.
                    if newestFirst[sample.key] == nil { newestFirst[sample.key] = (b.source, []) }
                    let point = Series.Point(time: b.time, value: sample.value)
                    // Only what `merge` takes counts toward a full ring (never a NaN or an infinity).
                    // (With no series yet, `takes` asks only for a finite value.)
                    guard state.series[sample.key].map({ $0.takes(past: point) }) ?? point.value.isFinite else { continue }
                    newestFirst[sample.key]!.points.append(point)
                    if newestFirst[sample.key]!.points.count >= capacity { full.insert(sample.key) }
                }
            }
            // Past the oldest batch committed after `from` (all at its millisecond
            // included), or at the newest the start state folded: the writer gives
            // each commit a later time than the one before, so every batch at or
            // before that time was committed with or before it, and is folded.
            let allPlaced = (known.firstCommitted.map { b.milliseconds < $0 } ?? true) || newestFolded.map { b.milliseconds <= $0 } == true
            return !(allPlaced && full.isSuperset(of: known.keys))
        }
        span.placed.reverse()
        span.past = newestFirst.mapValues { ($0.source, $0.points.reversed()) }
        return span
    }
}
