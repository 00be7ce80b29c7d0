import Foundation
import WarRoomCore

/// Folds a journal up to its end as of opening, in batches, saying how far it
/// has got after each. Every reader that shows or prints the state starts
/// here (the dashboard, the wallboard, `status`): until `load` returns, the
/// state is not the journal's, and nothing may say "OK" from it.
///
/// It starts from `state` (empty, or a checkpoint) and folds what comes after
/// its `lastSeq`, so a faster start only changes where it starts.
public enum JournalLoader {
    public struct Stopped: Error, CustomStringConvertible {
        public var loading: Loading
        public var description: String { "stopped after \(loading.read) of \(loading.total.map(String.init) ?? "?") events" }
    }

    /// Events read per batch: each batch is one read transaction and one progress report.
    public static let batchSize = 5_000

    /// Fold `journal` into `state` until the end it had when this started.
    /// `progress` is called before the first batch and after each one.
    /// A cancelled task stops between batches (`Stopped`); a read error is
    /// thrown as it is, after a last `progress` that carries it.
    public static func load(
        _ journal: any JournalReader, into start: WarRoomState = WarRoomState(),
        batchSize: Int = batchSize, now: () -> Date = Date.init,
        progress: (Loading) -> Void = { _ in }
    ) throws -> WarRoomState {
        var state = start
        let from = state.lastSeq
        var loading = Loading(journal: journal.location, startedAt: now())
        progress(loading)
        do {
            let end = try journal.lastSeq()
            loading.total = max(0, end - from)
            progress(loading)
            while state.lastSeq < end {
                if Task.isCancelled { throw Stopped(loading: loading) }
                let batch = try journal.events(after: state.lastSeq, limit: batchSize)
                guard !batch.isEmpty else { break }  // fewer than announced (cannot happen with AUTOINCREMENT)
                for recorded in batch where recorded.seq <= end { state.apply(recorded) }
                loading.read = min(loading.total ?? 0, max(0, state.lastSeq - from))
                progress(loading)
                if batch.last.map({ $0.seq >= end }) ?? true { break }
            }
        } catch let error as Stopped {
            throw error
        } catch {
            loading.failure = "\(error)"
            progress(loading)
            throw error
        }
        return state
    }
}
