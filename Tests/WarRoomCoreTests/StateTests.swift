import Foundation
import Testing

@testable import WarRoomCore

@Suite("State fold")
struct StateTests {
    @Test("folding the recorded events again gives the same state")
    func replayIsDeterministic() {
        var h = Harness()
        h.tick()
        h.finishLast()
        h.samples([(.canary, .errorRate, 0.3), (.stable, .errorRate, 0.01)])
        h.send(.sourceDown(source: "health", reason: "connection refused"))
        h.advance(133)
        h.send(.sourceUp(source: "health", downFor: 133))
        h.send(.note(text: "looking at the canary", by: "ana"))

        var replay = WarRoomState(seriesCapacity: 120)
        for r in h.recorded { _ = replay.apply(r) }
        #expect(replay == h.state, "the whole state, by synthesised ==")
        #expect(replay.timeline == h.state.timeline)
        #expect(replay.severity == h.state.severity)
        #expect(replay.canary == h.state.canary)
        #expect(replay.incident == h.state.incident)
        #expect(replay.lastSeq == h.state.lastSeq)
        #expect(h.texts.contains("source health down: connection refused"))
        #expect(h.texts.contains("source health back after 2m13s"))
        #expect(h.texts.last == "ana: looking at the canary")
    }

    @Test("series are bounded ring buffers")
    func boundedSeries() {
        var state = WarRoomState(seriesCapacity: 3)
        for i in 1 ... 10 {
            state.apply(
                Recorded(
                    seq: Int64(i), time: Date(timeIntervalSince1970: Double(i)),
                    event: .samples(source: "s", samples: [Sample(SeriesKey(.stable, .throughput), Double(i))])))
        }
        let series = state.series[SeriesKey(.stable, .throughput)]
        #expect(series?.points.elements.map(\.value) == [8, 9, 10])
        #expect(series?.latest?.value == 10)
    }

    @Test("the timeline keeps a bounded window, newest kept")
    func boundedTimeline() {
        var state = WarRoomState()
        let n = WarRoomState.timelineLimit * 2
        for i in 1 ... n {
            state.apply(Recorded(seq: Int64(i), time: Date(timeIntervalSince1970: Double(i)), event: .note(text: "n\(i)", by: "x")))
        }
        #expect(state.timeline.count <= WarRoomState.timelineLimit + WarRoomState.timelineLimit / 4)
        #expect(state.timeline.last?.text == "x: n\(n)")
    }
}

@Suite("Ring buffer")
struct RingBufferTests {
    @Test func wrapsAndKeepsOrder() {
        var r = RingBuffer<Int>(capacity: 4)
        #expect(r.isEmpty)
        for i in 0 ..< 6 { r.append(i) }
        #expect(r.count == 4)
        #expect(r.elements == [2, 3, 4, 5])
        #expect(r.suffix(2) == [4, 5])
        #expect(r.suffix(99) == [2, 3, 4, 5])
        #expect(r[0] == 2)
        #expect(r.last == 5)
    }
}

@Suite("Formatting")
struct FormatTests {
    @Test func values() {
        #expect(Format.percent(0.004) == "0.40%")
        #expect(Format.percent(0.234) == "23.4%")
        #expect(Format.latency(0.12) == "120 ms")
        #expect(Format.latency(3.2) == "3.20 s")
        #expect(Format.age(4.9) == "4s")
        #expect(Format.age(65) == "1m05s")
        #expect(Format.age(7380) == "2h03m")
        #expect(Format.clock(192) == "03:12")
        #expect(Format.clock(3792) == "1:03:12")
        #expect(Format.clock(-80) == "-01:20")
        #expect(Format.duration(5400) == "1h30m")
        #expect(Format.duration(45) == "45s")
        #expect(Format.duration(0.5) == "500ms")
        #expect(Format.weight(25) == "25%")
        #expect(Format.weight(2.5) == "2.5%")
        #expect(Format.wallTime(Date(timeIntervalSince1970: 3600 * 14 + 62)) == "14:01:02")
        #expect(Format.wallTime(Date(timeIntervalSince1970: 60), offsetSeconds: -3600) == "23:01:00")
    }
}
