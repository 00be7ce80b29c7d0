import Foundation
import WarRoomCore
import WarRoomRuntime

/// A test's wrapper around a real journal reader: everything is passed on to
/// `forwarded` unless the wrapper says otherwise (it counts, or fails).
protocol ForwardingReader: JournalReader {
    var forwarded: any JournalReader { get }
}

extension ForwardingReader {
    var location: String { forwarded.location }
    func events(after: Int64, limit: Int?) throws -> [Recorded] { try forwarded.events(after: after, limit: limit) }
    func lastSeq() throws -> Int64 { try forwarded.lastSeq() }
    func changes(afterSeq: Int64, samplesAfter: Int64?, recent: TimeInterval?) throws -> JournalChanges {
        try forwarded.changes(afterSeq: afterSeq, samplesAfter: samplesAfter, recent: recent)
    }
    func recentBatches(within history: TimeInterval, committedFrom seq: Int64, _ visit: (RecentSpan, SampleBatch) throws -> Bool) throws {
        try forwarded.recentBatches(within: history, committedFrom: seq, visit)
    }
    func events(after: Int64, samplesWithin: ClosedRange<Date>?) throws -> [Recorded] {
        try forwarded.events(after: after, samplesWithin: samplesWithin)
    }
    func checkpoints(version: Int, limit: Int) throws -> [StoredCheckpoint] { try forwarded.checkpoints(version: version, limit: limit) }
    func samplePeaks(within window: ClosedRange<Date>) throws -> [SeriesKey: Double] { try forwarded.samplePeaks(within: window) }
    func makeWatch(maximumGap: Duration) -> any JournalWatching { forwarded.makeWatch(maximumGap: maximumGap) }
    func makeWakeup() -> any JournalWakeup { forwarded.makeWakeup() }
}
