import Foundation
import WarRoomCore

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
            // The sparklines' span, read first: its batches say where among the events they go.
            let span = try journal.changes(afterSeq: end, samplesAfter: nil, recent: history).batches
            // A batch the start state folded already (a checkpoint is written
            // after samples that came after its event): each source's batches
            // come in time order, so one at or before its newest is one of them.
            let folded = state.lastSampleAt.mapValues(SampleBatch.milliseconds)
            func inPlace(_ b: SampleBatch) -> Bool {
                guard let after = b.afterSeq, after >= from else { return false }
                return folded[b.source].map { b.milliseconds > $0 } ?? true
            }
            let placed = span.filter(inPlace)
            state.fillHistory(span.filter { !inPlace($0) })
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
            let follower = JournalFollower(history: history, resumingAfter: span.last?.milliseconds)
            return Loaded(state: state, follower: follower)
        } catch let error as Stopped {
            throw error
        } catch {
            loading.failure = "\(error)"
            progress(loading)
            throw error
        }
    }
}
