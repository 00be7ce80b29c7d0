import Foundation
import Testing
import WarRoomCore

@testable import WarRoomRuntime

@Suite("Program commands, for real", .serialized)
struct ProgramRunnerTests {
    func request(_ action: CommandAction, reason: String) -> CommandRequest {
        CommandRequest(id: 1, action: action, by: "ana", reason: reason, automatic: false)
    }

    @Test("placeholders are whole argv elements: shell metacharacters stay literal")
    func metacharacters() async throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("warroom-pwned-\(UUID().uuidString)").path
        let reason = "errors; touch \(marker) && echo $HOME `id` | cat > /dev/null"
        let executor = ConfiguredExecutor(
            specs: ["rollback": .program(argv: ["/usr/bin/printf", "%s|%s|%s\\n", "{service}", "{reason}", "{by}"], timeout: 5)], client: .shared)
        let outcome = await executor.run(request(.rollback, reason: reason), service: "check out")
        #expect(outcome.succeeded)
        #expect(outcome.detail == "exit 0")
        #expect(outcome.output == "check out|\(reason)|ana")
        #expect(!FileManager.default.fileExists(atPath: marker), "nothing was run through a shell")
    }

    @Test("a failing program: its exit status and last lines are kept")
    func failing() async {
        let outcome = await ProgramRunner.run(["/bin/sh", "-c", "echo starting; echo 'deploy tool: permission denied' >&2; exit 3"], timeout: 5)
        #expect(!outcome.succeeded)
        #expect(outcome.detail == "exit 3")
        #expect(outcome.output == "starting\ndeploy tool: permission denied")
    }

    @Test("a program's output tail is inert: ESC, C1, OSC 52 and bidi shown as escapes, its lines kept")
    func hostileOutput() async {
        let outcome = await ProgramRunner.run(
            ["/usr/bin/printf", "ok\\033[2J\\r\\n\\302\\233x\\t\\033]52;c;eA==\\007\\n\\342\\200\\256rtl"], timeout: 5)
        #expect(outcome.succeeded)
        #expect(outcome.output == "ok\\x1b[2J\n\\x9bx\t\\x1b]52;c;eA==\\x07\n\\u202ertl")
    }

    @Test("a program past its timeout (on the injected clock) is killed with its whole process group")
    func timeout() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("warroom-child-\(UUID().uuidString)").path
        let clock = ManualClock()
        let run = Task {
            await ProgramRunner.run(["/bin/sh", "-c", "sleep 3600 & echo $! > \(pidFile); echo waiting; wait"], timeout: 3600, clock: clock)
        }
        // The watchdog sleeps on the clock; an hour of it passes at once.
        try await waitUntil(seconds: 60) { clock.sleepers.count == 1 && FileManager.default.fileExists(atPath: pidFile) }
        clock.advance(by: 3600)
        let outcome = await run.value
        #expect(!outcome.succeeded)
        #expect(outcome.detail == "timeout after 1h: process group killed")
        #expect(outcome.duration == 3600, "measured on the same clock")
        #expect(outcome.output == "waiting")
        let child = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        // Gone, or a zombie waiting for a reaper: either way no longer running.
        let state: @Sendable () -> String = {
            let stat = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8)) ?? ""
            return stat.split(separator: ")").last?.split(separator: " ").first.map(String.init) ?? "gone"
        }
        try await waitUntil(seconds: 30) { state() == "gone" || state() == "Z" }
        #expect(state() == "gone" || state() == "Z", "the background child was killed too (state \(state()))")
    }

    @Test("a program that prints a lot keeps only its last lines, in bounded memory")
    func chatty() async {
        let outcome = await ProgramRunner.run(["/bin/sh", "-c", "i=0; while [ $i -lt 20000 ]; do echo line $i; i=$((i+1)); done"], timeout: 30)
        #expect(outcome.succeeded)
        let lines = outcome.output.split(separator: "\n")
        #expect(lines.count == ProgramRunner.keptLines)
        #expect(lines.last == "line 19999")
        #expect(lines.first == "line \(20000 - ProgramRunner.keptLines)")
    }

    @Test("a program that does not exist is a failed outcome with the reason")
    func missing() async {
        let outcome = await ProgramRunner.run(["/nonexistent/rollback"], timeout: 5)
        #expect(!outcome.succeeded)
        #expect(outcome.detail.hasPrefix("cannot run /nonexistent/rollback"))
    }

    @Test("pause and resume without a configured command are recorded only; dry run sends nothing")
    func unconfigured() async {
        let executor = ConfiguredExecutor(specs: [:], client: .shared)
        let pause = await executor.run(request(.pause, reason: "qa"), service: "api")
        #expect(pause.succeeded)
        #expect(pause.detail == "recorded only (no pause command configured)")
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("warroom-dry-\(UUID().uuidString)").path
        let dry = DryRunExecutor(specs: ["rollback": .program(argv: ["/usr/bin/touch", marker], timeout: 5)])
        let outcome = await dry.run(request(.rollback, reason: "x"), service: "api")
        #expect(outcome.detail == "dry run: not sent")
        #expect(outcome.output == "/usr/bin/touch \(marker)")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("output() returns everything a query program printed, nil on failure or timeout")
    func output() async {
        let lines = await ProgramRunner.output(["seq", "1", "50"], timeout: 5)
        #expect(lines?.split(separator: "\n").count == 50, "all lines, not the last 20")
        #expect(await ProgramRunner.output(["false"], timeout: 5) == nil)
        let started = Date()
        #expect(await ProgramRunner.output(["sleep", "10"], timeout: 0.5) == nil)
        #expect(Date().timeIntervalSince(started) < 5)
    }
}
