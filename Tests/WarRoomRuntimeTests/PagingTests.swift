import AsyncHTTPClient
import Foundation
import Testing
import WarRoomCore

@testable import WarRoomRuntime

@Suite("Paging through real programs", .serialized)
struct PagingTests {
    func room(paging: CommandSpec?) throws -> (WarRoom, ManualClock) {
        let clock = ManualClock()
        let room = try WarRoom(
            journal: try SQLiteJournal(path: temporaryJournalPath()), clock: clock, executor: nil,
            pager: ConfiguredPager(spec: paging, client: .shared))
        return (room, clock)
    }

    static let session = SessionInfo(
        service: "api", rules: .runbookDefaults, plan: CanaryPlan(steps: [CanaryStep(weight: 100, hold: nil)], analysis: nil),
        roster: Roster(tiers: [
            EscalationTier(name: "Primary", person: Person(name: "Ana", handle: "@ana", contact: "+1 555"), escalateAfter: 60),
            EscalationTier(name: "Secondary", person: Person(name: "Ben", handle: "@ben"), escalateAfter: 60),
        ]),
        sources: [], mode: .other("test"), startedBy: "t")

    @Test("the paging program really runs with the page's details as separate arguments")
    func delivered() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("warroom-page-\(UUID().uuidString)").path
        let (room, _) = try room(
            paging: .program(
                argv: [
                    "/bin/sh", "-c", "printf '%s|%s|%s|%s' \"$1\" \"$2\" \"$3\" \"$4\" > \(out)", "page",
                    "{handle}", "{tier}", "{severity}", "{title}",
                ], timeout: 5))
        try await room.send(.sessionStarted(Self.session))
        try await room.send(.incidentOpened(severity: .sev2, title: "checkout; rm -rf /", by: "ana"))
        try await room.tick()
        await room.waitForCommands()
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "@ana|Primary|SEV-2|checkout; rm -rf /")
        let timeline = await room.snapshot.state.timeline.map(\.text)
        #expect(timeline.contains("page to Ana delivered (exit 0)"))
    }

    @Test("a failing paging program is recorded loudly, and escalation goes on to the next tier")
    func failed() async throws {
        let (room, clock) = try room(paging: .program(argv: ["/bin/sh", "-c", "echo 'pager API: 503' >&2; exit 2"], timeout: 5))
        try await room.send(.sessionStarted(Self.session))
        try await room.send(.incidentOpened(severity: .sev2, title: "x", by: "ana"))
        try await room.tick()
        await room.waitForCommands()
        var state = await room.snapshot.state
        #expect(state.timeline.map(\.text).contains("PAGE TO ANA FAILED (exit 2)"))
        #expect(state.escalation?.pages.first?.outcome?.output == "pager API: 503")
        clock.advance(by: 61)
        try await room.tick()
        await room.waitForCommands()
        state = await room.snapshot.state
        #expect(state.escalation?.pages.map(\.request.person.name) == ["Ana", "Ben"])
    }

    @Test("without a paging command a page fails loudly instead of pretending")
    func unconfigured() async throws {
        let (room, _) = try room(paging: nil)
        try await room.send(.sessionStarted(Self.session))
        try await room.send(.incidentOpened(severity: .sev3, title: "x", by: "ana"))
        try await room.tick()
        await room.waitForCommands()
        let texts = await room.snapshot.state.timeline.map(\.text)
        #expect(texts.contains("PAGE TO ANA FAILED (no paging command configured)"))
    }
}
