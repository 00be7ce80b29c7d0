import Foundation
import Testing
import WarRoomCore

@testable import WarRoomRuntime

#if canImport(Glibc)
    import Glibc
#endif

private let t0 = Date(timeIntervalSince1970: 1_800_000_000)
private let keys: [SeriesKey] = [
    SeriesKey(.canary, .errorRate), SeriesKey(.stable, .errorRate),
    SeriesKey(.canary, .latencyAvg), SeriesKey(.stable, .latencyAvg), SeriesKey(.stable, .throughput),
]

private func fileBytes(_ path: String) -> Int {
    [path, path + "-wal"].reduce(0) { total, f in
        total + ((try? FileManager.default.attributesOfItem(atPath: f)[.size] as? Int) ?? 0)
    }
}

/// Store `seconds` of one batch a second from each source (five series each).
private func fill(_ journal: SQLiteJournal, sources: Int, from: Date, seconds: Int, step: TimeInterval = 1) throws {
    var s = 0
    while s < seconds {
        let end = min(seconds, s + 600)
        try journal.write { tx in
            for i in s ..< end {
                for source in 0 ..< sources {
                    let ms = SampleBatch.milliseconds(from.addingTimeInterval(Double(i) * step))
                    let samples = keys.enumerated().map { k, key in
                        Sample(key, key.metric == .throughput ? Double(1100 + i % 100) : 0.001 * Double((i + k) % 50) + 0.0003)
                    }
                    try tx.append(SampleBatch(milliseconds: ms, source: "source-\(source)", samples: samples))
                }
            }
        }
        s = end
    }
}

@Suite("Samples store")
struct SampleStoreTests {
    @Test("100 000 points take at most 30 bytes each on disk (file bytes after a checkpoint / points)")
    func bytesPerPoint() throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        _ = try journal.append(.note(text: "start", by: "ana"), at: t0)
        try journal.checkpoint()
        let empty = fileBytes(path)
        // 20 sources × 5 series × 1000 s = 100 000 points.
        try fill(journal, sources: 20, from: t0, seconds: 1000)
        try journal.checkpoint()
        let points = try journal.samplePointCount()
        #expect(points == 100_000)
        let perPoint = Double(fileBytes(path) - empty) / Double(points)
        print("samples store: \(String(format: "%.1f", perPoint)) bytes per point on disk")
        #expect(perPoint <= 30, "\(perPoint) bytes per point")
        #expect(perPoint > 8, "a point cannot take less than its value: \(perPoint) means the measurement is wrong")
    }

    @Test("batches read back as stored: one per source and millisecond, NaN and ±inf included, oldest first")
    func roundTrip() throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        let a = SampleBatch(milliseconds: 1_000, source: "a", samples: [Sample(keys[0], .nan), Sample(keys[1], .infinity)])
        let b = SampleBatch(milliseconds: 1_000, source: "b", samples: [Sample(keys[0], -.infinity)])
        let c = SampleBatch(milliseconds: 2_500, source: "a", samples: [Sample(keys[2], 0.25)])
        try journal.write { tx in
            try tx.append(a)
            try tx.append(b)
            try tx.append(c)
        }
        let reader = try SQLiteJournalReader(path: path)
        let back = try reader.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches
        #expect(back.count == 3)
        #expect(back[0].source == "a" && back[0].samples[0].value.isNaN && back[0].samples[1].value == .infinity)
        #expect(back[1].source == "b" && back[1].samples == b.samples && back[1].milliseconds == 1_000)
        #expect(back[2].source == "a" && back[2].samples == c.samples && back[2].milliseconds == 2_500)
        #expect(back.allSatisfy { $0.afterSeq == 0 }, "stored after no event")
        #expect(try reader.changes(afterSeq: 0, samplesAfter: 1_000, recent: nil).batches.map(\.milliseconds) == [2_500])
        // Only the newest second: `recent` counts back from the newest point.
        #expect(try reader.changes(afterSeq: 0, samplesAfter: nil, recent: 1).batches.map(\.milliseconds) == [2_500])
    }

    @Test(
        "the store's peaks within a window are the worst value of each series over every source, bounds included, NaN left out; they equal a scan of the batches"
    )
    func peaksWithin() throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        let err = SeriesKey(.canary, .errorRate)
        let lat = SeriesKey(.stable, .latencyP99)
        let dry = SeriesKey(.canary, .latencyP99)
        try journal.write { tx in
            for ms in stride(from: Int64(0), through: 10_000, by: 500) {
                let spike = ms == 2_000 || ms == 8_000  // on the window's two bounds
                try tx.append(
                    SampleBatch(
                        milliseconds: ms, source: "a",
                        samples: [
                            Sample(err, spike ? 0.9 : 0.01 + Double(ms) / 1e6), Sample(dry, .nan),
                        ]))
                try tx.append(
                    SampleBatch(
                        milliseconds: ms, source: "b",
                        samples: [
                            Sample(err, ms == 5_000 ? .nan : 0.02), Sample(lat, ms == 1_500 || ms == 8_500 ? 99 : Double(ms) / 1000),
                        ]))
            }
        }
        let window = Date(timeIntervalSince1970: 2) ... Date(timeIntervalSince1970: 8)
        for reader in [try SQLiteJournalReader(path: path) as any JournalReader, journal] {
            let peaks = try reader.samplePeaks(within: window)
            #expect(peaks == [err: 0.9, lat: 8], "the spikes at 2 s and 8 s count, those at 1.5 s and 8.5 s do not; an all-NaN series has no peak")
            // The same as folding the batches the window holds.
            var scanned: [SeriesKey: Double] = [:]
            for b in try reader.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches where window.contains(b.time) {
                for s in b.samples where !s.value.isNaN { scanned[s.key] = max(scanned[s.key] ?? -.infinity, s.value) }
            }
            #expect(peaks == scanned)
            let inside = Date(timeIntervalSince1970: 2.0001) ... Date(timeIntervalSince1970: 7.9999)
            #expect(try reader.samplePeaks(within: inside) == [err: 0.02, lat: 7.5], "a bound a fraction of a millisecond off leaves its spike out")
        }
    }

    @Test("the event log refuses samples: they belong in the samples store")
    func eventLogRefusesSamples() throws {
        let journal = try SQLiteJournal(path: temporaryJournalPath())
        #expect(throws: JournalError.self) {
            try journal.append(.samples(source: "h", samples: [Sample(keys[0], 0.1)]), at: t0)
        }
        #expect(try journal.events().isEmpty)
    }

    @Test("compaction by age (injected time): full resolution for an hour, 10 s buckets for a day, 1 min for 30 days, then gone")
    func compaction() throws {
        let journal = try SQLiteJournal(path: temporaryJournalPath())
        let now = t0.addingTimeInterval(40 * 86_400)
        // One source, one point a second, in windows at these ages (seconds before now).
        let windows: [(age: TimeInterval, length: Int)] = [(1_800, 600), (5 * 3600, 600), (3 * 86_400, 600), (35 * 86_400, 600)]
        for w in windows {
            try fill(journal, sources: 1, from: now.addingTimeInterval(-w.age), seconds: w.length)
        }
        let retention = SampleRetention.standard
        let done = try journal.compactSamples(now: now, retention: retention)
        #expect(done.before > 0)
        let batches = try journal.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches
        func inWindow(_ w: (age: TimeInterval, length: Int)) -> [SampleBatch] {
            let from = SampleBatch.milliseconds(now.addingTimeInterval(-w.age)) - 60_000
            let to = SampleBatch.milliseconds(now.addingTimeInterval(-w.age + Double(w.length))) + 60_000
            return batches.filter { $0.milliseconds >= from && $0.milliseconds < to }
        }
        #expect(inWindow(windows[0]).count == 600, "the last hour keeps every point")
        let tens = inWindow(windows[1])
        #expect(tens.count >= 60 && tens.count <= 61, "10 minutes in 10 s buckets: \(tens.count)")
        #expect(tens.allSatisfy { $0.milliseconds % 10_000 == 0 })
        #expect(tens.allSatisfy { $0.samples.count == keys.count }, "every series keeps its bucket")
        let minutes = inWindow(windows[2])
        #expect(minutes.count >= 10 && minutes.count <= 11, "10 minutes in 1 min buckets: \(minutes.count)")
        #expect(minutes.allSatisfy { $0.milliseconds % 60_000 == 0 })
        #expect(inWindow(windows[3]).isEmpty, "older than 30 days is deleted")
        // A bucket holds the mean of its points.
        let firstBucket = tens[1]
        let start = Int(firstBucket.milliseconds / 1000) - Int(SampleBatch.milliseconds(now.addingTimeInterval(-5 * 3600)) / 1000)
        var sum = 0.0
        for i in start ..< start + 10 { sum += 0.001 * Double(i % 50) + 0.0003 }
        let expected: Double = sum / 10
        let stored: Double = firstBucket.samples.first { $0.key == keys[0] }?.value ?? -1
        #expect(abs(stored - expected) < 1e-12, "\(stored) vs \(expected)")
        // Again at the same time: nothing left to do; the store is as it was.
        #expect(try journal.compactSamples(now: now, retention: retention) == SampleCompaction(before: 0, after: 0))
        #expect(try journal.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches == batches)
        // An hour later the half-hour-old window is past full resolution: 10 s buckets.
        _ = try journal.compactSamples(now: now.addingTimeInterval(3600), retention: retention)
        let later = try journal.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches
        let aged = later.filter {
            $0.milliseconds >= SampleBatch.milliseconds(now.addingTimeInterval(-1_860))
                && $0.milliseconds < SampleBatch.milliseconds(now.addingTimeInterval(-1_140))
        }
        #expect(aged.count >= 60 && aged.count <= 61, "\(aged.count)")
    }

    @Test("replay reads the samples at the resolution kept for their age, between the incident events")
    func replayResolution() throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        let now = t0.addingTimeInterval(86_400)
        _ = try journal.append(.note(text: "before", by: "ana"), at: now.addingTimeInterval(-7_300))
        try fill(journal, sources: 1, from: now.addingTimeInterval(-7_200), seconds: 7_200)
        _ = try journal.append(.note(text: "after", by: "ana"), at: now)
        _ = try journal.compactSamples(now: now, retention: .standard)
        let history = try SQLiteJournalReader(path: path).history()
        #expect(history.first.map { if case .note(let t, _) = $0.event { t == "before" } else { false } } == true)
        #expect(history.last.map { if case .note(let t, _) = $0.event { t == "after" } else { false } } == true)
        let player = ReplayPlayer(events: history)
        let old = player.state(at: now.addingTimeInterval(-3_700)).series[keys[0]]?.points.elements ?? []
        #expect(old.count >= 349 && old.count <= 351, "two hours ago to one: 10 s buckets (\(old.count))")
        #expect(zip(old, old.dropFirst()).allSatisfy { $1.time.timeIntervalSince($0.time) == 10 })
        let recent = player.state(at: now).series[keys[0]]?.points.elements.suffix(600) ?? []
        #expect(zip(recent, recent.dropFirst()).allSatisfy { $1.time.timeIntervalSince($0.time) == 1 }, "the last hour in full")
    }

    @Test("a configured retention is what the compaction keeps")
    func configuredRetention() throws {
        let journal = try SQLiteJournal(path: temporaryJournalPath())
        let now = t0.addingTimeInterval(86_400)
        try fill(journal, sources: 1, from: now.addingTimeInterval(-1_200), seconds: 1_200)
        let retention = SampleRetention(full: 300, tiers: [SampleRetention.Tier(every: 60, until: 900)])
        _ = try journal.compactSamples(now: now, retention: retention)
        let batches = try journal.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches
        // 300 points of the last 5 minutes, then 10 one-minute buckets, nothing older than 15 minutes.
        #expect(batches.filter { $0.time >= now.addingTimeInterval(-300) }.count == 300)
        let buckets = batches.filter { $0.time < now.addingTimeInterval(-300) }
        #expect(buckets.count == 10, "\(buckets.map(\.milliseconds))")
        #expect(batches.allSatisfy { $0.time >= now.addingTimeInterval(-900) })
    }

    @Test("the war room compacts in its tick, at most once a minute, by its injected clock")
    func actorCompacts() async throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        let clock = ManualClock(t0)
        let room = try WarRoom(
            journal: journal, clock: clock, executor: nil,
            retention: SampleRetention(full: 60, tiers: [SampleRetention.Tier(every: 10, until: 600)]))
        for _ in 0 ..< 120 {
            try await room.send(.samples(source: "h", samples: [Sample(keys[0], 0.001)]))
            clock.advance(by: 1)
        }
        #expect(try journal.samplePointCount() == 120)
        try await room.tick()  // the first tick compacts: 60 s at full resolution, the minute before in 10 s buckets
        #expect(try journal.samplePointCount() == 60 + 6)
        for _ in 0 ..< 30 {
            try await room.send(.samples(source: "h", samples: [Sample(keys[0], 0.001)]))
            clock.advance(by: 1)
        }
        try await room.tick()  // 30 s later: not yet
        #expect(try journal.samplePointCount() == 60 + 6 + 30)
        clock.advance(by: 30)
        try await room.tick()
        #expect(try journal.samplePointCount() < 60 + 6 + 30)
    }
}

@Suite("Samples are not incident events")
struct SamplesLivePathTests {
    @Test("the war room stores a batch in the samples store, not the event log, and folds it as the samples event was folded")
    func liveFoldMatchesEventFold() async throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        let clock = ManualClock(t0)
        let room = try WarRoom(journal: journal, clock: clock, executor: nil)
        // Today's fold: each batch a recorded `samples` event, its effects recorded after it.
        var legacy = WarRoomState()
        var legacyEvents: [Event] = []
        var seq: Int64 = 0
        func legacyApply(_ event: Event) {
            seq += 1
            let recorded = Recorded(seq: seq, time: clock.now(), event: event)
            var queue = legacy.apply(recorded)[...]
            while let effect = queue.popFirst() {
                guard case .record(let e) = effect else { continue }
                seq += 1
                legacyEvents.append(e)
                queue.append(contentsOf: legacy.apply(Recorded(seq: seq, time: clock.now(), event: e)))
            }
        }
        let values = [0.002, 0.004, 0.07, 0.08, 0.06, 0.004, 0.002]
        for v in values {
            let event = Event.samples(source: "health", samples: [Sample(keys[0], v), Sample(keys[1], 0.002)])
            try await room.send(event)
            legacyApply(event)
            clock.advance(by: 1)
        }
        let live = await room.snapshot.state
        // The crossings are events, with their values; no sample is.
        let events = try journal.events()
        #expect(!events.contains { if case .samples = $0.event { true } else { false } })
        let crossings = events.compactMap { if case .thresholdCrossed(let c) = $0.event { c } else { nil } }
        #expect(crossings.first?.value == 0.07 && crossings.first?.to == .sev3, "\(crossings)")
        #expect(crossings.count >= 2, "rises and falls back: \(crossings)")
        #expect(events.map(\.event) == legacyEvents, "the same events, with the same values, as when samples were events")
        #expect(try journal.samplePointCount() == values.count * 2)
        // The same levels, values and timeline as when each batch was an event.
        #expect(live.ruleLevels == legacy.ruleLevels)
        #expect(live.timeline.map(\.text) == legacy.timeline.map(\.text))
        #expect(live.series[keys[0]]?.points.elements.map(\.value) == legacy.series[keys[0]]?.points.elements.map(\.value))
        #expect(live.lastSampleAt == legacy.lastSampleAt)
        // A follower folding the journal (events + samples store) gets the same.
        var followed = WarRoomState()
        var follower = JournalFollower()
        try follower.read(try SQLiteJournalReader(path: path), into: &followed)
        #expect(followed.ruleLevels == live.ruleLevels)
        #expect(followed.timeline.map(\.text) == live.timeline.map(\.text))
        #expect(followed.series[keys[0]]?.points.elements == live.series[keys[0]]?.points.elements)
        #expect(followed.lastSampleAt == live.lastSampleAt)
        // A new war room on the same journal starts where this one was.
        let again = try WarRoom(journal: try SQLiteJournal(path: path), clock: clock, executor: nil)
        let restarted = await again.snapshot.state
        #expect(restarted.series[keys[0]]?.latest == live.series[keys[0]]?.latest)
        #expect(restarted.ruleLevels == live.ruleLevels)
    }

    @Test("a silent source reporting again clears its dead-man's switch, live and for followers")
    func deadManReset() async throws {
        let path = temporaryJournalPath()
        let clock = ManualClock(t0)
        let room = try WarRoom(journal: try SQLiteJournal(path: path), clock: clock, executor: nil)
        var info = SessionInfo(
            service: "svc", rules: .runbookDefaults, plan: .runbookDefault, roster: Roster(tiers: []),
            sources: [SessionInfo.SourceInfo(name: "health", interval: 1)], mode: .run, startedBy: "ana")
        info.sources[0].alwaysReporting = true
        try await room.send(.sessionStarted(info))
        clock.advance(by: 30)
        try await room.tick()
        #expect(await room.snapshot.state.silentSources["health"] != nil)
        try await room.submit(.samples(source: "health", samples: [Sample(keys[0], 0.001)]))
        let live = await room.snapshot.state
        #expect(live.silentSources.isEmpty)
        #expect(live.timeline.last?.text.contains("reporting again") == true)
        var followed = WarRoomState()
        var follower = JournalFollower()
        try follower.read(try SQLiteJournalReader(path: path), into: &followed)
        #expect(followed.silentSources.isEmpty)
        #expect(followed.timeline.map(\.text) == live.timeline.map(\.text))
    }

    @Test("group commit: batches submitted together are one transaction; each caller returns only after it, and sees it folded")
    func groupCommitInProcess() async throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        let room = try WarRoom(journal: journal, executor: nil, groupCommitWindow: .milliseconds(20))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for s in 0 ..< 50 {
                group.addTask {
                    try await room.submit(.samples(source: "s\(s)", samples: [Sample(keys[0], Double(s))]))
                    // Acknowledged: stored and folded.
                    #expect(await room.snapshot.state.lastSampleAt["s\(s)"] != nil)
                }
            }
            try await group.waitForAll()
        }
        #expect(try journal.samplePointCount() == 50)
        // Stored in few commits: every batch of one commit has the same time.
        let times = Set(try journal.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches.map(\.milliseconds))
        #expect(times.count < 10, "\(times.count) commits for 50 batches")
    }

    @Test("nothing is shown before its commit: every published snapshot's samples are already in the store")
    func publishedAfterCommit() async throws {
        let path = temporaryJournalPath()
        let room = try WarRoom(journal: try SQLiteJournal(path: path), executor: nil, groupCommitWindow: .milliseconds(2))
        let reader = try SQLiteJournalReader(path: path)
        let stream = await room.snapshots()
        let checker = Task { () -> (checked: Int, early: [String]) in
            var checked = 0
            var early: [String] = []
            for await snap in stream {
                let stored = Set(try reader.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches.map(\.source))
                for source in snap.state.lastSampleAt.keys where !stored.contains(source) { early.append(source) }
                checked += 1
                if snap.state.lastSampleAt.count == 40 { break }
            }
            return (checked, early)
        }
        for round in 0 ..< 4 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for s in 0 ..< 10 {
                    group.addTask { try await room.submit(.samples(source: "r\(round)s\(s)", samples: [Sample(keys[0], 0.001)])) }
                }
                try await group.waitForAll()
            }
        }
        let result = try await checker.value
        #expect(result.checked >= 2)
        #expect(result.early.isEmpty, "shown before stored: \(result.early)")
    }
}
