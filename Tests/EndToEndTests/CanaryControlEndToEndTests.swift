import Foundation
import Testing
import WarRoomCore
import WarRoomRuntime
import WarRoomTestSupport

/// Canary control through the real program, the real simulator and tmux.
extension EndToEnd {
    @Suite("Canary control in tmux", .serialized)
    struct CanaryControlEndToEndTests {
        func start(_ scenario: String, journal: String) throws -> Tmux {
            let binary = try warroomBinary()
            return try Tmux(command: "'\(binary)' demo --scenario \(scenario) --journal '\(journal)' --log '\(journal).log'; echo EXIT=$?; sleep 600")
        }

        /// The simulator's port, from the log (it listens on a free port).
        func simulatorState(log: String) throws -> [String: Any] {
            let text = try String(contentsOfFile: log, encoding: .utf8)
            guard let line = text.split(separator: "\n").first(where: { $0.contains("listening on 127.0.0.1:") }),
                let port = line.split(separator: ":").last.map(String.init)?.trimmingCharacters(in: .whitespaces)
            else { throw TmuxError("no simulator port in \(log)") }
            let out = try spawn(["curl", "-s", "http://127.0.0.1:\(port)/state"]).output
            return (try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]) ?? [:]
        }

        @Test("the scripted fault breaches SEV-1, fails the analysis and is rolled back automatically, TTR under 2 minutes")
        func automaticRollback() async throws {
            let journal = temporaryPath("quick.sqlite")
            let tmux = try start("quick", journal: journal)
            try await tmux.waitFor("SEV-1", seconds: 60) { $0.contains("above SEV-1 threshold") }
            let screen = try await tmux.waitFor("the automatic rollback and its TTR", seconds: 60) {
                $0.contains("canary rolled back: all traffic on stable") && $0.contains("time to rollback")
            }
            #expect(screen.contains("ROLLED BACK"))
            #expect(screen.contains("✓ met"))
            let state = try simulatorState(log: journal + ".log")
            #expect(state["rolled_back"] as? Bool == true, "the simulator really moved traffic back: \(state)")
            #expect((state["canary_percent"] as? NSNumber)?.doubleValue == 0)

            try tmux.sendKeys("q")
            try await tmux.waitFor("the quit confirmation", seconds: 5) { $0.contains("is open: press q or Ctrl-C again") }
            try tmux.sendKeys("q")
            try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=0") }
            let events = try SQLiteJournalReader(path: journal).events()
            let rollback = events.compactMap { if case .commandIssued(let r) = $0.event, r.action == .rollback { r } else { nil } }
            #expect(rollback.count == 1)
            #expect(rollback.first?.automatic == true)
            // TTR counts from the first breach (the detection), not from the rollback decision: never 00:00.
            let ttr = events.compactMap { if case .ttrMeasured(let s, let trigger, let from) = $0.event { (s, trigger, from) } else { nil } }
            #expect(ttr.count == 1, "\(events.filter { $0.event.kind != "samples" }.suffix(6).map { "\($0.seq) \($0.event)" })")
            if let (seconds, trigger, from) = ttr.first {
                #expect(seconds < 120)
                // Not 00:00: the rollback itself takes the simulator about a second. (The bound was 1 s; beside
                // stress-ng it measured 0.9987 s once, and a breach into SEV-1 is decided in the same commit,
                // so the time alone cannot tell breach from decision: `from` and `trigger` below do.)
                #expect(seconds >= 0.9, "counted from the breach, not the decision")
                #expect(from == .breach)
                let breach = events.first { if case .thresholdCrossed(let c) = $0.event { c.to >= .sev3 && c.to > c.from } else { false } }
                #expect(breach?.time == trigger, "the first crossing at SEV-3 or worse is the start")
            }
            #expect(screen.contains("from first breach"))
            let json = try spawn([try warroomBinary(), "export", "--journal", journal, "--format", "json"])
            #expect(json.status == 0)
            let root = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
            let actions = root?["actions"] as? [[String: Any]] ?? []
            #expect(
                actions.contains { $0["action"] as? String == "rollback" && $0["succeeded"] as? Bool == true && $0["automatic"] as? Bool == true })
        }

        @Test("a manual rollback through the armed flow reaches the simulator with its reason; Esc aborts and sends nothing")
        func manualRollback() async throws {
            let journal = temporaryPath("calm.sqlite")
            let tmux = try start("calm", journal: journal)
            try await tmux.waitFor("the canary's first step", seconds: 30) { $0.contains("canary at 1% (stage 1/4)") }

            // Armed, then aborted inside the countdown.
            try tmux.sendKeys("r")
            try tmux.run(["send-keys", "-l", "just looking"])
            try await tmux.waitFor("the armed overlay", seconds: 5) { $0.contains("ARMED: rollback") && $0.contains("/rollback") }
            try tmux.sendKeys("Enter")
            try await tmux.waitFor("the countdown", seconds: 5) { $0.contains("Sending in") }
            try tmux.sendKeys("Escape")
            try await tmux.waitFor("the abort", seconds: 5) { $0.contains("rollback aborted: nothing was sent") }
            try await Task.sleep(for: .seconds(4))
            #expect(try simulatorState(log: journal + ".log")["rolled_back"] as? Bool == false)

            // Armed and sent, pressing r again during the countdown.
            try tmux.sendKeys("r")
            try tmux.run(["send-keys", "-l", "error budget burning"])
            try tmux.sendKeys("Enter")
            try tmux.sendKeys("r", "r", "Enter")
            try await tmux.waitFor("the rollback", seconds: 15) { $0.contains("canary rolled back: all traffic on stable") }
            #expect(try simulatorState(log: journal + ".log")["rolled_back"] as? Bool == true)
            try tmux.sendKeys("q")
            try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=0") }

            let events = try SQLiteJournalReader(path: journal).events()
            let rollbacks = events.compactMap { if case .commandIssued(let r) = $0.event, r.action == .rollback { r } else { nil } }
            #expect(rollbacks.count == 1, "the aborted one sent nothing, the repeated key fired once")
            #expect(rollbacks.first?.reason == "error budget burning")
            #expect(rollbacks.first?.automatic == false)
        }
    }
}
