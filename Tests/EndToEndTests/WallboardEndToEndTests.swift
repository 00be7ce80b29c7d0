import Foundation
import Testing
import WarRoomCore
import WarRoomRuntime
import WarRoomTestSupport

extension EndToEnd {
    @Suite("Wallboard in tmux", .serialized)
    struct WallboardEndToEndTests {
        @Test("a wallboard beside the commander follows the journal, and no key typed into it records or sends anything")
        func readOnly() async throws {
            let binary = try warroomBinary()
            let journal = temporaryPath("wall.sqlite")
            let commander = try Tmux(command: "'\(binary)' demo --scenario calm --journal '\(journal)'; sleep 600")
            try await commander.waitFor("the commander", seconds: 20) { $0.contains("canary at 1% (stage 1/4)") }
            let wall = try Tmux(command: "'\(binary)' wallboard --journal '\(journal)'; echo EXIT=$?; sleep 600", width: 120, height: 40)
            try await wall.waitFor("the wallboard", seconds: 20) { $0.contains("READ-ONLY") && $0.contains("canary at 1% (stage 1/4)") }
            let before = try SQLiteJournalReader(path: journal).events().filter { $0.event.kind != "samples" }.count

            // Every printable key, and the usual control keys, each followed by Enter.
            let printable = (33 ... 126).map { String(UnicodeScalar(UInt8($0))) }.filter { $0 != "q" && $0 != "Q" }
            for key in printable {
                try wall.run(["send-keys", "-l", key])
                try wall.sendKeys("Enter")
            }
            for key in ["Escape", "Tab", "BSpace", "Up", "Down", "PageUp", "PageDown", "Home", "End", "C-a", "C-e", "C-u", "C-g", "F1", "F5"] {
                try wall.sendKeys(key)
            }
            try wall.run(["send-keys", "-l", "rollback now"])
            try wall.sendKeys("Enter")
            let screen = try await wall.waitFor("the read-only message", seconds: 5) { $0.contains("read-only") }
            #expect(!screen.contains("ARMED"))

            // The commander's world goes on and the wallboard sees it within a second.
            _ = try spawn([binary, "note", "--journal", journal, "--by", "scribe", "wallboard check"])
            try await wall.waitFor("the scribe's note on the wallboard", seconds: 1.5) { $0.contains("scribe: wallboard check") }

            let events = try SQLiteJournalReader(path: journal).events()
            let after = events.filter { $0.event.kind != "samples" }
            let fromKeys = after.dropFirst(before).filter { e in
                switch e.event {
                case .note(_, let by): by != "scribe"
                case .commandIssued(let r): !r.automatic
                case .incidentOpened, .severityChanged, .statusChanged, .roleAssigned, .metricsPinned, .acknowledged: true
                default: false
                }
            }
            #expect(fromKeys.isEmpty, "the wallboard recorded \(fromKeys.map(\.event.kind))")
            try wall.sendKeys("q")
            try await wall.waitFor("the shell", seconds: 10) { $0.contains("EXIT=0") }
        }
    }
}

extension EndToEnd {
    @Suite("Shared tmux session", .serialized)
    struct SharedTmuxEndToEndTests {
        @Test("a read-only client of another size attaches: the screen follows, the header counts it, its keys do nothing")
        func readOnlyClient() async throws {
            let binary = try warroomBinary()
            let journal = temporaryPath("shared.sqlite")
            let commander = try Tmux(
                command: "'\(binary)' demo --scenario calm --journal '\(journal)'; echo EXIT=$?; sleep 600", width: 160, height: 48)
            try await commander.waitFor("the commander", seconds: 30) { $0.contains("canary at 1%") }
            // A teammate's terminal: another tmux server whose pane attaches read-only to the commander's session.
            let viewer = try Tmux(command: "TMUX= tmux -L \(commander.socket) attach -r", width: 150, height: 40)
            try await commander.waitFor("the viewer in the header", seconds: 15) { $0.contains("1 watching (1 read-only)") }
            try await viewer.waitFor("the dashboard in the viewer", seconds: 10) { $0.contains("Live metrics") }
            // tmux drops a read-only client's keys: nothing reaches warroom.
            try viewer.run(["send-keys", "-l", "nD"])
            try viewer.sendKeys("Enter")
            try await Task.sleep(for: .seconds(1))
            #expect(!commander.capture().contains("Note:") && !commander.capture().contains("Declare incident"))
            try commander.sendKeys("q")
            try await commander.waitFor("the shell", seconds: 15) { $0.contains("EXIT=0") }
        }
    }
}
