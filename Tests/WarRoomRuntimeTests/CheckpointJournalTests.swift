import Foundation
import Testing
import WarRoomCore

@testable import WarRoomRuntime

/// Checkpoints in the real SQLite journal: written by the commander's war
/// room, read by every reader, always a cache of the events.
@Suite("Journal checkpoints")
struct CheckpointJournalTests {
    static let roster = Roster(tiers: [
        EscalationTier(name: "Primary", person: Person(name: "Ana", handle: "@ana"), escalateAfter: 60),
        EscalationTier(name: "Secondary", person: Person(name: "Ben", handle: "@ben"), escalateAfter: 60),
    ])

    static func session() -> SessionInfo {
        SessionInfo(
            service: "checkout", rules: .runbookDefaults, plan: CanaryPlan(steps: CanaryPlan.runbookDefault.steps, analysis: nil),
            roster: roster, sources: [.init(name: "health", interval: 1)], mode: .other("test"), startedBy: "tester")
    }

    static func samples(_ canaryErrors: Double) -> Event {
        .samples(
            source: "health",
            samples: [
                Sample(SeriesKey(.canary, .errorRate), canaryErrors), Sample(SeriesKey(.stable, .errorRate), 0.004),
                Sample(SeriesKey(.canary, .latencyAvg), 0.13), Sample(SeriesKey(.stable, .latencyAvg), 0.12),
            ])
    }

    /// Drive a commander's war room through a launch with an incident, pages,
    /// an acknowledgement and notes; `n` sample batches at 1 s.
    static func drive(_ room: WarRoom, _ clock: ManualClock, batches n: Int, from start: Int = 0) async throws {
        for i in start ..< start + n {
            clock.advance(by: 1)
            let bad = (i / 40) % 5 == 3  // trouble now and then
            try await room.send(samples(bad ? 0.25 : 0.004))
            // Samples are not events: notes keep the event log growing as a busy war room does.
            if i % 2 == 0 { try await room.send(.note(text: "note \(i)", by: "ben")) }
            if i % 29 == 0 { _ = try await room.perform(.acknowledged(by: "ana")) }
            if i % 97 == 96 { _ = try await room.perform(.statusChanged(to: .resolved, by: "ana")) }
            try await room.tick()
        }
        // Pages report from their own tasks: let them land, so the journal is still when compared.
        await room.waitForCommands()
    }

    /// Every event and every sample kept, in the order they happened.
    func fullFold(_ path: String) throws -> WarRoomState {
        var s = WarRoomState()
        for e in try SQLiteJournalReader(path: path).history() { s.apply(e) }
        return s
    }

    @Test("the commander writes a checkpoint every N events, keeps the newest few, and every reader's state from it is the full fold's")
    func everyNEvents() async throws {
        let path = temporaryJournalPath()
        let clock = ManualClock()
        let journal = try SQLiteJournal(path: path)
        let room = try WarRoom(journal: journal, clock: clock, executor: nil, checkpoints: CheckpointPolicy(everyEvents: 50, every: 3600, keep: 3))
        try await room.send(.sessionStarted(Self.session()))
        try await Self.drive(room, clock, batches: 300)
        let stored = try journal.allCheckpoints()
        #expect(stored.count == 3, "only the newest 3 are kept")
        #expect(stored.allSatisfy { $0.version == WarRoomState.checkpointVersion })
        let last = try journal.lastSeq()
        #expect(last > 150)
        // Every 50 events (an event's effects may carry it a few past): none older than 50 + a few behind.
        #expect(try #require(stored.first).seq > last - 60)
        #expect(zip(stored, stored.dropFirst()).allSatisfy { $0.seq - $1.seq >= 50 && $0.seq - $1.seq < 60 })
        // Each stored checkpoint is the fold of the events up to its seq, and of
        // the samples in their place before it (those after it come after it).
        let history = try journal.history()
        for cp in stored {
            var s = WarRoomState()
            let end = try #require(history.firstIndex { $0.seq == cp.seq })
            for e in history[...end] { s.apply(e) }
            #expect(cp.payload == (try s.checkpointPayload()), "checkpoint at \(cp.seq)")
        }
        let reader = try SQLiteJournalReader(path: path)
        let loaded = try reader.loadState()
        #expect(loaded.checkpointSeq == stored.first?.seq)
        let full = try fullFold(path)
        #expect(try loaded.state.checkpointPayload() == full.checkpointPayload())
        #expect(full.escalation != nil && full.incident != nil, "the drive reached an incident and its escalation")
    }

    @Test("with few events a checkpoint is written once 60 s of the injected clock have passed, and never without something new")
    func everySixtySeconds() async throws {
        let path = temporaryJournalPath()
        let clock = ManualClock()
        let journal = try SQLiteJournal(path: path)
        let room = try WarRoom(journal: journal, clock: clock, executor: nil, checkpoints: CheckpointPolicy(everyEvents: 10_000, every: 60))
        try await room.send(.sessionStarted(Self.session()))
        clock.advance(by: 59)
        try await room.send(.note(text: "at 59 s", by: "ana"))
        try await room.tick()
        #expect(try journal.allCheckpoints().isEmpty)
        clock.advance(by: 1)
        try await room.tick()
        let first = try journal.allCheckpoints()
        #expect(first.map(\.seq) == [try journal.lastSeq()])
        #expect(first.first?.time == clock.now())
        // Nothing new: an hour of ticks writes nothing more.
        for _ in 0 ..< 60 {
            clock.advance(by: 60)
            try await room.tick()
        }
        #expect(try journal.allCheckpoints() == first)
        try await room.send(.note(text: "later", by: "ana"))
        #expect(try journal.allCheckpoints().count == 2, "60 s have long passed: the next event checkpoints")
    }

    @Test("a clock that goes back does not stop the checkpoints: the next thing folded after it writes one")
    func clockGoesBack() async throws {
        let path = temporaryJournalPath()
        let clock = ManualClock()
        let journal = try SQLiteJournal(path: path)
        let room = try WarRoom(journal: journal, clock: clock, executor: nil, checkpoints: CheckpointPolicy(everyEvents: 10_000, every: 60))
        try await room.send(.sessionStarted(Self.session()))
        clock.advance(by: 60)
        try await room.tick()
        #expect(try journal.allCheckpoints().count == 1)
        clock.advance(by: -3600)
        try await room.submit(.samples(source: "health", samples: [Sample(SeriesKey(.canary, .errorRate), 0.01)]))
        try await room.tick()
        #expect(try journal.allCheckpoints().map(\.time).max() == clock.now(), "written at once, not an hour later")
    }

    @Test("a checkpoint that does not decode, or of another version, is ignored: the state comes from the events, the same")
    func unusableCheckpoints() async throws {
        let path = temporaryJournalPath()
        let clock = ManualClock()
        let journal = try SQLiteJournal(path: path)
        // Samples are not events: the notes, acks and crossings of 150 polls count.
        let room = try WarRoom(journal: journal, clock: clock, executor: nil, checkpoints: CheckpointPolicy(everyEvents: 5, every: 3600))
        try await room.send(.sessionStarted(Self.session()))
        try await Self.drive(room, clock, batches: 150)
        let full = try fullFold(path)
        let stored = try journal.allCheckpoints()
        #expect(stored.count == 3)
        // The newest damaged: the one before it, plus a longer tail.
        try sqlite(path, "UPDATE checkpoints SET payload = X'7B7D' WHERE seq = \(stored[0].seq);")
        var loaded = try SQLiteJournalReader(path: path).loadState()
        #expect(loaded.checkpointSeq == stored[1].seq)
        #expect(try loaded.state.checkpointPayload() == full.checkpointPayload())
        // All of another version (a build that stored another shape): folded from event 1.
        try sqlite(path, "UPDATE checkpoints SET version = \(WarRoomState.checkpointVersion + 1);")
        loaded = try SQLiteJournalReader(path: path).loadState()
        #expect(loaded.checkpointSeq == nil)
        #expect(try loaded.state.checkpointPayload() == full.checkpointPayload())
        // A checkpoint that claims to be past the newest event (a journal cut short) is never used.
        try sqlite(path, "DELETE FROM checkpoints; INSERT INTO checkpoints VALUES (999999, \(WarRoomState.checkpointVersion), 0, X'7B7D');")
        #expect(try SQLiteJournalReader(path: path).checkpoints(version: WarRoomState.checkpointVersion, limit: 3).isEmpty)
        // A commander opened on it starts from the events and writes a good checkpoint again.
        let again = try WarRoom(
            journal: try SQLiteJournal(path: path), clock: clock, executor: nil, checkpoints: CheckpointPolicy(everyEvents: 40, every: 3600))
        try await again.send(.note(text: "after", by: "ana"))
        let fresh = try SQLiteJournalReader(path: path).loadState()
        #expect(fresh.checkpointSeq == (try journal.lastSeq()))
        #expect(try fresh.state.checkpointPayload() == fullFold(path).checkpointPayload())
    }

    @Test("a format-1 journal is read as it is by readers, and migrated by the first writer without a change to its events")
    func migratesFormatOne() async throws {
        let source = temporaryJournalPath()
        let clock = ManualClock()
        do {
            let room = try WarRoom(journal: try SQLiteJournal(path: source), clock: clock, executor: nil, checkpoints: nil)
            try await room.send(.sessionStarted(Self.session()))
            try await Self.drive(room, clock, batches: 120)
        }
        // Exactly what the previous warroom wrote (format 1: its schema, no checkpoints table),
        // in a file this process never opened.
        let path = temporaryJournalPath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try sqlite(
            path,
            """
            PRAGMA journal_mode = WAL;
            CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, time REAL NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL);
            CREATE INDEX events_kind ON events(kind);
            ATTACH '\(source)' AS old;
            INSERT INTO events SELECT seq, time, kind, payload FROM old.events ORDER BY seq;
            DETACH old;
            PRAGMA user_version = 1;
            """)
        let dump = try SQLiteJournalReader(path: path).events()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let reader = try SQLiteJournalReader(path: path)
        let loaded = try reader.loadState()
        #expect(loaded.checkpointSeq == nil)
        #expect(try loaded.state.checkpointPayload() == fullFold(path).checkpointPayload())
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes, "a reader never migrates")
        let export = PostMortem(events: dump, now: clock.now())
        let writer = try SQLiteJournal(path: path)
        let after = try writer.events()
        #expect(after == dump)
        #expect(try PostMortem(events: after, now: clock.now()).json(includeSamples: true) == export.json(includeSamples: true))
        // The migration wrote the checkpoint every reader starts from: the full fold's state.
        #expect(try writer.lastSeq() > 10)
        let migrated = try writer.allCheckpoints()
        #expect(migrated.map(\.seq) == [try writer.lastSeq()])
        #expect(try migrated.first?.payload == fullFold(path).checkpointPayload())
        #expect(try SQLiteJournalReader(path: path).loadState().checkpointSeq == writer.lastSeq())
        // And the commander on it checkpoints as it goes.
        let room = try WarRoom(journal: writer, clock: clock, executor: nil, checkpoints: CheckpointPolicy(everyEvents: 1, every: 60))
        try await room.send(.note(text: "migrated", by: "ana"))
        #expect(try writer.allCheckpoints().map(\.seq).max() == writer.lastSeq())
        #expect(try scalar(path, "PRAGMA user_version") == "\(SQLiteJournal.formatVersion)")
        #expect(try scalar(path, "SELECT name FROM sqlite_master WHERE name = 'checkpoints'") == "checkpoints")
    }

    @Test("ack's refusal reads the checkpoint and the incident facts after it, not the samples, and refuses exactly what a full fold refuses")
    func ackWithoutSamples() async throws {
        let path = temporaryJournalPath()
        let clock = ManualClock()
        let journal = try SQLiteJournal(path: path)
        let room = try WarRoom(journal: journal, clock: clock, executor: nil, checkpoints: CheckpointPolicy(everyEvents: 30, every: 3600))
        try await room.send(.sessionStarted(Self.session()))
        let reader = try SQLiteJournalReader(path: path)
        for step in 0 ..< 12 {
            try await Self.drive(room, clock, batches: 23, from: step * 23)
            let quick = try reader.incidentState()
            let full = try fullFold(path)
            let ack = Event.acknowledged(by: "x")
            let seen = try reader.lastSeq()
            #expect(quick.refusal(of: ack) == full.refusal(of: ack), "after \(seen) events")
            #expect(quick.escalation == full.escalation)
            #expect(quick.incident == full.incident)
        }
        let tail = try reader.events(
            after: try #require(try reader.checkpoints(version: WarRoomState.checkpointVersion, limit: 1).first).seq,
            samplesWithin: nil)
        #expect(tail.allSatisfy { $0.event.kind != "samples" })
    }

    @Test("export from the checkpoint, the incident facts and the samples of the incident's window is the export of every event")
    func exportFromCheckpoint() async throws {
        let path = temporaryJournalPath()
        let clock = ManualClock()
        let journal = try SQLiteJournal(path: path)
        let room = try WarRoom(journal: journal, clock: clock, executor: nil, checkpoints: CheckpointPolicy(everyEvents: 25, every: 3600))
        try await room.send(.sessionStarted(Self.session()))
        try await Self.drive(room, clock, batches: 220)
        let now = clock.now() + 30
        let reader = try SQLiteJournalReader(path: path)
        let all = PostMortem(events: try reader.history(), now: now)
        let state = try reader.loadState().state
        let incident = try #require(state.incident)
        let window = incident.openedAt ... (incident.resolvedAt ?? now)
        let facts = try reader.incidentFacts(samplesWithin: window)
        #expect(facts.events.allSatisfy { $0.event.kind != "samples" }, "no sample is read out of the store")
        #expect(!facts.storedPeaks.isEmpty)
        let pm = PostMortem(state: state, events: facts.events, now: now, storedPeaks: facts.storedPeaks)
        #expect(pm.markdown() == all.markdown())
        #expect(try pm.json(includeSamples: false) == all.json(includeSamples: false))
        #expect(!pm.peaks.isEmpty)
        #expect(pm.peaks.map(\.key) == all.peaks.map(\.key) && pm.peaks.map(\.value) == all.peaks.map(\.value))
    }

    @Test("journal: checkpoint_events and checkpoint_every are read from the config; bad values name file, line and field")
    func config() throws {
        let base = "service: api\nsources: [{name: h, kind: health, url: 'http://x'}]\n"
        #expect(try ConfigLoader.parse(base, file: "c.yaml").checkpoints == .standard)
        let set = try ConfigLoader.parse(base + "journal: {checkpoint_events: 500, checkpoint_every: 2m}", file: "c.yaml")
        #expect(set.checkpoints == CheckpointPolicy(everyEvents: 500, every: 120))
        func errors(_ yaml: String) -> [String] {
            do {
                _ = try ConfigLoader.parse(base + yaml, file: "c.yaml")
                return []
            } catch {
                return error.errors.map(\.description)
            }
        }
        #expect(
            errors("journal:\n  checkpoint_events: 0") == [
                "c.yaml:4:22: journal.checkpoint_events: expected a whole number of events of at least 1, got '0'"
            ])
        #expect(
            errors("journal:\n  checkpoint_every: soon") == [
                "c.yaml:4:21: journal.checkpoint_every: expected a positive duration such as 30s, 15m, 1h or 1h30m (at most 366d), got 'soon'"
            ])
        #expect(
            errors("journal:\n  checkpoints: 5") == [
                "c.yaml:4:3: journal.checkpoints: unknown key; valid keys here: checkpoint_events, checkpoint_every"
            ])
    }
}

/// One value from the sqlite3 tool.
func scalar(_ path: String, _ sql: String) throws -> String {
    let p = Process()
    let out = Pipe()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    p.arguments = [path, sql]
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
