import Foundation
import Synchronization
import Testing
import WarRoomCore

@testable import WarRoomRuntime

@Suite("Journal changes (inotify)")
struct JournalWakeupTests {
    func journalPath() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warroom-changes-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("j.sqlite").path
    }

    @Test("a commit by another connection wakes a waiting follower; other files in the folder do not; stop ends the wait")
    func wakesOnCommitOnly() throws {
        let path = journalPath()
        let writer = try SQLiteJournal(path: path)
        try writer.append(.note(text: "first", by: "ana"), at: Date())
        let changes = SQLiteJournalWakeup(path: path)
        try #require(changes.isEventDriven, "inotify is not available here")
        // Nothing written: the wait times out.
        #expect(changes.wait(milliseconds: 200) == .timedOut)
        // A log file beside the journal (as warroom writes) is not a change of the journal.
        try "a log line\n".write(toFile: path + ".log", atomically: false, encoding: .utf8)
        #expect(changes.wait(milliseconds: 200) == .timedOut)
        // A commit by another process's connection is.
        let other = try SQLiteJournal(path: path)
        try other.append(.note(text: "from another shell", by: "scribe"), at: Date())
        #expect(changes.wait(milliseconds: 5000) == .changed)
        changes.stop()
        #expect(changes.wait(milliseconds: 5000) == .stopped)
    }

    @Test("the commander's own commits wake nothing through the stream; another process's commit does")
    func ownCommitsSkipped() async throws {
        let path = journalPath()
        let own = try SQLiteJournal(path: path)
        try own.append(.note(text: "first", by: "ana"), at: Date())
        // The writer's wake-up: its own commits are skipped.
        let changes = own.makeWakeup()
        try #require(changes.isEventDriven, "inotify is not available here")
        let woken = Mutex(0)
        let stream = changes.stream()
        let reader = Task { for await _ in stream { woken.withLock { $0 += 1 } } }
        defer { reader.cancel() }
        // Own commits, each followed by time for a wake-up to arrive.
        for i in 0 ..< 5 {
            try own.append(.note(text: "mine \(i)", by: "ana"), at: Date())
            try await Task.sleep(for: .milliseconds(150))
        }
        #expect(woken.withLock { $0 } == 0, "own commits woke the stream \(woken.withLock { $0 }) times")
        // Another connection (another shell's `note`) is seen, even right after an own commit.
        let other = try SQLiteJournal(path: path)
        try own.append(.note(text: "mine again", by: "ana"), at: Date())
        try other.append(.note(text: "from another shell", by: "scribe"), at: Date())
        let deadline = ContinuousClock.now + .seconds(10)
        while woken.withLock({ $0 }) == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(woken.withLock { $0 } >= 1, "another process's commit did not wake the stream")
    }

    @Test("a follower holding only a reader gets its watch and wake-up from it: a writer's commit wakes it and its watch reads")
    func throughTheReader() throws {
        let path = journalPath()
        let writer: any JournalWriter = try SQLiteJournal(path: path)
        try writer.append(.note(text: "first", by: "ana"), at: Date())
        let reader: any JournalReader = try SQLiteJournalReader(path: path)
        var watch = reader.makeWatch(maximumGap: .seconds(3600))
        let start = ContinuousClock.now
        let first = watch.shouldRead(now: start)
        #expect(first, "the first look reads")
        let unchanged = watch.shouldRead(now: start + .seconds(1))
        #expect(!unchanged, "nothing changed, the gap not reached")
        let changes = reader.makeWakeup()
        try #require(changes.isEventDriven, "inotify is not available here")
        try writer.append(.note(text: "second", by: "ana"), at: Date())
        #expect(changes.wait(milliseconds: 5000) == .changed)
        let changed = watch.shouldRead(now: start + .seconds(2))
        #expect(changed, "the files changed")
        #expect(try reader.events(after: 0).count == 2)
        changes.stop()
        #expect(changes.wait(milliseconds: 5000) == .stopped)
    }

    @Test(
        "inotify event records: the folder's by name (a creation asks to watch the new file), the files' writes always, an overflow counts, a dropped watch does not"
    )
    func parsing() {
        func record(wd: UInt32 = 1, mask: UInt32, name: String) -> [UInt8] {
            var bytes: [UInt8] = []
            func u32(_ v: UInt32) { bytes += [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)] }
            let padded = name.isEmpty ? 0 : (name.utf8.count / 16 + 1) * 16
            u32(wd)
            u32(mask)
            u32(0)
            u32(UInt32(padded))
            bytes += Array(name.utf8) + [UInt8](repeating: 0, count: padded - name.utf8.count)
            return bytes
        }
        let names = ["j.sqlite", "j.sqlite-wal"]
        func seen(_ bytes: [UInt8]) -> (Bool, Bool) {
            let r = SQLiteJournalWakeup.changes(ArraySlice(bytes), names: names, folder: 1)
            return (r.relevant, r.created)
        }
        // Files beside the journal (a lock, a log) are not the journal.
        #expect(seen(record(mask: 0x100, name: "j.sqlite.lock") + record(mask: 0x200, name: "warroom.log")) == (false, false))
        // The log created: a change, and its writes are to be watched.
        #expect(seen(record(mask: 0x200, name: "warroom.log") + record(mask: 0x100, name: "j.sqlite-wal")) == (true, true))
        #expect(seen(record(mask: 0x200, name: "j.sqlite-wal")) == (true, false))
        // A write on a file's own watch (no name).
        #expect(seen(record(wd: 2, mask: 0x2, name: "")) == (true, false))
        // A file's watch dropped (the file deleted): nothing.
        #expect(seen(record(wd: 3, mask: 0x8000, name: "")) == (false, false))
        #expect(seen(record(mask: 0x4000, name: "")) == (true, false))
    }
}
