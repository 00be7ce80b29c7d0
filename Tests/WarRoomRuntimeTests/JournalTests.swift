import Foundation
import Testing
import WarRoomCore

@testable import WarRoomRuntime

#if canImport(Glibc)
    import Glibc
#endif

func temporaryJournalPath(_ name: String = #function) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warroom-tests-\(UUID().uuidString)")
    return dir.appendingPathComponent("journal.sqlite").path
}

@Suite("Journal")
struct JournalTests {
    @Test("appends durably and reads back in order; the file is private (0600)")
    func roundTrip() throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        let t = Date(timeIntervalSince1970: 1_800_000_000.25)
        let a = try journal.append(.note(text: "first", by: "ana"), at: t)
        let b = try journal.append(.sourceDown(source: "h", reason: "refused"), at: t + 1)
        #expect(b.seq == a.seq + 1)
        let reopened = try SQLiteJournal(path: path)
        let events = try reopened.events()
        #expect(events == [a, b])
        #expect(try reopened.events(after: a.seq) == [b])
        // The file, and the log and index SQLite made beside it, are private.
        for file in [path, path + "-wal", path + "-shm"] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
    }

    @Test("the writer connection runs with synchronous = FULL (2), read back from SQLite, not the setting we asked for")
    func synchronousFull() throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        #expect(try journal.writerSynchronous() == 2)
        _ = try journal.append(.note(text: "after a write", by: "ana"), at: Date())
        #expect(try journal.writerSynchronous() == 2)
        // Opening an existing journal again, too.
        #expect(try SQLiteJournal(path: path).writerSynchronous() == 2)
    }

    @Test("a reader opens the file read-only: reading changes no byte of the journal, and it has no append (the type has none)")
    func readerLeavesFileAlone() throws {
        let path = temporaryJournalPath()
        let writer = try SQLiteJournal(path: path)
        _ = try writer.append(.note(text: "one", by: "ana"), at: Date())
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let reader = try SQLiteJournalReader(path: path)
        #expect(reader.mode == .shared)
        #expect(try reader.events().count == 1)
        #expect(try reader.lastSeq() == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        // It follows a writer's later commits.
        _ = try writer.append(.note(text: "two", by: "ana"), at: Date())
        #expect(try reader.events(after: 1).count == 1)
    }

    @Test("an SQLite URI escapes what would end the path")
    func uriEscapes() {
        #expect(SQLiteJournalReader.uri("/a b/j?#%.sqlite", query: "immutable=1") == "file:/a%20b/j%3F%23%25.sqlite?immutable=1")
    }

    @Test("the journal's folder is created 0700, parents included, whatever the umask")
    func privateFolder() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("warroom-tests-\(UUID().uuidString)").path
        let old = umask(0)
        defer { umask(old) }
        _ = try SQLiteJournal(path: base + "/state/warroom/j.sqlite")
        for dir in [base, base + "/state", base + "/state/warroom"] {
            #expect(try FileManager.default.attributesOfItem(atPath: dir)[.posixPermissions] as? Int == 0o700, "\(dir)")
        }
    }

    @Test("non-finite sample values survive the round trip (in the samples store)")
    func nonFinite() throws {
        let journal = try SQLiteJournal(path: temporaryJournalPath())
        try journal.write { tx in
            try tx.append(
                SampleBatch(
                    milliseconds: 1_000, source: "p",
                    samples: [Sample(SeriesKey(.stable, .latencyP95), .infinity), Sample(SeriesKey(.stable, .latencyP50), .nan)]))
        }
        let back = try journal.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches
        #expect(back.first?.samples[0].value == .infinity)
        #expect(back.first?.samples[1].value.isNaN == true)
        #expect(try journal.events().isEmpty, "no sample in the event log")
    }

    @Test("a journal from a newer warroom is refused and left untouched")
    func newerRefused() throws {
        let path = temporaryJournalPath()
        _ = try SQLiteJournal(path: path).append(.note(text: "x", by: "y"), at: Date())
        try sqlite(path, "PRAGMA user_version = 99;")
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: JournalError.self) { try SQLiteJournal(path: path) }
        do { _ = try SQLiteJournal(path: path) } catch {
            #expect("\(error)".contains("written by a newer warroom (format 99"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "a newer journal is never opened for writing")
    }

    @Test("an SQLite file that is not a journal is refused")
    func foreignDatabase() throws {
        let path = temporaryJournalPath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try sqlite(path, "CREATE TABLE customers (id INTEGER);")
        do {
            _ = try SQLiteJournal(path: path)
            Issue.record("opened a foreign database")
        } catch {
            #expect("\(error)".contains("not a warroom journal (tables: customers)"))
        }
    }

    @Test("a file that is not SQLite at all is refused with a clear message")
    func garbage() throws {
        let path = temporaryJournalPath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        do {
            _ = try SQLiteJournal(path: path)
            Issue.record("opened garbage")
        } catch {
            #expect("\(error)".contains("not an SQLite database") || "\(error)".contains("not a database"), "\(error)")
        }
    }

    @Test("two connections on one journal see each other's events")
    func twoWriters() throws {
        let path = temporaryJournalPath()
        let a = try SQLiteJournal(path: path)
        let b = try SQLiteJournal(path: path)
        for i in 0 ..< 50 {
            _ = try (i % 2 == 0 ? a : b).append(.note(text: "n\(i)", by: i % 2 == 0 ? "a" : "b"), at: Date())
        }
        let all = try a.events()
        #expect(all.count == 50)
        #expect(all.map(\.seq) == Array(1 ... 50))
        #expect(all.compactMap { if case .note(let t, _) = $0.event { t } else { nil } } == (0 ..< 50).map { "n\($0)" })
    }

    @Test("the war room folds another process's events in journal order")
    func actorCatchesUp() async throws {
        let path = temporaryJournalPath()
        let clock = ManualClock()
        let room = try WarRoom(journal: try SQLiteJournal(path: path), clock: clock, executor: nil)
        let scribe = try SQLiteJournal(path: path)
        try await room.send(.note(text: "from the dashboard", by: "ana"))
        _ = try scribe.append(.note(text: "from the scribe", by: "ben"), at: clock.now())
        try await room.send(.note(text: "after", by: "ana"))
        var texts = await room.snapshot.state.timeline.map(\.text)
        #expect(texts == ["ana: from the dashboard", "ben: from the scribe", "ana: after"])
        _ = try scribe.append(.note(text: "late", by: "ben"), at: clock.now())
        try await room.catchUp()
        texts = await room.snapshot.state.timeline.map(\.text)
        #expect(texts.last == "ben: late")
    }
}

/// Run SQL with the sqlite3 command-line tool, as an outside party would.
func sqlite(_ path: String, _ sql: String) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    p.arguments = [path, sql]
    try p.run()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
}

@Suite("Journal file stamp")
struct JournalFileStampTests {
    @Test("a commit by this or another connection changes the stamp; nothing else does")
    func stampFollowsCommits() throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        _ = try journal.append(.note(text: "first", by: "ana"), at: Date())
        let before = journal.fileStamp()
        #expect(journal.fileStamp() == before)
        _ = try journal.events(after: 0)
        #expect(journal.fileStamp() == before)
        // Another process's journal (another connection) commits a note.
        let other = try SQLiteJournal(path: path)
        _ = try other.append(.note(text: "from another shell", by: "ben"), at: Date())
        let after = journal.fileStamp()
        #expect(after != before)
        _ = try journal.append(.note(text: "mine", by: "ana"), at: Date())
        #expect(journal.fileStamp() != after)
    }
}
