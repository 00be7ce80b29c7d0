import Foundation
import Testing
import WarRoomTestSupport
import WarRoomCore
import WarRoomRuntime

extension EndToEnd {
@Suite("Escalation in tmux", .serialized)
struct EscalationEndToEndTests {
    @Test("the demo's SEV-1 pages the primary at once through the paging program; warroom ack from another shell stops it")
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
        try await tmux.waitFor("the acknowledgement", seconds: 1.5) { $0.contains("✓ Acknowledged by ana") }
        let again = try spawn([binary, "ack", "--journal", journal, "--by", "ben"])
        #expect(again.status == 1)

        // Nothing more is paged after the ack, however long we wait past the next tier's time.
        try await Task.sleep(for: .seconds(17))
        try tmux.sendKeys("q")
        try await tmux.waitFor("the quit confirmation", seconds: 5) { $0.contains("is open: press q or Ctrl-C again") }
        try tmux.sendKeys("q")
        try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=0") }
        let events = try SQLiteJournalReader(path: journal).events()
        let pages = events.compactMap { if case .pageIssued(let p) = $0.event { p } else { nil } }
        #expect(pages.map(\.person.name) == ["Ana Ruiz"])
        let status = try spawn([binary, "status", "--journal", journal])
        #expect(status.output.contains("paged     Ana Ruiz (Primary)"))
        #expect(status.output.contains("ack       by ana"))
    }
}
}
