import Foundation
import GRDB
import Synchronization
import Testing
import WarRoomCore

@testable import WarRoomRuntime

/// A launch as warroom recorded it in format 1: samples as events among the incident's.
func legacyLaunch(start: Date, seconds: Int = 300) -> [(time: Date, event: Event)] {
    var out: [(time: Date, event: Event)] = []
    var info = SessionInfo(
        service: "checkout", rules: .runbookDefaults, plan: .runbookDefault, roster: Roster(tiers: []),
        sources: [SessionInfo.SourceInfo(name: "health", interval: 1), SessionInfo.SourceInfo(name: "prom", interval: 1)],
        mode: .run, startedBy: "ana")
    info.sources[1].alwaysReporting = true
    out.append((start, .sessionStarted(info)))
    for s in 0 ..< seconds {
        let t = start.addingTimeInterval(Double(s) + 0.25)
        let error = s >= 100 && s < 160 ? 0.07 : 0.004
        out.append(
            (
                t,
                .samples(
                    source: "health",
                    samples: [
                        Sample(SeriesKey(.canary, .errorRate), error), Sample(SeriesKey(.canary, .latencyAvg), 0.12),
                        Sample(SeriesKey(.stable, .errorRate), 0.003),
                    ])
            ))
        if s < 50 || s > 80 {
            out.append(
                (
                    t.addingTimeInterval(0.125),
                    .samples(
                        source: "prom",
                        samples: [Sample(SeriesKey(.stable, .throughput), Double(1100 + s)), Sample(SeriesKey(.stable, .latencyP95), .infinity)])
                ))
        }
        if s == 60 { out.append((t.addingTimeInterval(0.5), .deadManSwitch(source: "prom", silentFor: 10))) }
        if s == 100 {
            out.append(
                (
                    t.addingTimeInterval(0.001),
                    .thresholdCrossed(Crossing(rule: RuleKey(.canary, .errorRate), from: .none, to: .sev3, value: 0.07, threshold: 0.05))
                ))
            out.append((t.addingTimeInterval(2), .incidentOpened(severity: .sev3, title: "canary errors", by: "ana")))
        }
        if s == 120 { out.append((t.addingTimeInterval(0.5), .note(text: "looking at the canary", by: "ben"))) }
        if s == 160 {
            out.append(
                (
                    t.addingTimeInterval(0.001),
                    .thresholdCrossed(Crossing(rule: RuleKey(.canary, .errorRate), from: .sev3, to: .none, value: 0.004, threshold: 0.05))
                ))
            out.append((t.addingTimeInterval(5), .statusChanged(to: .resolved, by: "ana")))
        }
    }
    return out
}

@Suite("Journal migration 1 → 2")
struct MigrationTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(
        "a format 1 journal is migrated in one transaction: samples moved to the store, incident events untouched (seq, time, payload), progress reported"
    )
    func migrates() throws {
        let path = temporaryJournalPath()
        let written = legacyLaunch(start: start)
        try SQLiteJournal.writeFormat1(path: path, events: written)
        let old = try SQLiteJournalReader(path: path)  // a reader reads format 1 as it is
        let before = try old.events()
        #expect(before.count == written.count)
        let oldIncident = before.filter { if case .samples = $0.event { false } else { true } }
        let oldSamples = before.filter { if case .samples = $0.event { true } else { false } }
        var oldState = WarRoomState()
        for e in before { oldState.apply(e) }

        let reports = Mutex<[JournalMigrationProgress]>([])
        let journal = try SQLiteJournal(path: path) { p in reports.withLock { $0.append(p) } }
        let all = reports.withLock { $0 }
        let progress = all.filter { $0.step == "moving samples out of the event log" }
        #expect(progress.first?.done == 0 && progress.first?.total == oldSamples.count)
        // Then the checkpoint every reader starts from (the full fold's), said as a last step.
        #expect(all.last == JournalMigrationProgress(step: "writing a checkpoint", done: 1, total: 1))
        #expect(progress.last?.done == oldSamples.count)
        #expect(zip(progress, progress.dropFirst()).allSatisfy { $0.done <= $1.done })

        let after = try journal.events()
        #expect(after == oldIncident, "incident events are untouched")
        let batches = try journal.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches
        #expect(batches.count == oldSamples.count)
        #expect(batches.map(\.samples) == oldSamples.map { if case .samples(_, let s) = $0.event { s } else { [] } })
        // Folded again from the new store, the state is the old one.
        var newState = WarRoomState()
        for e in try journal.history() { newState.apply(e) }
        #expect(try journal.allCheckpoints().map(\.payload) == [newState.checkpointPayload()], "the migration's checkpoint is the full fold's state")
        #expect(newState.ruleLevels == oldState.ruleLevels)
        #expect(newState.incident == oldState.incident)
        #expect(newState.timeline.map(\.text) == oldState.timeline.map(\.text))
        #expect(newState.series[SeriesKey(.canary, .errorRate)]?.points.elements == oldState.series[SeriesKey(.canary, .errorRate)]?.points.elements)
        // The log was copied without its sample events: the schema is format 1's
        // (the index by kind included), and the next event takes the seq after the
        // last one ever recorded, a sample event here, never one the samples' commits point at.
        #expect(written.last.map { if case .samples = $0.event { true } else { false } } == true)
        let schema = try sqliteOutput(path, "SELECT name FROM sqlite_master WHERE tbl_name = 'events' ORDER BY name")
        #expect(schema.trimmingCharacters(in: .whitespacesAndNewlines) == "events\nevents_kind", "\(schema)")
        #expect(try sqliteOutput(path, "EXPLAIN QUERY PLAN SELECT seq FROM events WHERE kind = 'note'").contains("USING COVERING INDEX events_kind"))
        let next = try journal.append(.note(text: "after the migration", by: "ana"), at: start.addingTimeInterval(400))
        #expect(next.seq == Int64(written.count) + 1)
        // The writer's connection is as it was before: SQLite's secure delete (zeroing
        // freed pages) as a journal that never migrated has it.
        #expect(try journal.writerPragma("secure_delete") == SQLiteJournal(path: temporaryJournalPath()).writerPragma("secure_delete"))
        // Each minute's peaks, gathered while the points moved, are what SQL finds in the points.
        let peaks = "SELECT m, series, v FROM sample_peaks ORDER BY m, series"
        let grouped = "SELECT t / 60000, series, MAX(v) FROM samples WHERE v IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2"
        let gathered = try sqliteOutput(path, peaks)
        #expect(gathered.split(separator: "\n").count > 5 * 4)
        #expect(gathered == (try sqliteOutput(path, grouped)))
        // Opening again does nothing more.
        reports.withLock { $0 = [] }
        _ = try SQLiteJournal(path: path) { p in reports.withLock { $0.append(p) } }
        #expect(reports.withLock { $0.isEmpty })
    }

    @Test("peaks gathered during the migration and written a few at a time (every 3 entries) equal a GROUP BY over the points moved")
    func peaksWrittenInPieces() throws {
        let path = temporaryJournalPath()
        try SQLiteJournal.writeFormat1(path: path, events: legacyLaunch(start: start, seconds: 600))
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try SampleStore.migrateFrom1(db, path: path, progress: nil, peakFlush: 3) }
        try queue.close()
        let peaks = try sqliteOutput(path, "SELECT m, series, v FROM sample_peaks ORDER BY m, series")
        #expect(peaks.split(separator: "\n").count > 10 * 4)
        #expect(peaks == (try sqliteOutput(path, "SELECT t / 60000, series, MAX(v) FROM samples WHERE v IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2")))
    }

    @Test(
        "a migration that frees most of the file compacts it once (VACUUM): the free pages go, the events and samples stay, and the progress says so")
    func compactsAfterwards() throws {
        let path = temporaryJournalPath()
        let written = legacyLaunch(start: start, seconds: 12_000)
        try SQLiteJournal.writeFormat1(path: path, events: written)
        let sizeBefore = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        let before = try SQLiteJournalReader(path: path).history()
        let reports = Mutex<[JournalMigrationProgress]>([])
        let journal = try SQLiteJournal(path: path) { p in reports.withLock { $0.append(p) } }
        let steps = reports.withLock { $0.map(\.step) }
        let order = steps.reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        #expect(order.suffix(2) == ["compacting the file", "writing a checkpoint"], "\(order)")
        #expect(reports.withLock { $0.last(where: { $0.step == "compacting the file" })?.done == 1 })
        // Read back from SQLite, not trusted: few free pages are left, and the file shrank.
        let reader = try SQLiteJournalReader(path: path)
        let (free, pages) = try reader.pragmaCounts()
        #expect(free * 10 < pages, "\(free) of \(pages) pages still free")
        _ = try journal.lastSeq()
        let sizeAfter = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        #expect(sizeAfter < sizeBefore / 2, "\(sizeBefore) bytes before, \(sizeAfter) after")
        func parts(_ list: [Recorded]) -> (events: [Recorded], samples: [[Sample]]) {
            (
                list.filter { if case .samples = $0.event { false } else { true } },
                list.compactMap { if case .samples(_, let s) = $0.event { s } else { nil } }
            )
        }
        let (oldEvents, oldSamples) = parts(before)
        let (newEvents, newSamples) = parts(try reader.history())
        #expect(newEvents == oldEvents, "every incident event")
        #expect(newSamples == oldSamples, "every sample, in order")
    }

    @Test("a journal that cannot be migrated (an unreadable samples event) is refused and left as it was")
    func failedMigrationChangesNothing() throws {
        let path = temporaryJournalPath()
        try SQLiteJournal.writeFormat1(path: path, events: legacyLaunch(start: start, seconds: 20))
        try sqlite(path, "UPDATE events SET payload = '{\"samples\": 42}' WHERE seq = 10;")
        let query = "PRAGMA user_version; SELECT COUNT(*), SUM(length(payload)) FROM events; SELECT name FROM sqlite_master ORDER BY name;"
        let before = try sqliteOutput(path, query)
        #expect(before.hasPrefix("1\n"))
        do {
            _ = try SQLiteJournal(path: path)
            Issue.record("migrated a journal it could not read")
        } catch {
            #expect("\(error)".contains("cannot migrate: event 10"), "\(error)")
        }
        #expect(try sqliteOutput(path, query) == before, "format, events and tables as they were")
    }
}

/// What the sqlite3 command-line tool prints for `sql`.
func sqliteOutput(_ path: String, _ sql: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    p.arguments = [path, sql]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
