import Foundation
import Testing
import WarRoomCore
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
        var info = SessionInfo(service: "svc", rules: .runbookDefaults, plan: .runbookDefault, roster: Roster(tiers: []),
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
}
