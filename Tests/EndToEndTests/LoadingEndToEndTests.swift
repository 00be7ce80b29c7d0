import Foundation
import Testing
import WarRoomCore
import WarRoomRuntime
import WarRoomTestSupport

extension EndToEnd {
    @Suite("Honest while loading, in tmux", .serialized)
    struct LoadingEndToEndTests {
        /// A long journal with a SEV-1 open from its second event: a few hundred
        /// thousand small events after it, appended in batches as a war room would.
        static func longJournal(events: Int = 300_000) throws -> String {
            let path = temporaryPath("long.sqlite")
            let journal = try SQLiteJournal(path: path)
            let start = Date().addingTimeInterval(-Double(events))
            try journal.append([
                (start, .note(text: "launch day", by: "ana")),
                (start + 0.5, .incidentOpened(severity: .sev1, title: "checkout down", by: "ana")),
            ])
            let batch = 10_000
            var written = 0
            while written < events {
                let n = min(batch, events - written)
                try journal.append(
                    (0 ..< n).map { i in
                        (start + 1 + Double(written + i), .trafficRead(TrafficReading(percent: 5, detail: "5%")))
                    })
                written += n
            }
            return path
        }

        @Test("a wallboard on a long journal says it is loading (with a bar once it takes long) and never OK before the open SEV-1 shows")
        func wallboardLoading() async throws {
            try await loads(subcommand: "wallboard")
        }

        @Test("the demo opening a long journal says it is loading and never OK before the open SEV-1 shows")
        func demoLoading() async throws {
            try await loads(subcommand: "demo --scenario calm")
        }

        func loads(subcommand: String) async throws {
            let binary = try warroomBinary()
            let journal = try Self.longJournal()
            let wall = try Tmux(command: "'\(binary)' \(subcommand) --journal '\(journal)'; echo EXIT=$?; sleep 600", width: 160, height: 48)
            var sawLoading: Date?
            var sawBar = false
            var loadingCaptures = 0
            var lastLoading = ""
            let deadline = Date().addingTimeInterval(180)
            var live = ""
            while Date() < deadline {
                let screen = wall.capture()
                let at = Date()
                if screen.contains("SEV-1") {
                    live = screen
                    break
                }
                for word in ["OK", "no incident", "✓"] {
                    #expect(!screen.contains(word), "the wallboard said '\(word)' before the open SEV-1:\n\(screen)")
                }
                if screen.contains("LOADING journal") {
                    loadingCaptures += 1
                    lastLoading = screen
                    let first = sawLoading ?? at
                    sawLoading = first
                    let hasBar = screen.contains("█") && screen.contains("%")
                    sawBar = sawBar || hasBar
                    // Drawn at least once a second and at each batch: a capture well past
                    // 200 ms of loading must show the bar.
                    if at.timeIntervalSince(first) > 1.5 {
                        #expect(hasBar, "still loading after \(at.timeIntervalSince(first)) s without a bar:\n\(screen)")
                    }
                    #expect(
                        screen.range(of: #"LOADING journal … \d+ of 300002 events"#, options: .regularExpression) != nil
                            || !screen.contains(" of "), "the loading line counts the journal's events:\n\(screen)")
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(!live.isEmpty, "the open SEV-1 never showed; last screen:\n\(wall.capture())")
            #expect(sawLoading != nil, "never saw the loading line (the load took less than one capture)")
            print("loading captures: \(loadingCaptures), bar seen: \(sawBar); last loading screen:\n\(lastLoading)")
            #expect(live.contains("checkout down") || live.contains("INCIDENT #1"))
            try wall.sendKeys("q")
            if subcommand.hasPrefix("demo") {
                // A commander asks first while an incident is open.
                try await wall.waitFor("the quit confirmation", seconds: 5) { $0.contains("press q or Ctrl-C again") }
                try wall.sendKeys("q")
            }
            try await wall.waitFor("the shell", seconds: 15) { $0.contains("EXIT=0") }
        }

        @Test("status that cannot read its journal to the end prints no state, no OK line, and fails")
        func statusFailsHonestly() throws {
            let binary = try warroomBinary()
            let path = temporaryPath("broken.sqlite")
            let journal = try SQLiteJournal(path: path)
            let t = Date()
            try journal.append(
                [(t, .note(text: "start", by: "ana"))]
                    + (1 ... 20).map { (t + Double($0), Event.trafficRead(TrafficReading(percent: 0, detail: "0%"))) }
                    + [(t + 30, .incidentOpened(severity: .sev1, title: "checkout down", by: "ana"))])
            // Event 12 of 22 is damaged: everything after it, the SEV-1 included, is unreadable.
            let damaged = try spawn(["sqlite3", path, "UPDATE events SET payload = '{\"not\": \"an event\"}' WHERE seq = 12"])
            #expect(damaged.status == 0)
            for args in [["status"], ["status", "--json"]] {
                let result = try spawn([binary] + args + ["--journal", path])
                #expect(result.status == 1, "\(args) exited \(result.status)")
                for word in ["OK", "ok", "none", "severity", "incident"] {
                    #expect(!result.output.contains(word), "\(args) printed '\(word)':\n\(result.output)")
                }
            }
            // The same journal intact says SEV-1.
            _ = try spawn(["sqlite3", path, "DELETE FROM events WHERE seq = 12"])
            let fixed = try spawn([binary, "status", "--journal", path])
            #expect(fixed.status == 0)
            #expect(fixed.output.contains("SEV-1"), "\(fixed.output)")
        }
    }
}
