import Foundation
import Testing
import WarRoomCore
import WarRoomRuntime
import WarRoomTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The pid the lease file names as the holder of `journal`'s war room.
func commanderPID(_ journal: String) -> pid_t? {
    guard let data = FileManager.default.contents(atPath: journal + ".lock"),
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
        let holder = object["holder"] as? [String: Any], let pid = holder["pid"] as? Int
    else { return nil }
    return pid_t(pid)
}

/// Wait until `condition` holds (a loaded machine is slow, never wrong).
func waitUntil(_ what: String, seconds: Double = 20, _ condition: () throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw TmuxError("timed out after \(seconds)s waiting for \(what)")
}

func isAlive(_ pid: pid_t) -> Bool { kill(pid, 0) == 0 }

extension EndToEnd {
    @Suite("One commander per war room", .serialized)
    struct CommanderEndToEndTests {
        static let dashboard: @Sendable (String) -> Bool = { $0.contains("Escalation roster") && $0.contains("health every") }

        func demo(_ journal: String, _ extra: String = "") throws -> Tmux {
            let binary = try warroomBinary()
            return try Tmux(command: "'\(binary)' demo --scenario calm --journal '\(journal)' \(extra); echo EXIT=$?; sleep 600")
        }

        @Test(
            "a second commander is refused naming the holder (exit 2); note and status work meanwhile; after kill -9 a restart takes command at once")
        func secondRefusedThenRestart() async throws {
            let binary = try warroomBinary()
            let journal = temporaryPath("lease.sqlite")
            let first = try demo(journal)
            try await first.waitFor("the first commander", seconds: 30, Self.dashboard)
            let pid = try #require(commanderPID(journal))
            #expect(isAlive(pid))

            // A second `demo` in a real terminal, and a second `run` without one: both refused.
            let second = try demo(journal)
            let refused = try await second.waitFor("the refusal", seconds: 20) { $0.contains("EXIT=") }
            #expect(refused.contains("EXIT=2"), "\(refused)")
            #expect(refused.contains("another warroom commands this war room"))
            #expect(refused.replacingOccurrences(of: "\n", with: "").contains("(pid \(pid))"), "the refusal names the holder's pid: \(refused)")
            #expect(!refused.contains("Escalation roster"), "the second never opened a dashboard")
            let config = temporaryPath("run.yaml")
            try """
            service: checkout
            sources:
              - {name: health, kind: health, url: "http://127.0.0.1:9/health", interval: 5s}
            """.write(toFile: config, atomically: true, encoding: .utf8)
            let run = try spawn(["/bin/sh", "-c", "'\(binary)' run --config '\(config)' --journal '\(journal)' 2>&1"])
            #expect(run.status == 2)
            #expect(run.output.contains("another warroom commands this war room") && run.output.contains("pid \(pid)"), "\(run.output)")
            #expect(run.output.contains("\(ProcessInfo.processInfo.environment["USER"] ?? currentUserName())@"), "\(run.output)")

            // Followers never need the lease.
            let note = try spawn([binary, "note", "--journal", journal, "--by", "scribe", "while ana commands"])
            #expect(note.status == 0)
            let status = try spawn([binary, "status", "--journal", journal])
            #expect(status.status == 0)
            #expect(status.output.contains("calm") || status.output.contains("promptforge"))
            try await first.waitFor("the note on the commander's screen", seconds: 5) { $0.contains("scribe: while ana commands") }
            #expect(isAlive(pid), "the refused commanders did not disturb the first")

            // kill -9: the kernel drops the lock, and a restart commands at once.
            kill(pid, SIGKILL)
            try await first.waitFor("the first to die", seconds: 10) { $0.contains("EXIT=137") }
            let restarted = Date()
            try second.run(["respawn-pane", "-k", "'\(binary)' demo --scenario calm --journal '\(journal)'; echo EXIT=$?; sleep 600"])
            try await second.waitFor("the restarted commander", seconds: 30, Self.dashboard)
            #expect(Date().timeIntervalSince(restarted) < 30)
            let newPID = try #require(commanderPID(journal))
            #expect(newPID != pid && isAlive(newPID))
            try second.sendKeys("q")
            try await second.waitFor("the shell", seconds: 15) { $0.contains("EXIT=0") }
        }

        @Test(
            "take-over: the holder's dashboard shows the request, H grants it, the handoff is recorded once; when the holder is gone it succeeds at once"
        )
        func takeOverHandshake() async throws {
            let binary = try warroomBinary()
            let journal = temporaryPath("takeover.sqlite")
            let ana = try demo(journal)
            try await ana.waitFor("the first commander", seconds: 30, Self.dashboard)
            let anaPID = try #require(commanderPID(journal))

            let ben = try demo(journal, "--take-over --reason 'shift change at 14:00'")
            try await ben.waitFor("the waiting message", seconds: 20) { $0.contains("waiting until they grant it") }
            try await ana.waitFor("the request on the holder's screen", seconds: 10) {
                $0.contains("asks for command: shift change at 14:00") && $0.contains("H hands it over")
            }
            #expect(!ben.capture().contains("Escalation roster"), "the asker waits; it does not command yet")
            try ana.sendKeys("H")
            let left = try await ana.waitFor("the holder to leave", seconds: 15) { $0.contains("EXIT=") }
            #expect(left.contains("EXIT=0"), "\(left)")
            #expect(left.contains("command handed to"))
            try await ben.waitFor("the new commander's dashboard", seconds: 30, Self.dashboard)
            try await ben.waitFor("the handoff in the timeline", seconds: 10) { $0.contains("command handed from") }
            let benPID = try #require(commanderPID(journal))
            #expect(benPID != anaPID)

            let handoffs = try SQLiteJournalReader(path: journal).events().compactMap { r -> (CommanderIdentity, CommanderIdentity, String, Bool)? in
                if case .commandHandedOver(let from, let to, let reason, let granted) = r.event { (from, to, reason, granted) } else { nil }
            }
            #expect(handoffs.count == 1, "one handoff, recorded once: \(handoffs)")
            #expect(handoffs.first?.0.pid == anaPID)
            #expect(handoffs.first?.1.pid == benPID)
            #expect(handoffs.first?.2 == "shift change at 14:00")
            #expect(handoffs.first?.3 == true)

            // The holder is gone (kill -9): a take-over succeeds at once and records that it was taken.
            kill(benPID, SIGKILL)
            try await ben.waitFor("ben to die", seconds: 10) { $0.contains("EXIT=137") }
            let cai = try demo(journal, "--take-over --reason 'ben vanished'")
            try await cai.waitFor("the third commander", seconds: 30, Self.dashboard)
            #expect(!cai.capture().contains("waiting until they grant it"))
            let last = try SQLiteJournalReader(path: journal).events().last { if case .commandHandedOver = $0.event { true } else { false } }
            guard case .commandHandedOver(let from, _, let reason, let granted)? = last?.event else {
                Issue.record("no handoff recorded for the take-over from a dead commander")
                return
            }
            #expect(from.pid == benPID)
            #expect(reason == "ben vanished")
            #expect(granted == false)
            try cai.sendKeys("q")
            try await cai.waitFor("the shell", seconds: 15) { $0.contains("EXIT=0") }
        }

        @Test("a wallboard says NO COMMANDER loudly 10 s after the commander dies, and stops when one is back")
        func wallboardNoCommander() async throws {
            let binary = try warroomBinary()
            let journal = temporaryPath("nocommander.sqlite")
            let commander = try demo(journal)
            try await commander.waitFor("the commander", seconds: 30, Self.dashboard)
            let wall = try Tmux(command: "'\(binary)' wallboard --journal '\(journal)'; echo EXIT=$?; sleep 600", width: 120, height: 40)
            try await wall.waitFor("the wallboard", seconds: 20) { $0.contains("READ-ONLY") && $0.contains("Escalation roster") }
            try await Task.sleep(for: .seconds(3))
            #expect(!wall.capture().contains("NO COMMANDER"), "a live commander is not missing")

            let pid = try #require(commanderPID(journal))
            kill(pid, SIGKILL)
            let killed = Date()
            try await Task.sleep(for: .seconds(5))
            #expect(!wall.capture().contains("NO COMMANDER"), "too early: 5 s after the commander died")
            let screen = try await wall.waitFor("NO COMMANDER", seconds: 30) { $0.contains("NO COMMANDER since") }
            let seen = Date()
            // The time shown is the last sign of life (the last heartbeat, every 2 s), about when it died.
            let shown = screen.split(separator: "\n").first { $0.contains("NO COMMANDER since") }.map(String.init) ?? ""
            let stamp = shown.components(separatedBy: "NO COMMANDER since ").dropFirst().first.map { String($0.prefix(8)) } ?? ""
            let parts = stamp.split(separator: ":").compactMap { Int($0) }
            #expect(parts.count == 3, "\(shown)")
            if parts.count == 3 {
                var utc = Calendar(identifier: .gregorian)
                utc.timeZone = TimeZone(identifier: "UTC")!
                func secondOfDay(_ d: Date) -> Int {
                    let c = utc.dateComponents([.hour, .minute, .second], from: d)
                    return (c.hour ?? 0) * 3600 + (c.minute ?? 0) * 60 + (c.second ?? 0)
                }
                let shownSeconds = parts[0] * 3600 + parts[1] * 60 + parts[2]
                let beforeKill = (secondOfDay(killed) - shownSeconds + 86400) % 86400
                #expect(beforeKill <= Int(SQLiteCommanderLease.staleAfter), "shown \(stamp), killed at \(killed)")
                // Not before 10 s without a commander.
                let waited = (secondOfDay(seen) - shownSeconds + 86400) % 86400
                #expect(waited >= 10, "shown \(waited) s after \(stamp)")
            }
            #expect(screen.contains("✖ NO COMMANDER"))

            // A commander again: the alarm goes.
            try commander.run(["respawn-pane", "-k", "'\(binary)' demo --scenario calm --journal '\(journal)'; echo EXIT=$?; sleep 600"])
            try await commander.waitFor("the commander again", seconds: 30, Self.dashboard)
            try await wall.waitFor("the alarm to clear", seconds: 10) { !$0.contains("NO COMMANDER") }
            try wall.sendKeys("q")
            try commander.sendKeys("q")
            try await commander.waitFor("the shell", seconds: 15) { $0.contains("EXIT=0") }
        }

        @Test("a journal writable by others, or another user's, is refused for commanding with a clear message; readers still read it")
        func unsafeJournalRefused() throws {
            let binary = try warroomBinary()
            let journal = temporaryPath("unsafe.sqlite")
            #expect(try spawn([binary, "journal-stress", "--journal", journal, "--count", "1"]).status == 0)
            #expect(try spawn([binary, "note", "--journal", journal, "--by", "scribe", "first"]).status == 0)
            #expect(chmod(journal, 0o666) == 0)
            let loose = try spawn(["/bin/sh", "-c", "'\(binary)' demo --journal '\(journal)' 2>&1"])
            #expect(loose.status == 2)
            #expect(loose.output.contains("refusing to command it: it is writable by its group (mode 666)"), "\(loose.output)")
            #expect(try spawn([binary, "status", "--journal", journal]).status == 0)
            #expect(try spawn([binary, "export", "--journal", journal]).output.contains("first"))
            if getuid() == 0 {
                #expect(chmod(journal, 0o600) == 0)
                #expect(chown(journal, 65534, 65534) == 0)
                let foreign = try spawn(["/bin/sh", "-c", "'\(binary)' demo --journal '\(journal)' 2>&1"])
                #expect(foreign.status == 2)
                #expect(foreign.output.contains("refusing to command it: it belongs to nobody (uid 65534)"), "\(foreign.output)")
                #expect(try spawn([binary, "export", "--journal", journal]).output.contains("first"))
            }
        }

        @Test("logs never land in /: a journal named without a folder puts its log in the current folder; the state folder is created 0700")
        func logsAndStateFolder() throws {
            let binary = try warroomBinary()
            let dir = (temporaryPath("cwd") as NSString).deletingLastPathComponent
            let rootLog = (try? FileManager.default.attributesOfItem(atPath: "/warroom.log")[.modificationDate] as? Date) ?? nil
            // No terminal: demo stops after choosing its log (and taking command), which is all this needs.
            let bare = try spawn(["/bin/sh", "-c", "cd '\(dir)' && '\(binary)' demo --journal bare.sqlite 2>&1"])
            #expect(bare.output.contains("needs a terminal"), "\(bare.output)")
            #expect(FileManager.default.fileExists(atPath: dir + "/warroom.log"), "the log is beside the journal, in the current folder")
            let rootLogAfter = (try? FileManager.default.attributesOfItem(atPath: "/warroom.log")[.modificationDate] as? Date) ?? nil
            #expect(rootLogAfter == rootLog, "nothing was written to /warroom.log")

            var env = ProcessInfo.processInfo.environment
            env["XDG_STATE_HOME"] = dir + "/state"
            _ = try spawn([binary, "demo"], environment: env)
            for folder in [dir + "/state", dir + "/state/warroom"] {
                let mode = try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int
                #expect(mode == 0o700, "\(folder) is \(String(mode ?? 0, radix: 8))")
            }
            let log = try FileManager.default.attributesOfItem(atPath: dir + "/state/warroom/warroom.log")[.posixPermissions] as? Int
            #expect(log == 0o600)
        }
    }
}

func currentUserName() -> String {
    guard let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name else { return "root" }
    return String(cString: name)
}
