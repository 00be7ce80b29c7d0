import Foundation
import Testing
import WarRoomCore

@testable import WarRoomUI

@Suite("Keyboard prompts")
struct PromptTests {
    func type(_ text: String, into d: inout Dashboard) {
        for c in text { _ = d.handle(.char(c)) }
    }

    @Test("n opens a one-line editor; Enter records the note; q inside it is just a letter")
    func note() {
        var d = Dashboard(timeZone: .gmt)
        #expect(d.handle(.char("n")) == nil)
        type("quiet q", into: &d)
        _ = d.handle(.backspace)
        type("now", into: &d)
        #expect(d.prompt?.text == "quiet now")
        let grid = d.render(nil, now: Fixture.t0, width: 100, height: 30)
        #expect(grid.lines[29].hasPrefix(" Note: quiet now█  Enter records · Esc cancels"))
        #expect(d.handle(.enter) == .note("quiet now"))
        #expect(d.prompt == nil)
    }

    @Test("Esc cancels without an intent; an empty line records nothing")
    func cancel() {
        var d = Dashboard(timeZone: .gmt)
        _ = d.handle(.char("n"))
        type("oops", into: &d)
        #expect(d.handle(.escape) == nil)
        #expect(d.prompt == nil)
        _ = d.handle(.char("n"))
        #expect(d.handle(.enter) == nil)
    }

    @Test("D asks for a title, then a severity")
    func declare() {
        var d = Dashboard(timeZone: .gmt)
        _ = d.handle(.char("D"))
        type("Checkout down", into: &d)
        #expect(d.handle(.enter) == nil)
        #expect(d.prompt?.kind == .declareSeverity(title: "Checkout down"))
        #expect(d.handle(.char("x")) == nil, "not a choice")
        #expect(d.handle(.char("1")) == .declare(title: "Checkout down", severity: .sev1))
    }

    @Test("status, severity and roles are single keys")
    func choices() {
        var d = Dashboard(timeZone: .gmt)
        _ = d.handle(.char("s"))
        #expect(d.handle(.char("m")) == .setStatus(.monitoring))
        _ = d.handle(.char("S"))
        #expect(d.handle(.char("3")) == .setSeverity(.sev3))
        _ = d.handle(.char("a"))
        #expect(d.handle(.char("t")) == nil)
        type("chen", into: &d)
        #expect(d.handle(.enter) == .assign(.techLead, person: "chen"))
        #expect(d.handle(.char("p")) == .pinMetrics)
    }

    @Test("each choice carries its value: every status, role and severity once, in order, with the wording shown")
    func choicesCarryValues() {
        let status = Prompt(.status).choices ?? []
        #expect(status.map(\.next) == IncidentStatus.allCases.map { .send(.setStatus($0)) })
        #expect(status.map(\.label) == IncidentStatus.allCases.map(\.label))
        let roles = Prompt(.role).choices ?? []
        #expect(roles.map(\.next) == IncidentRole.allCases.map { .ask(Prompt(.rolePerson($0))) })
        #expect(roles.map(\.label) == IncidentRole.allCases.map(\.label))
        let severities = Prompt(.severity).choices ?? []
        #expect(severities.map(\.next) == [.sev1, .sev2, .sev3, .sev4].map { .send(.setSeverity($0)) })
        #expect(severities.map(\.key) == ["1", "2", "3", "4"])
        #expect(Prompt(.declareSeverity(title: "x")).choice(for: "2")?.next == .send(.declare(title: "x", severity: .sev2)))
        #expect(Prompt(.status).choice(for: "R")?.next == .send(.setStatus(.resolved)), "a capital picks the same")
        #expect(Prompt(.note).choices == nil)
        var traffic = Prompt(.trafficPercent)
        traffic.text = " 12.5 %"
        #expect(traffic.answer == .arm(.setTraffic(percent: 12.5)))
        traffic.text = "150"
        #expect(traffic.answer == .refuse("traffic must be a percent from 0 to 100, got '150'"))
    }

    @Test("f cycles the timeline filter and the title says which")
    func filter() {
        var d = Dashboard(timeZone: .gmt)
        _ = d.handle(.char("f"))
        #expect(d.filter == .note)
        let (state, now) = Fixture.launch(fault: true)
        let grid = d.render(Snapshot(state: state, publishedAt: now), now: now, width: 120, height: 40)
        #expect(grid.text.contains("Incident timeline (UTC) · only note"))
        #expect(grid.text.contains("ana: watching the canary closely"))
        #expect(!grid.text.contains("set traffic 5% done"))
        for _ in 0 ..< 7 { _ = d.handle(.char("f")) }
        #expect(d.filter == nil)
    }

    @Test("a flash message shows in the footer until it expires")
    func flash() {
        var d = Dashboard(timeZone: .gmt)
        d.flash = Flash(text: "note not recorded: the text is empty", isError: true, until: Fixture.t0 + 5)
        let during = d.render(nil, now: Fixture.t0, width: 100, height: 30)
        #expect(during.lines[29].hasPrefix(" note not recorded: the text is empty"))
        let after = d.render(nil, now: Fixture.t0 + 6, width: 100, height: 30)
        #expect(after.lines[29].hasPrefix(" q quit"))
    }
}

@Suite("Replay")
struct ReplayTests {
    @Test("replaying the journal reproduces the recorded screen at chosen instants, forwards and back")
    func reproduces() {
        // Record the live screens as the events arrive.
        let (_, end) = Fixture.launch(fault: true)
        let events = Fixture.events(fault: true)
        var live = WarRoomState(seriesCapacity: 600)
        var screens: [(Date, Grid)] = []
        let d = Dashboard(timeZone: .gmt)
        for (i, e) in events.enumerated() {
            live.apply(e)
            // An instant is complete once every event recorded at that time is in.
            let lastAtThisTime = i == events.count - 1 || events[i + 1].time > e.time
            if lastAtThisTime && (i % 3 == 0 || i == events.count - 1) {
                screens.append((e.time, d.render(Snapshot(state: live, publishedAt: e.time), now: e.time, width: 160, height: 48)))
            }
        }
        let player = ReplayPlayer(events: events, seriesCapacity: 600)
        for (time, expected) in screens.reversed() + screens {
            let replayed = d.render(Snapshot(state: player.state(at: time), publishedAt: time), now: time, width: 160, height: 48)
            #expect(replayed == expected, "screen at \(time) differs")
        }
        #expect(end > events.first!.time)
    }
}
