import Foundation
import Testing

@testable import WarRoomCore

@Suite("Sample batches beside events")
struct SampleBatchTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("merged: a batch folds after the event it was committed after, whatever the times; a bucket by its time")
    func mergeOrder() {
        let events = (1 ... 3).map { Recorded(seq: Int64($0), time: t0.addingTimeInterval(Double($0)), event: .note(text: "n\($0)", by: "a")) }
        let ms = SampleBatch.milliseconds(t0.addingTimeInterval(2))
        // Committed after event 2 at the same millisecond as event 2, and one at the time of event 2 with no anchor.
        let anchored = SampleBatch(milliseconds: ms, source: "a", samples: [], afterSeq: 2)
        let bucket = SampleBatch(milliseconds: ms, source: "b", samples: [], afterSeq: nil)
        let early = SampleBatch(milliseconds: ms, source: "c", samples: [], afterSeq: 0)
        let merged = SampleBatch.merged(events: events, batches: [anchored, bucket, early])
        let order = merged.map { r -> String in
            if case .samples(let source, _) = r.event { return source }
            return "\(r.seq)"
        }
        #expect(order == ["c", "1", "b", "2", "a", "3"])
    }

    @Test("a time in the store is whole milliseconds rounded down: never later than the moment it stands for")
    func milliseconds() {
        let t = Date(timeIntervalSince1970: 1_800_000_000.0006)
        #expect(SampleBatch.milliseconds(t) == 1_800_000_000_000)
        #expect(SampleBatch.date(SampleBatch.milliseconds(t)) <= t)
    }

    @Test("folding a batch is folding the samples event it replaces")
    func foldIsTheEventFold() {
        var a = WarRoomState()
        var b = WarRoomState()
        let samples = [Sample(SeriesKey(.canary, .errorRate), 0.3)]
        let ea = a.apply(SampleBatch(milliseconds: 1_800_000_000_000, source: "h", samples: samples))
        let eb = b.apply(Recorded(seq: 0, time: Date(timeIntervalSince1970: 1_800_000_000), event: .samples(source: "h", samples: samples)))
        #expect(ea == eb)
        #expect(!ea.isEmpty, "a crossing to record")
        #expect(a.series[SeriesKey(.canary, .errorRate)]?.latest == b.series[SeriesKey(.canary, .errorRate)]?.latest)
    }
}
