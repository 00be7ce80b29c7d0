import Foundation
import Testing
import WarRoomCore
import WarRoomRuntime
import WarRoomTestSupport

extension EndToEnd {
    @Suite("Escalation in tmux", .serialized)
    struct EscalationEndToEndTests {
        @Test("the demo's SEV-1 pages the primary at once through the paging program; warroom ack from another shell stops the pages it answers")
        func pageAndAck() async throws {
            let binary = try warroomBinary()
            let journal = temporaryPath("escalation.sqlite")
            let tmux = try Tmux(command: "'\(binary)' demo --scenario quick --journal '\(journal)'; echo EXIT=$?; sleep 600")
            try await tmux.waitFor("the first page", seconds: 60) { $0.contains("page to Ana Ruiz delivered (exit 0)") }
            let screen = tmux.capture()
            #expect(screen.contains("✓ paged"))
            #expect(screen.contains("next page Secondary (Ben Okafor) in"))

            let ack = try spawn([binary, "ack", "--journal", journal, "--by", "ana"])
            #expect(ack.status == 0, "\(ack.output)")
            // Shown at once; under load the quick scenario's rise to SEV-1 can follow within
            // the same second and widen the escalation, which the roster then shows instead.
            try await tmux.waitFor("the acknowledgement", seconds: 1.5) {
                $0.contains("✓ Acknowledged by ana") || $0.contains("escalation widened for SEV-1 after the acknowledgement")
            }
            // A second ack is refused, unless the severity rose in between: the
            // rise widens the escalation to the tiers it adds, which ben may answer
            // (under load the quick scenario's rise to SEV-1 can come first).
            let again = try spawn([binary, "ack", "--journal", journal, "--by", "ben"])
            let seen = try SQLiteJournalReader(path: journal).events()
            let acks = seen.filter { $0.event.kind == "acknowledged" }.map(\.seq)
            if again.status == 0 {
                #expect(acks.count == 2, "\(again.output)")
                #expect(
                    seen.contains { $0.event.kind == "severity_changed" && $0.seq > acks[0] && $0.seq < acks[acks.count - 1] },
                    "ben's ack was taken only because a rise widened the escalation after ana's")
            } else {
                #expect(again.status == 1, "\(again.output)")
                #expect(acks.count == 1)
            }
            let secondAckTaken = again.status == 0

            // After the ack only a rise in severity pages anyone, and only the tiers it adds.
            try await Task.sleep(for: .seconds(17))
            try tmux.sendKeys("q")
            try await tmux.waitFor("the quit confirmation", seconds: 5) { $0.contains("is open: press q or Ctrl-C again") }
            try tmux.sendKeys("q")
            try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=0") }
            let events = try SQLiteJournalReader(path: journal).events()
            let pages = events.compactMap { if case .pageIssued(let p) = $0.event { (seq: $0.seq, page: p) } else { nil } }
            let ackSeq = try #require(events.first { $0.event.kind == "acknowledged" }?.seq)
            #expect(pages.filter { $0.seq < ackSeq }.map(\.page.person.name) == ["Ana Ruiz"])
            let after = pages.filter { $0.seq > ackSeq }
            #expect(!after.contains { $0.page.person.name == "Ana Ruiz" }, "the ack answered the primary's page")
            if let first = after.first {
                #expect(
                    events.contains { $0.event.kind == "severity_changed" && $0.seq > ackSeq && $0.seq < first.seq },
                    "a page after the ack follows a rise in severity")
            }
            let status = try spawn([binary, "status", "--journal", journal])
            #expect(status.output.contains("paged     Ana Ruiz (Primary)"))
            #expect(status.output.contains(secondAckTaken ? "ack       by ben" : "ack       by ana"))
        }
    }
}
