import Foundation
import Testing
import WarRoomCore
import WarRoomRuntime
import WarRoomTestSupport

/// The real program, in a real terminal (tmux), as a user runs it.
extension EndToEnd {
    @Suite("warroom demo in tmux", .serialized)
    struct DemoEndToEndTests {
        static let panes = ["Live metrics", "Canary stage", "Incident timeline", "Escalation roster"]

        func start(width: Int = 160, height: Int = 48, journal: String) throws -> Tmux {
            let binary = try warroomBinary()
            return try Tmux(
                command: "'\(binary)' demo --journal '\(journal)' --log '\(journal).log'; echo EXIT=$?; sleep 600",
                width: width, height: height)
        }

        func livePercent(_ screen: String) -> Bool {
            screen.split(separator: "\n").contains { $0.contains("Errors") && $0.contains("%") && !$0.contains("no data") }
        }

        @Test("four panes with live numbers within 20 s; q exits 0 and leaves the shell as it was")
        func demoRunsAndQuits() async throws {
            let journal = temporaryPath("demo.sqlite")
            let tmux = try start(journal: journal)
            let screen = try await tmux.waitFor("four panes and a live error rate", seconds: 20) { s in
                Self.panes.allSatisfy { s.contains($0) } && livePercent(s)
            }
            #expect(screen.contains("promptforge-web (simulated)"))
            #expect(screen.contains("CANARY"))
            #expect(tmux.display("#{alternate_on}") == "1")
            // Numbers change: the clock ticks and the canary steps to 1%.
            let later = try await tmux.waitFor("the screen to change", seconds: 10) { $0 != screen }
            #expect(later != screen)
            _ = try await tmux.waitFor("the canary's first step", seconds: 20) { $0.contains("canary at 1% (stage 1/4)") }

            try tmux.sendKeys("q")
            let after = try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=") }
            #expect(after.contains("EXIT=0"))
            #expect(tmux.display("#{alternate_on}") == "0", "the alternate screen is gone")
            #expect(!after.contains("Live metrics"), "the dashboard no longer covers the shell")
            #expect(after.contains("journal: \(journal)"))

            // The journal holds what the screen showed.
            let events = try SQLiteJournalReader(path: journal).history()
            #expect(events.first.map { if case .sessionStarted = $0.event { true } else { false } } == true)
            #expect(events.contains { if case .samples = $0.event { true } else { false } })
            let mode = try FileManager.default.attributesOfItem(atPath: journal)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }

        @Test("under LANG=C the screen is drawn in ASCII only, and still says everything")
        func asciiLocale() async throws {
            let binary = try warroomBinary()
            let journal = temporaryPath("ascii.sqlite")
            let tmux = try Tmux(
                command: "'\(binary)' demo --scenario calm --journal '\(journal)'; echo EXIT=$?; sleep 600",
                env: ["LANG": "C", "LC_ALL": "C"])
            let screen = try await tmux.waitFor("the dashboard in ASCII", seconds: 20) { s in
                // The first values may come a moment after the first step (both wait on the simulator).
                Self.panes.allSatisfy { s.contains($0) } && s.contains("canary at 1%") && s.contains("v ok")
            }
            let nonASCII = screen.unicodeScalars.filter { !$0.isASCII }
            #expect(nonASCII.isEmpty, "non-ASCII on a C-locale screen: \(String(String.UnicodeScalarView(nonASCII.prefix(20))))")
            #expect(screen.contains("+ Live metrics -"))
            #expect(screen.contains("v ok"))
            try tmux.sendKeys("q")
            try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=0") }
        }

        @Test("Ctrl-C and SIGTERM restore the terminal too", arguments: ["C-c", "TERM"])
        func signalsRestore(how: String) async throws {
            let journal = temporaryPath("demo.sqlite")
            let tmux = try start(journal: journal)
            try await tmux.waitFor("the dashboard", seconds: 20) { s in Self.panes.allSatisfy { s.contains($0) } }
            if how == "C-c" {
                try tmux.sendKeys("C-c")
            } else {
                let pid = tmux.display("#{pane_pid}")
                try spawn(["pkill", "-TERM", "-P", pid, "-f", "warroom demo"])
            }
            let after = try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=") }
            #expect(after.contains(how == "C-c" ? "EXIT=130" : "EXIT=143"))
            #expect(tmux.display("#{alternate_on}") == "0")
        }

        @Test("a terminal too small says so, relayouts on resize, and q still quits")
        func tooSmallThenResize() async throws {
            let journal = temporaryPath("demo.sqlite")
            let tmux = try start(width: 60, height: 20, journal: journal)
            try await tmux.waitFor("the too-small message", seconds: 20) { $0.contains("Terminal too small: 60x20") }
            try tmux.run(["resize-window", "-x", "120", "-y", "40"])
            try await tmux.waitFor("the panes after resize", seconds: 10) { s in Self.panes.allSatisfy { s.contains($0) } }
            try tmux.run(["resize-window", "-x", "70", "-y", "22"])
            try await tmux.waitFor("the too-small message again", seconds: 10) { $0.contains("Terminal too small: 70x22") }
            try tmux.sendKeys("q")
            let after = try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=") }
            #expect(after.contains("EXIT=0"))
        }

        @Test("killing the tmux session (SIGHUP) ends the process and keeps the journal readable")
        func hangup() async throws {
            let journal = temporaryPath("demo.sqlite")
            let tmux = try start(journal: journal)
            try await tmux.waitFor("live numbers", seconds: 20) { livePercent($0) }
            try tmux.run(["kill-server"])
            let deadline = Date().addingTimeInterval(10)
            var alive = true
            while Date() < deadline, alive {
                alive = try spawn(["pgrep", "-f", "demo --journal \(journal)"]).status == 0
                if alive { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(!alive, "warroom exits when its terminal goes away")
            let events = try SQLiteJournalReader(path: journal).history()
            #expect(events.contains { if case .samples = $0.event { true } else { false } })
        }
    }
}
