import Foundation
import Testing
import WarRoomCore
import WarRoomRuntime
import WarRoomTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// strace is needed to count fsyncs; under CI a missing strace is a failure.
let haveStrace = ServerProcess.find(["strace"]) != nil

/// The syscalls of one traced run (`strace -f -e trace=fsync,fdatasync,write,pwrite64`),
/// in the order they happened.
struct SyscallTrace {
    /// A sync completed (fsync/fdatasync), data was written to a file (SQLite
    /// writes with pwrite64), or an acknowledgement began (a write to stdout).
    enum Step: Equatable {
        case sync, data
        case ack(String)
    }
    var steps: [Step] = []

    init(file: String) throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        for line in text.split(separator: "\n") {
            let isSync =
                (line.contains("fsync(") || line.contains("fdatasync(")) && !line.contains("<unfinished")
                || line.contains("fsync resumed>") || line.contains("fdatasync resumed>")
            if isSync, line.contains("= 0") {
                steps.append(.sync)
            } else if line.contains(" pwrite64(") {
                steps.append(.data)
            } else if line.contains(" write(1, ") {
                steps.append(.ack(String(line)))
            }
        }
    }

    /// Acknowledgements that came while written data was not yet synced, or
    /// before a sync. With `syncEach` every acknowledgement needs a sync of its
    /// own since the one before (an fsync per append); without it many may
    /// share one (group commit), but none may come before it.
    func unsynced(syncEach: Bool) -> [String] {
        var dirty = false
        var synced = false
        var out: [String] = []
        for step in steps {
            switch step {
            case .data: dirty = true
            case .sync:
                dirty = false
                synced = true
            case .ack(let line):
                if dirty || !synced { out.append(line) }
                if syncEach { synced = false }
            }
        }
        return out
    }

    var acks: Int { steps.filter { if case .ack = $0 { true } else { false } }.count }
    var syncs: Int { steps.filter { $0 == .sync }.count }
}

extension EndToEnd {
    @Suite("Durability as promised", .serialized)
    struct DurabilityEndToEndTests {
        @Test(
            "every append is fsynced before it is acknowledged (strace -f counts fsync/fdatasync between acknowledgements)",
            .enabled(if: haveStrace || ServerProcess.requireServers, "needs strace"))
        func fsyncBeforeEachAcknowledgement() throws {
            let binary = try warroomBinary()
            let path = temporaryPath("fsync.sqlite")
            // Create the journal first, so the trace holds appends only.
            #expect(try spawn([binary, "journal-stress", "--journal", path, "--count", "1"]).status == 0)
            let trace = path + ".strace"
            let run = try spawn([
                "strace", "-f", "-qq", "-e", "trace=fsync,fdatasync,write,pwrite64", "-o", trace,
                binary, "journal-stress", "--journal", path, "--count", "40",
            ])
            #expect(run.status == 0)
            let printed = run.output.split(separator: "\n")
            #expect(printed.count == 40, "journal-stress acknowledged \(printed.count) appends")
            let t = try SyscallTrace(file: trace)
            #expect(t.acks == 40, "strace saw \(t.acks) acknowledgements")
            #expect(t.syncs >= 40, "\(t.syncs) fsync/fdatasync calls for 40 appends")
            #expect(t.unsynced(syncEach: true).isEmpty, "acknowledged without an fsync since the one before: \(t.unsynced(syncEach: true).prefix(3))")
        }
    }
}

/// Whether `user` can run the test binary (the checkout may be private).
func runnable(as user: String, _ binary: String) -> Bool {
    (try? spawn(["runuser", "-u", user, "--", binary, "--help"]).status) == 0
}

extension EndToEnd {
    @Suite("Read-only journals open read-only", .serialized)
    struct ReadOnlyJournalEndToEndTests {
        @Test(
            "a 0444 journal in a 0555 folder exports and reports for another user (nobody), with and without a write-ahead log",
            .enabled(if: getuid() == 0, "needs root to act as another user"))
        func archivedJournalAsAnotherUser() async throws {
            let binary = try warroomBinary()
            try #require(runnable(as: "nobody", binary), "nobody cannot run \(binary); the test needs a checkout others may read")
            for withLog in [false, true] {
                let path = temporaryPath("archive.sqlite")
                let dir = (path as NSString).deletingLastPathComponent
                #expect(try spawn([binary, "journal-stress", "--journal", path, "--count", "1"]).status == 0)
                #expect(try spawn([binary, "note", "--journal", path, "--by", "scribe", "kept for the post-mortem"]).status == 0)
                var acknowledged = 2
                if withLog {
                    // A writer killed mid-stream leaves its events in the log (no checkpoint at exit).
                    let (pid, fd) = try start([binary, "journal-stress", "--journal", path, "--count", "1000000"])
                    var seen = Data()
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while seen.filter({ $0 == UInt8(ascii: "\n") }).count < 20 {
                        let n = read(fd, &buffer, buffer.count)
                        if n <= 0 { break }
                        seen.append(contentsOf: buffer[0 ..< n])
                    }
                    kill(pid, SIGKILL)
                    var status: Int32 = 0
                    waitpid(pid, &status, 0)
                    close(fd)
                    acknowledged += seen.filter { $0 == UInt8(ascii: "\n") }.count
                    #expect(FileManager.default.fileExists(atPath: path + "-wal"))
                }
                for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
                    #expect(chmod(file, 0o444) == 0)
                }
                #expect(chmod(dir, 0o555) == 0)
                defer { _ = chmod(dir, 0o755) }
                let before = try Data(contentsOf: URL(fileURLWithPath: path))

                let export = try spawn(["/bin/sh", "-c", "runuser -u nobody -- '\(binary)' export --journal '\(path)' --format json 2>&1"])
                #expect(export.status == 0, "\(export.output.prefix(400))")
                #expect(export.output.contains("kept for the post-mortem"))
                let markdown = try spawn(["/bin/sh", "-c", "runuser -u nobody -- '\(binary)' export --journal '\(path)' 2>&1"])
                #expect(markdown.status == 0, "\(markdown.output.prefix(400))")
                let status = try spawn(["/bin/sh", "-c", "runuser -u nobody -- '\(binary)' status --journal '\(path)' 2>&1"])
                #expect(status.status == 0, "\(status.output.prefix(400))")
                // Every acknowledged event is there (a commit the kill cut before its acknowledgement may be too).
                let counted = status.output.split(separator: "\n").first { $0.hasPrefix("journal") }
                    .flatMap { $0.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
                #expect((counted ?? 0) >= acknowledged, "with log \(withLog): \(status.output)")
                #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "reading changed the journal")
                // Writing is still refused, with a clear message, and changes nothing.
                let note = try spawn(["/bin/sh", "-c", "runuser -u nobody -- '\(binary)' note --journal '\(path)' sneaky 2>&1"])
                #expect(note.status != 0)
                #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
            }
        }
    }
}
