import Foundation
import Testing
import WarRoomCore
import WarRoomRuntime
import WarRoomTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Start a program with its stdout on a pipe we read; returns (pid, fd).
func start(_ argv: [String]) throws -> (pid: pid_t, fd: Int32) {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { throw TmuxError("pipe failed") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO)
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    posix_spawn_file_actions_addclose(&actions, fds[1])
    var cArgs = argv.map { strdup($0) } + [nil]
    defer { for p in cArgs { free(p) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, argv[0], &actions, nil, &cArgs, environ)
    close(fds[1])
    guard rc == 0 else { throw TmuxError("cannot start \(argv[0])") }
    return (pid, fds[0])
}

extension EndToEnd {
    @Suite("Journal drills with the real binary", .serialized)
    struct JournalDrillTests {
        @Test("kill -9 while events are written at a high rate, many times: every acknowledged event is there, in order")
        func killNine() async throws {
            let binary = try warroomBinary()
            let path = temporaryPath("stress.sqlite")
            var acknowledged: [(seq: Int64, index: Int)] = []
            for round in 0 ..< 12 {
                let (pid, fd) = try start([binary, "journal-stress", "--journal", path, "--count", "1000000"])
                // Let it write for a while that differs each round, then kill it without warning.
                try await Task.sleep(for: .milliseconds(150 + (round * 37) % 250))
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                // Everything it printed was acknowledged after its commit returned.
                var output = Data()
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = read(fd, &buffer, buffer.count)
                    if n <= 0 { break }
                    output.append(contentsOf: buffer[0 ..< n])
                }
                close(fd)
                let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
                // The last line may be cut by the kill; keep complete ones.
                for line in lines.dropLast(output.last == UInt8(ascii: "\n") ? 0 : 1) {
                    let parts = line.split(separator: " ")
                    if parts.count == 2, let seq = Int64(parts[0]), let i = Int(parts[1]) { acknowledged.append((seq, i)) }
                }
            }
            #expect(acknowledged.count > 100, "the drill wrote too little to mean anything: \(acknowledged.count)")
            let journal = try SQLiteJournalReader(path: path)
            let events = try journal.events()
            let bySeq = Dictionary(uniqueKeysWithValues: events.map { ($0.seq, $0) })
            for ack in acknowledged {
                guard case .note(let text, _)? = bySeq[ack.seq]?.event else {
                    Issue.record("acknowledged event \(ack.seq) is missing")
                    continue
                }
                #expect(text == "stress \(ack.index)")
            }
            #expect(events.map(\.seq) == events.map(\.seq).sorted(), "events are in order")
            #expect(Set(events.map(\.seq)).count == events.count)
        }
    }
}

extension EndToEnd {
    @Suite("Two processes, one journal", .serialized)
    struct SharedJournalTests {
        @Test("a note from another shell shows on the dashboard within a second; after kill -9 the dashboard resumes the incident")
        func noteAndResume() async throws {
            let binary = try warroomBinary()
            let journal = temporaryPath("shared.sqlite")
            let tmux = try Tmux(command: "'\(binary)' demo --journal '\(journal)'; echo EXIT=$?; sleep 600")
            try await tmux.waitFor("the dashboard", seconds: 20) { $0.contains("Escalation roster") && $0.contains("health every") }

            // The commander declares an incident from the keyboard.
            try tmux.sendKeys("D")
            try tmux.run(["send-keys", "-l", "Checkout errors"])
            try tmux.sendKeys("Enter")
            try tmux.sendKeys("2")
            try await tmux.waitFor("the incident", seconds: 5) { $0.contains("INCIDENT #1 SEV-2 INVESTIGATING") }

            // The scribe writes from another shell.
            let written = Date()
            let result = try spawn([binary, "note", "--journal", journal, "--by", "scribe", "customer reports in #support"])
            #expect(result.status == 0)
            try await tmux.waitFor("the scribe's note", seconds: 1.5) { $0.contains("scribe: customer reports in #support") }
            #expect(Date().timeIntervalSince(written) < 1.5)

            // A bad note is refused with a reason and nothing is written.
            let before = try SQLiteJournalReader(path: journal).lastSeq()
            let bad = try spawn([binary, "note", "--journal", journal, "bell\u{7}"])
            #expect(bad.status == 1)
            #expect(try SQLiteJournalReader(path: journal).lastSeq() >= before)

            // kill -9 the dashboard, start it again on the same journal.
            let pid = tmux.display("#{pane_pid}")
            try spawn(["pkill", "-KILL", "-P", pid, "-f", "warroom"])
            try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=137") }
            try tmux.run(["respawn-pane", "-k", "'\(binary)' demo --journal '\(journal)'; echo EXIT=$?; sleep 600"])
            let resumed = try await tmux.waitFor("the resumed incident", seconds: 20) {
                $0.contains("INCIDENT #1 SEV-2 INVESTIGATING") && $0.contains("scribe: customer reports in #support")
            }
            #expect(resumed.contains("Checkout errors"))
            // Ctrl-C asks first while the incident is open; any other key stays; a second Ctrl-C quits.
            try tmux.sendKeys("C-c")
            try await tmux.waitFor("the quit confirmation", seconds: 5) { $0.contains("is open: press q or Ctrl-C again") }
            try tmux.sendKeys("j")
            try await tmux.waitFor("still here", seconds: 5) { $0.contains("still here") }
            try tmux.sendKeys("C-c")
            try await tmux.waitFor("the confirmation again", seconds: 5) { $0.contains("is open: press q or Ctrl-C again") }
            try tmux.sendKeys("C-c")
            try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=130") }

            // status and export read the same truth.
            let status = try spawn([binary, "status", "--journal", journal])
            #expect(status.output.contains("#1 SEV-2 Investigating"))
            let export = try spawn([binary, "export", "--journal", journal, "--format", "markdown"])
            #expect(export.output.contains("scribe: customer reports in #support"))
            #expect(export.output.contains("## Root Cause"))
        }
    }
}

/// Whether this machine lets us mount a tiny tmpfs (root in a sandbox usually may).
let canMountTmpfs: Bool = {
    guard getuid() == 0 else { return false }
    let dir = temporaryPath("probe-mount")
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let ok = (try? spawn(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]).status) == 0
    if ok { _ = try? spawn(["umount", dir]) }
    return ok
}()

extension EndToEnd {
    @Suite("Journal on a full disk", .serialized)
    struct FullDiskTests {
        @Test(
            "a full disk is a clear error, and every event acknowledged before it is still there",
            .enabled(if: canMountTmpfs, "needs root and tmpfs mounts"))
        func fullDisk() throws {
            let binary = try warroomBinary()
            let dir = temporaryPath("tiny")
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            #expect(try spawn(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir]).status == 0)
            defer { _ = try? spawn(["umount", "-l", dir]) }
            let path = dir + "/journal.sqlite"
            let result = try spawn(["/bin/sh", "-c", "'\(binary)' journal-stress --journal '\(path)' --count 1000000 2>&1"])
            #expect(result.status != 0, "it cannot write a million events into 1 MiB")
            #expect(result.output.contains("the disk is full; nothing already recorded is lost"), "\(result.output.suffix(300))")
            let acknowledged = result.output.split(separator: "\n").compactMap { line -> Int64? in
                let parts = line.split(separator: " ")
                return parts.count == 2 ? Int64(parts[0]) : nil
            }
            #expect(acknowledged.count > 10, "\(acknowledged.count) acknowledged")
            let events = try SQLiteJournalReader(path: path).events()
            let seqs = Set(events.map(\.seq))
            #expect(acknowledged.allSatisfy { seqs.contains($0) }, "every acknowledged event survived the full disk")
        }
    }
}

extension EndToEnd {
    @Suite("Journal locked by another process", .serialized)
    struct LockedJournalTests {
        @Test("a note against a journal another process holds locked fails with a clear message; nothing is lost")
        func locked() async throws {
            let binary = try warroomBinary()
            let path = temporaryPath("locked.sqlite")
            #expect(try spawn([binary, "journal-stress", "--journal", path, "--count", "3"]).status == 0)
            // Hold the write lock for longer than warroom's busy timeout.
            let (holder, fd) = try start(["/bin/sh", "-c", "(echo 'BEGIN EXCLUSIVE;'; sleep 14; echo 'COMMIT;') | sqlite3 '\(path)'"])
            defer {
                kill(holder, SIGKILL)
                close(fd)
            }
            try await Task.sleep(for: .milliseconds(500))
            let result = try spawn(["/bin/sh", "-c", "'\(binary)' note --journal '\(path)' 'while locked' 2>&1"])
            #expect(result.status != 0)
            #expect(result.output.contains("locked by another process"), "\(result.output)")
            #expect(try SQLiteJournalReader(path: path).events().count == 3)
        }
    }
}
