import Foundation
import Synchronization
import Testing
import WarRoomCore
import WarRoomTestSupport

@testable import WarRoomRuntime

private let t0 = Date(timeIntervalSince1970: 1_800_000_000)
private let key = SeriesKey(.canary, .errorRate)

@Suite("Journal loader")
struct JournalLoaderTests {
    /// A war room whose samples and events interleave: values, a note, a
    /// dead-man's switch, the source reporting again, another silence.
    private func liveRoom(_ path: String) async throws -> (WarRoom, ManualClock) {
        let clock = ManualClock(t0)
        let room = try WarRoom(journal: try SQLiteJournal(path: path), clock: clock, executor: nil)
        var info = SessionInfo(
            service: "svc", rules: .runbookDefaults, plan: .runbookDefault, roster: Roster(tiers: []),
            sources: [SessionInfo.SourceInfo(name: "health", interval: 1)], mode: .run, startedBy: "ana")
        info.sources[0].alwaysReporting = true
        try await room.send(.sessionStarted(info))
        for i in 0 ..< 20 {
            clock.advance(by: 1)
            try await room.submit(.samples(source: "health", samples: [Sample(key, 0.001 * Double(i))]))
            if i % 7 == 3 { try await room.send(.note(text: "note \(i)", by: "ana")) }
        }
        clock.advance(by: 30)
        try await room.tick()  // the dead-man's switch trips
        clock.advance(by: 1)
        try await room.submit(.samples(source: "health", samples: [Sample(key, 0.5)]))  // reporting again
        for i in 0 ..< 5 {
            clock.advance(by: 1)
            try await room.submit(.samples(source: "health", samples: [Sample(key, 0.002 * Double(i))]))
        }
        clock.advance(by: 30)
        try await room.tick()  // silent again, and still silent at the end
        return (room, clock)
    }

    @Test("a load, in small batches, folds samples in their place among the events: the same state as live")
    func sameAsLive() async throws {
        let path = temporaryJournalPath()
        let (room, _) = try await liveRoom(path)
        let live = await room.snapshot.state
        #expect(live.silentSources["health"] != nil)
        #expect(live.timeline.contains { $0.text.contains("reporting again") })
        var reports: [Loading] = []
        let loaded = try JournalLoader.load(try SQLiteJournalReader(path: path), batchSize: 2, progress: { reports.append($0) })
        let state = loaded.state
        #expect(state.timeline.map(\.text) == live.timeline.map(\.text))
        #expect(state.silentSources == live.silentSources)
        #expect(state.lastSampleAt == live.lastSampleAt)
        #expect(state.lastSeq == live.lastSeq)
        #expect(state.series[key]?.points.elements == live.series[key]?.points.elements)
        #expect(reports.last?.read == reports.last?.total)
        #expect(reports.count > 3, "progress after each batch")
    }

    @Test("after a load the follower reads only what is new: no point twice, none missed")
    func followerResumes() async throws {
        let path = temporaryJournalPath()
        let (room, clock) = try await liveRoom(path)
        let reader = try SQLiteJournalReader(path: path)
        var loaded = try JournalLoader.load(reader)
        let before = loaded.state.series[key]?.points.count ?? 0
        #expect(try loaded.follower.read(reader, into: &loaded.state) == 0)
        for i in 0 ..< 3 {
            clock.advance(by: 1)
            try await room.submit(.samples(source: "health", samples: [Sample(key, 0.01 * Double(i))]))
        }
        #expect(try loaded.follower.read(reader, into: &loaded.state) == 3)
        #expect(loaded.state.series[key]?.points.count == before + 3)
        #expect(loaded.state.series[key]?.points.elements == (await room.snapshot.state).series[key]?.points.elements)
    }

    @Test("the sparklines' span only: samples older than it are not folded")
    func spanOnly() async throws {
        let path = temporaryJournalPath()
        let (room, _) = try await liveRoom(path)
        let live = await room.snapshot.state
        let loaded = try JournalLoader.load(try SQLiteJournalReader(path: path), history: 10)
        let points = loaded.state.series[key]?.points.elements ?? []
        #expect(!points.isEmpty)
        let newest = live.series[key]?.latest?.time ?? t0
        #expect(points.allSatisfy { newest.timeIntervalSince($0.time) <= 10.001 })
        #expect(loaded.state.timeline.map(\.text) == live.timeline.map(\.text), "events are all folded")
    }

    /// A journal reader that counts the batches the span's newest-first read hands out.
    final class CountingReader: ForwardingReader {
        let inner: SQLiteJournalReader
        private let count = Mutex(0)
        var handed: Int { count.withLock { $0 } }
        init(_ inner: SQLiteJournalReader) { self.inner = inner }
        var forwarded: any JournalReader { inner }
        func recentBatches(within history: TimeInterval, committedFrom seq: Int64, _ visit: (RecentSpan, SampleBatch) throws -> Bool) throws {
            try inner.recentBatches(within: history, committedFrom: seq) { span, b in
                count.withLock { $0 += 1 }
                return try visit(span, b)
            }
        }
    }

    /// Four sources a second sharing two series, a note every 10 s until
    /// `notesUntil`, errors rising to 5% (SEV-3) by 125 s unless `calm`, and
    /// the commander's checkpoints every 60 s of its clock; `seconds` long.
    private func busyRoom(_ path: String, seconds: Int, capacity: Int, notesUntil: Int = .max, calm: Bool = false) async throws -> WarRoom {
        let clock = ManualClock(t0)
        let room = try WarRoom(
            journal: try SQLiteJournal(path: path), clock: clock, executor: nil, seriesCapacity: capacity,
            checkpoints: CheckpointPolicy(everyEvents: 1_000_000, every: 60))
        let sources = ["a", "b", "c", "d"]
        let info = SessionInfo(
            service: "svc", rules: .runbookDefaults, plan: .runbookDefault, roster: Roster(tiers: []),
            sources: sources.map { SessionInfo.SourceInfo(name: $0, interval: 1) }, mode: .run, startedBy: "ana")
        try await room.send(.sessionStarted(info))
        let latency = SeriesKey(.stable, .latencyP99)
        for second in 1 ... seconds {
            for (i, source) in sources.enumerated() {
                clock.advance(by: 0.2)
                try await room.submit(
                    .samples(
                        source: source,
                        samples: [
                            Sample(key, (calm ? 0.00001 : 0.0001) * Double(second * 4 + i)), Sample(latency, 0.1 + 0.001 * Double(second)),
                        ]))
            }
            clock.advance(by: 0.2)
            if second % 10 == 0, second <= notesUntil { try await room.send(.note(text: "at \(second) s", by: "ana")) }
        }
        return room
    }

    @Test(
        "from a checkpoint the span is read newest first and only until the rings are full: the same rings and state as live, most of the span unread"
    )
    func newestFirstStopsEarly() async throws {
        let path = temporaryJournalPath()
        let room = try await busyRoom(path, seconds: 125, capacity: 30)
        let live = await room.snapshot.state
        let checkpoint = try #require(try SQLiteJournalReader(path: path).checkpoints(version: WarRoomState.checkpointVersion, limit: 1).first)
        #expect(checkpoint.time.timeIntervalSince(t0) >= 120, "a checkpoint near the end (at 120 s), with crossings into SEV-3 after it")
        #expect(live.incident != nil)
        let reader = CountingReader(try SQLiteJournalReader(path: path))
        let loaded = try JournalLoader.load(reader, history: 30)
        #expect(loaded.state.series == live.series, "every ring holds what the live one holds, its newest point exactly")
        #expect(try loaded.state.checkpointPayload() == live.checkpointPayload())
        #expect(loaded.state.timeline.map(\.text) == live.timeline.map(\.text))
        // 30 s of 4 sources is 120 batches; the rings (30 points) need the 20 or so
        // after the checkpoint and 30 before it.
        #expect(reader.handed > 30 && reader.handed < 80, "\(reader.handed) of 120 batches read")
        // Without a checkpoint every batch of the span is folded in its place: all read, the same state.
        var full = WarRoomState(seriesCapacity: 30)
        let all = CountingReader(try SQLiteJournalReader(path: path))
        full = try JournalLoader.load(all, into: full, history: 30).state
        #expect(full.series == live.series)
        #expect(try full.checkpointPayload() == live.checkpointPayload())
        #expect(all.handed >= 120)
    }

    @Test(
        "the store read newest first is the oldest-first read reversed, batch by batch: several sources at one millisecond, unknown series left out")
    func newestFirstIsReversed() throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        var random = SplitMix(seed: 14)
        let keys = [key, SeriesKey(.stable, .errorRate), SeriesKey(.canary, .latencyP99)]
        try journal.write { tx in
            for i in 0 ..< 400 {
                let ms = 1_800_000_000_000 + Int64(i / 3) * 7  // three batches share a millisecond
                let source = ["x", "y", "z"][i % 3]
                let samples = keys.filter { _ in random.next() % 3 != 0 }.map { Sample($0, Double(random.next() % 1000) / 7) }
                guard !samples.isEmpty else { continue }
                if i % 50 == 0 { _ = try tx.append(.note(text: "n\(i)", by: "ana"), at: SampleBatch.date(ms)) }
                try tx.append(SampleBatch(milliseconds: ms, source: source, samples: samples))
            }
        }
        try sqlite(
            path,
            "INSERT INTO series (source, cohort, metric) VALUES ('v', 'future', 'kind'); INSERT INTO samples (t, series, v) SELECT MAX(t), (SELECT MAX(id) FROM series), 1 FROM samples;"
        )
        let reader = try SQLiteJournalReader(path: path)
        let ascending = try reader.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches
        #expect(ascending.count > 300)
        for history in [0.5, 0.1, 1_000_000] {
            var seen: [SampleBatch] = []
            var spans: [RecentSpan] = []
            try reader.recentBatches(within: history, committedFrom: 0) { span, b in
                seen.append(b)
                spans.append(span)
                return true
            }
            let low = (ascending.last?.milliseconds ?? 0) - Int64((history * 1000).rounded())
            #expect(seen == ascending.filter { $0.milliseconds >= low }.reversed())
            #expect(spans.allSatisfy { $0.keys == Set(keys) && $0.firstCommitted == ascending.first { $0.milliseconds >= low }?.milliseconds })
        }
        // Stopping is honoured: no batch after a false.
        var count = 0
        try reader.recentBatches(within: 1_000_000, committedFrom: 0) { _, _ in
            count += 1
            return count < 5
        }
        #expect(count == 5)
    }

    @Test("a calm stretch with samples and no events is checkpointed every 60 s all the same, and a load from it reads only the newest few batches")
    func calmStretch() async throws {
        let path = temporaryJournalPath()
        let room = try await busyRoom(path, seconds: 125, capacity: 30, notesUntil: 20, calm: true)
        let live = await room.snapshot.state
        #expect(live.incident == nil)
        let reader = CountingReader(try SQLiteJournalReader(path: path))
        let newest = try #require(try reader.checkpoints(version: WarRoomState.checkpointVersion, limit: 1).first)
        #expect(newest.seq == (try reader.lastSeq()), "no event since the last note at 20 s")
        #expect(newest.time.timeIntervalSince(t0) >= 120, "written at 120 s for the samples alone")
        let loaded = try JournalLoader.load(reader, history: 30)
        #expect(loaded.state.series == live.series)
        #expect(try loaded.state.checkpointPayload() == live.checkpointPayload())
        #expect(reader.handed > 30 && reader.handed < 80, "\(reader.handed) of 120 batches read")
    }

    @Test("each commit's samples get a later time than the commit before, even when the clock goes back: batches commit in time order")
    func commitsInTimeOrder() async throws {
        let path = temporaryJournalPath()
        let clock = ManualClock(t0)
        let room = try WarRoom(journal: try SQLiteJournal(path: path), clock: clock, executor: nil)
        for step in [1.0, -5, 0, 0.0001, -3600, 2] {
            clock.advance(by: step)
            try await room.submit(.samples(source: "health", samples: [Sample(key, 0.01)]))
        }
        let times = try SQLiteJournalReader(path: path).changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches.map(\.milliseconds)
        #expect(times.count == 6)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "\(times)")
        // A second commander on the journal goes on from the newest time.
        let again = try WarRoom(journal: try SQLiteJournal(path: path), clock: clock, executor: nil)
        clock.advance(by: -60)
        try await again.submit(.samples(source: "health", samples: [Sample(key, 0.02)]))
        let last = try SQLiteJournalReader(path: path).changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches.map(\.milliseconds).last
        #expect(try #require(last) > times.last!)
    }

    @Test(
        "a series only the sparklines fill counts only the points merge takes: NaN never fills a ring, and a key with nothing but NaN still gets its series"
    )
    func nanNeverFillsARing() throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        let info = SessionInfo(
            service: "svc", rules: .runbookDefaults, plan: .runbookDefault, roster: Roster(tiers: []),
            sources: [], mode: .run, startedBy: "ana")
        let empty = SeriesKey(.stable, .latencyP99)
        let ms0 = SampleBatch.milliseconds(t0)
        try journal.write { tx in
            _ = try tx.append(.sessionStarted(info), at: t0)
            for i in 0 ..< 40 {
                let value = i % 2 == 0 ? Double.nan : Double(i)
                try tx.append(SampleBatch(milliseconds: ms0 + Int64(i * 100), source: "h", samples: [Sample(key, value), Sample(empty, .nan)]))
            }
        }
        _ = try journal.append(.note(text: "after the samples", by: "ana"), at: t0.addingTimeInterval(5))
        // A start state past every batch's commit that holds no series (as a checkpoint of
        // another capacity would not): every batch only fills the sparklines.
        var start = WarRoomState(seriesCapacity: 10)
        for e in try journal.events() { start.apply(e) }
        #expect(start.series.isEmpty)
        let state = try JournalLoader.load(journal, into: start, history: 10).state
        #expect(state.series[key]?.points.elements.map(\.value) == (21 ... 39).filter { $0 % 2 == 1 }.map(Double.init), "the newest 10 finite points")
        #expect(state.series[key]?.source == "h")
        #expect(state.series[empty].map { $0.points.isEmpty } == true, "the NaN-only key has its series, empty")
    }
}
