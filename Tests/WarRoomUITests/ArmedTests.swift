import Foundation
import Testing
import WarRoomCore

@testable import WarRoomUI

@Suite("Armed-action flow")
struct ArmedTests {
    static let panel = CommandPanel(
        specs: [
            "rollback": .program(argv: ["/usr/local/bin/rollback", "--service", "{service}", "--reason", "{reason}"], timeout: 30),
            "set_traffic": .webhook(method: "POST", url: "http://deploy/traffic", body: #"{"percent": {percent}}"#, headers: [:], timeout: 5),
        ],
        service: "checkout-api", user: "ana", abortWindow: 3, dryRun: false)

    func type(_ text: String, into d: inout Dashboard, at now: Date) {
        for c in text { _ = d.handle(.char(c), now: now) }
    }

    @Test("r arms a rollback: shows the exact command, asks for a reason, counts down, then sends once")
    func rollback() {
        let (state, now) = Fixture.launch()
        var d = Dashboard(access: .command(Self.panel), timeZone: .gmt)
        #expect(d.handle(.char("r"), state: state, now: now) == nil)
        type("errors up", into: &d, at: now)
        var grid = d.render(Snapshot(state: state, publishedAt: now), now: now, width: 160, height: 48)
        #expect(grid.text.contains("ARMED: rollback"))
        #expect(grid.text.contains("/usr/local/bin/rollback --service checkout-api --reason 'errors up'"))
        #expect(grid.text.contains("checkout-api: canary 5% → 0%"))
        #expect(d.handle(.enter, state: state, now: now) == nil)
        #expect(d.armed?.firesAt == now + 3)
        // Holding or repeating keys during the countdown does nothing.
        #expect(d.handle(.char("r"), state: state, now: now + 1) == nil)
        #expect(d.handle(.enter, state: state, now: now + 1) == nil)
        #expect(d.tick(now: now + 2.9) == nil)
        grid = d.render(Snapshot(state: state, publishedAt: now), now: now + 1.5, width: 160, height: 48)
        #expect(grid.text.contains("Sending in 1.5 s · Esc aborts"))
        #expect(d.tick(now: now + 3) == .command(.rollback, reason: "errors up", trigger: now))
        #expect(d.tick(now: now + 4) == nil, "sent once")
        #expect(d.armed == nil)
    }

    @Test("Esc aborts at any point and nothing is sent")
    func abort() {
        let (state, now) = Fixture.launch()
        var d = Dashboard(access: .command(Self.panel), timeZone: .gmt)
        _ = d.handle(.char("r"), state: state, now: now)
        type("x", into: &d, at: now)
        _ = d.handle(.enter, state: state, now: now)
        #expect(d.handle(.escape, state: state, now: now + 1) == nil)
        #expect(d.tick(now: now + 10) == nil)
        #expect(d.flash?.text == "rollback aborted: nothing was sent")
    }

    @Test("a reason is required")
    func reasonRequired() {
        let (state, now) = Fixture.launch()
        var d = Dashboard(access: .command(Self.panel), timeZone: .gmt)
        _ = d.handle(.char("r"), state: state, now: now)
        #expect(d.handle(.enter, state: state, now: now) == nil)
        #expect(d.armed?.firesAt == nil)
        #expect(d.flash?.text == "a reason is required (one line, what and why)")
    }

    @Test("t asks for a percent, then arms a traffic change showing the request")
    func traffic() {
        let (state, now) = Fixture.launch()
        var d = Dashboard(access: .command(Self.panel), timeZone: .gmt)
        _ = d.handle(.char("t"), state: state, now: now)
        type("12.5", into: &d, at: now)
        _ = d.handle(.enter, state: state, now: now)
        #expect(d.armed?.action == .setTraffic(percent: 12.5))
        type("slow down", into: &d, at: now)
        let grid = d.render(Snapshot(state: state, publishedAt: now), now: now, width: 160, height: 48)
        #expect(grid.text.contains(#"POST http://deploy/traffic {"percent": 12.5}"#))
        _ = d.handle(.char("t"), state: state, now: now)
        _ = d.handle(.escape, state: state, now: now)
        _ = d.handle(.char("t"), state: state, now: now)
        type("250", into: &d, at: now)
        _ = d.handle(.enter, state: state, now: now)
        #expect(d.armed == nil)
        #expect(d.flash?.text == "traffic must be a percent from 0 to 100, got '250'")
    }

    @Test("pause and resume need a reason but no countdown")
    func pause() {
        let (state, now) = Fixture.launch()
        var d = Dashboard(access: .command(Self.panel), timeZone: .gmt)
        _ = d.handle(.char("z"), state: state, now: now)
        type("wait for QA", into: &d, at: now)
        #expect(d.handle(.enter, state: state, now: now) == .command(.pause, reason: "wait for QA", trigger: now))
    }

    @Test("no traffic change arms while one is in flight (rollback and pause pre-empt it), nothing on a read-only screen")
    func refused() {
        var (state, now) = Fixture.launch()
        state.apply(
            Recorded(
                seq: 999, time: now,
                event: .commandIssued(CommandRequest(id: 99, action: .setTraffic(percent: 25), by: "warroom", reason: "x", automatic: true))))
        var d = Dashboard(access: .command(Self.panel), timeZone: .gmt)
        _ = d.handle(.char("t"), state: state, now: now)
        #expect(d.armed == nil && d.prompt == nil)
        #expect(d.flash?.text == "set traffic 25% is still in flight; one command at a time (rollback and pause pre-empt it)")
        _ = d.handle(.char("r"), state: state, now: now)
        #expect(d.armed?.action == .rollback, "a rollback never waits behind another command")
        var recorder = Dashboard(access: .record, timeZone: .gmt)
        for key in ["r", "t", ">", "F", "z", "u"] {
            _ = recorder.handle(.char(Character(key)), state: state, now: now)
            #expect(recorder.armed == nil && recorder.prompt == nil)
            #expect(recorder.flash?.text == "read-only: this screen cannot send commands")
        }
    }

    @Test("L arms the start: shows the first step's exact request, counts down, then starts once")
    func start() {
        var state = WarRoomState()
        let now = Fixture.t0
        state.apply(Recorded(seq: 1, time: now, event: .sessionStarted(Fixture.session)))
        var d = Dashboard(access: .command(Self.panel), timeZone: .gmt)
        _ = d.handle(.char("L"), state: state, now: now)
        #expect(d.armed?.what == .startLaunch(firstStep: 1))
        type("go for launch", into: &d, at: now)
        let grid = d.render(Snapshot(state: state, publishedAt: now), now: now, width: 160, height: 48)
        #expect(grid.text.contains("ARMED: start the launch"))
        #expect(grid.text.contains(#"POST http://deploy/traffic {"percent": 1}"#))
        #expect(d.handle(.enter, state: state, now: now) == nil)
        #expect(d.tick(now: now + 2.9) == nil)
        #expect(d.tick(now: now + 3) == .startLaunch(reason: "go for launch"))
        #expect(d.tick(now: now + 4) == nil, "once")
        // Once started, L says so.
        state.apply(Recorded(seq: 2, time: now, event: .launchStarted(by: "ana", reason: "go")))
        _ = d.handle(.char("L"), state: state, now: now)
        #expect(d.armed == nil)
        #expect(d.flash?.text == "the launch has already started")
    }

    @Test("O arms an override of the holds in force, with a reason; with nothing holding it says so")
    func override() {
        var (state, now) = Fixture.launch()
        var d = Dashboard(access: .command(Self.panel), timeZone: .gmt)
        _ = d.handle(.char("O"), state: state, now: now)
        #expect(d.armed == nil)
        #expect(d.flash?.text == "nothing holds the canary")
        state.apply(Recorded(seq: 900, time: now, event: .incidentOpened(severity: .sev2, title: "search slow", by: "ana")))
        _ = d.handle(.char(">"), state: state, now: now)
        #expect(d.armed == nil)
        #expect(d.flash?.text == "held: incident #1 open at SEV-2; O overrides (armed, with a reason)")
        _ = d.handle(.char("O"), state: state, now: now)
        #expect(d.armed?.what == .overrideHolds([.incident(number: 1, severity: .sev2)]))
        type("unrelated: search", into: &d, at: now)
        let grid = d.render(Snapshot(state: state, publishedAt: now), now: now, width: 160, height: 48)
        #expect(grid.text.contains("ARMED: override the holds"))
        #expect(grid.text.contains("lift until the next step: incident #1 open at SEV-2"))
        _ = d.handle(.enter, state: state, now: now)
        #expect(d.tick(now: now + 3) == .overrideHolds(reason: "unrelated: search"))
    }
}

@Suite("Exact previews and break glass on screen")
struct ExactPreviewTests {
    @Test("> shows the exact request of a promote through set_traffic, with the percent filled")
    func promotePreview() {
        let (state, now) = Fixture.launch()
        var d = Dashboard(access: .command(ArmedTests.panel), timeZone: .gmt)
        _ = d.handle(.char(">"), state: state, now: now)
        guard let armed = d.armed else {
            Issue.record("> did not arm: \(d.flash?.text ?? "")")
            return
        }
        let grid = d.render(Snapshot(state: state, publishedAt: now), now: now, width: 160, height: 48)
        let p = armed.action?.percent.map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? "?"
        #expect(grid.text.contains(#"POST http://deploy/traffic {"percent": \#(p)}"#), "\(grid.text)")
        #expect(!grid.text.contains("{percent}"))
    }

    @Test("a reason starting with '-' is refused at the prompt")
    func dashReason() {
        let (state, now) = Fixture.launch()
        var d = Dashboard(access: .command(ArmedTests.panel), timeZone: .gmt)
        _ = d.handle(.char("r"), state: state, now: now)
        for c in "--force" { _ = d.handle(.char(c), now: now) }
        #expect(d.handle(.enter, state: state, now: now) == nil)
        #expect(d.armed?.firesAt == nil)
        #expect(d.flash?.text == "a reason cannot start with '-' (a program could read it as an option)")
    }

    @Test("the help overlay prints the manual rollback from the config")
    func helpBreakGlass() {
        let (state, now) = Fixture.launch()
        var d = Dashboard(access: .command(ArmedTests.panel), timeZone: .gmt)
        _ = d.handle(.char("?"), state: state, now: now)
        let grid = d.render(Snapshot(state: state, publishedAt: now), now: now, width: 160, height: 48)
        #expect(grid.text.contains("If warroom is down, roll back by hand"))
        // The rows of the overlay, joined, hold the whole line.
        let lines = grid.lines.map { Array($0) }
        guard let row = lines.firstIndex(where: { String($0).contains("/usr/local/bin/rollback") }), row + 1 < lines.count else {
            Issue.record("no manual rollback in the help:\n\(grid.text)")
            return
        }
        let column = String(lines[row]).distance(from: String(lines[row]).startIndex, to: String(lines[row]).range(of: "/usr/local/bin")!.lowerBound)
        func part(_ r: Int) -> String {
            String(String(lines[r][column...]).prefix { $0 != "│" }).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        #expect(
            (part(row) + part(row + 1)).contains("/usr/local/bin/rollback --service checkout-api --reason 'manual rollback: warroom down'"),
            "\(grid.text)")
        for (w, h) in [(80, 24), (100, 30)] { _ = d.render(Snapshot(state: state, publishedAt: now), now: now, width: w, height: h) }
    }
}
