import Foundation
import Testing
import WarRoomCore

@testable import WarRoomUI

@Suite("Panes")
struct PaneTests {
    @Test("canary pane: plan, weight, time in stage and to the next step")
    func canary() {
        var grid = Grid(width: 48, height: 12)
        CanaryPane(Fixture.context()).render(in: grid.bounds, into: &grid)
        #expect(
            grid.lines == [
                "┌ Canary stage ────────────────────────────────┐",
                "│ Plan 1% ▸ [5%] ▸ 25% ▸ 100%                  │",
                "│ Weight 5%  stage 2/4  PROGRESSING            │",
                "│ In stage 02:32 of 1:00:00                    │",
                "│ Next 25% in 57:28 · 100% in 2:57:28          │",
                "│ Checks ✓1 ✖0 · next in 00:00                 │",
                "│ 2 failed checks to automatic rollback        │",
                "│ ✓ pass     errors  0.60% ≤ 2.40%             │",
                "│ ✓ pass     latency 131 ms ≤ 1.12 s           │",
                "│ Last: set traffic 5% ok (HTTP 200)           │",
                "│                                              │",
                "└──────────────────────────────────────────────┘",
            ])
    }

    @Test("canary pane: a SEV-1 rolls the canary back at once, TTR counted from the first breach")
    func canarySev1() {
        var grid = Grid(width: 60, height: 14)
        CanaryPane(Fixture.context(fault: true)).render(in: grid.bounds, into: &grid)
        #expect(grid.lines[2].contains("ROLLING BACK"))
        #expect(grid.lines.contains { $0.contains("TTR running 00:22 from first breach (target 02:00)") }, "\(grid.lines)")
        #expect(grid.lines.contains { $0.contains("Sending: rollback…") })
    }

    @Test("canary pane says what holds it: an open incident, loudly; pacing, dimly")
    func canaryHolds() {
        var (state, now) = Fixture.launch()
        state.apply(Recorded(seq: 900, time: now, event: .incidentOpened(severity: .sev2, title: "search slow", by: "ana")))
        var grid = Grid(width: 60, height: 14)
        CanaryPane(ViewContext(state: state, now: now, timeZone: .gmt)).render(in: grid.bounds, into: &grid)
        let row = try? #require(grid.lines.firstIndex { $0.contains("⏸ held: incident #1 open at SEV-2") })
        #expect(row != nil, "\(grid.lines)")
        if let row { #expect(grid.roles(row: row)[2] == .sev2) }
    }

    @Test("canary pane: not started says how to start; an off-plan weight sits between steps")
    func canaryStartAndOffPlan() {
        var state = WarRoomState()
        let t = Fixture.t0
        state.apply(Recorded(seq: 1, time: t, event: .sessionStarted(Fixture.session)))
        var grid = Grid(width: 60, height: 14)
        CanaryPane(ViewContext(state: state, now: t, timeZone: .gmt)).render(in: grid.bounds, into: &grid)
        #expect(grid.lines[2].contains("Weight 0%  not started  PENDING"))
        #expect(grid.lines[3].contains("Not started: press L to start (or --start)"))
        state.apply(
            Recorded(
                seq: 2, time: t,
                event: .commandIssued(CommandRequest(id: 1, action: .setTraffic(percent: 10), by: "ana", reason: "x", automatic: false))))
        state.apply(
            Recorded(seq: 3, time: t, event: .commandFinished(id: 1, outcome: CommandOutcome(succeeded: true, detail: "HTTP 200", duration: 0.1))))
        grid = Grid(width: 60, height: 14)
        CanaryPane(ViewContext(state: state, now: t + 60, timeZone: .gmt)).render(in: grid.bounds, into: &grid)
        #expect(grid.lines[1].contains("Plan 1% ▸ 5% ▸ 25% ▸ 100%"))
        #expect(grid.lines[2].contains("Weight 10%  off plan, 5%▸25%  PROGRESSING"), "\(grid.lines)")
        #expect(grid.lines[4].contains("Next 25% in 59:00"))
        #expect(grid.lines.contains { $0.contains("✓ 5%    hold 1h      done") })
    }

    @Test("metrics pane: both cohorts, level as glyph and word, ages")
    func metrics() {
        var grid = Grid(width: 110, height: 14)
        MetricsPane(Fixture.context(fault: true)).render(in: grid.bounds, into: &grid)
        let text = grid.lines
        #expect(text[1].contains("CANARY 5%  ✖ SEV-1"))
        #expect(text[1].contains("STABLE 95%"))
        let errors = text.first { $0.contains("Errors") } ?? ""
        #expect(errors.contains("✖ SEV-1    24.4%"))
        #expect(errors.contains("✓ ok       0.40%"))
        #expect(errors.contains("2s"))
        let row = text.firstIndex { $0.contains("Errors") }!
        #expect(grid.roles(row: row).contains(.sev1))
        #expect(text.contains { $0.contains("Req/min") && $0.contains("60") && $0.contains("1140") })
        #expect(text.contains { $0.contains("✓ health every 5s") })
    }

    @Test("a value older than two intervals is dimmed, past five it is marked stale")
    func staleness() {
        let (state, now) = Fixture.launch()
        var fresh = Grid(width: 110, height: 14)
        MetricsPane(ViewContext(state: state, now: now, timeZone: .gmt)).render(in: fresh.bounds, into: &fresh)
        var dim = Grid(width: 110, height: 14)
        MetricsPane(ViewContext(state: state, now: now + 12, timeZone: .gmt)).render(in: dim.bounds, into: &dim)
        var stale = Grid(width: 110, height: 14)
        MetricsPane(ViewContext(state: state, now: now + 60, timeZone: .gmt)).render(in: stale.bounds, into: &stale)
        let row = fresh.lines.firstIndex { $0.contains("Errors") }!
        #expect(!fresh.roles(row: row).contains(.stale))
        #expect(dim.roles(row: row).contains(.stale))
        #expect(dim.lines[row].contains("✓ ok"))
        #expect(stale.lines[row].contains("? stale"))
        #expect(stale.lines[row].contains("1m02s"))
    }

    @Test("metrics pane without data says so")
    func noData() {
        var grid = Grid(width: 100, height: 10)
        MetricsPane(ViewContext(state: WarRoomState(), now: Fixture.t0)).render(in: grid.bounds, into: &grid)
        #expect(grid.lines.filter { $0.contains("· no data") }.count == 4)
    }

    @Test("timeline: newest first, T+ from the incident, wall time in UTC")
    func timeline() {
        var grid = Grid(width: 90, height: 8)
        TimelinePane(Fixture.context(fault: true)).render(in: grid.bounds, into: &grid)
        #expect(grid.lines[0] == "┌ Incident timeline (UTC) ───────────────────────────────────────────────────────────────┐")
        #expect(grid.lines[1].hasPrefix("│ T+00:20  08:32:30 ✎ ana: watching the canary closely"))
        #expect(grid.lines[2].hasPrefix("│ T+00:00  08:32:10 ▲ warroom (automatic) issued rollback: SEV-1: immediate rollback"))
        #expect(grid.lines[3].hasPrefix("│ T+00:00  08:32:10 ✖ escalation started for SEV-1: 4 tiers"))
        #expect(grid.lines[4].hasPrefix("│ T+00:00  08:32:10 ✖ incident #1 opened at SEV-1 by warroom (automatic): canary error"))
        #expect(grid.lines[5].hasPrefix("│ T+00:00  08:32:10 ✖ canary error rate 24.0% above SEV-1 threshold 20.0%"))
    }

    @Test("timeline scrolls and says how many newer entries are hidden")
    func timelineScroll() {
        var grid = Grid(width: 90, height: 5)
        TimelinePane(Fixture.context(fault: true), scroll: 4).render(in: grid.bounds, into: &grid)
        #expect(grid.lines[0].contains("↓4 newer"))
        #expect(grid.lines[1].contains("canary error rate 24.0% above SEV-1"))
    }

    @Test("roster: every tier with who, how to reach them and when they are paged")
    func roster() {
        var grid = Grid(width: 70, height: 9)
        RosterPane(Fixture.context()).render(in: grid.bounds, into: &grid)
        #expect(grid.lines[1] == "│ Tier       On call                                           Paged │")
        #expect(grid.lines[2] == "│ Primary    Ana Ruiz @ana +1 555 0101                         first │")
        #expect(grid.lines[3] == "│ Secondary  Ben Okafor @ben                                    +15m │")
        #expect(grid.lines[5] == "│ CTO        Dana Levi @dana                                  +1h45m │")
        var narrow = Grid(width: 30, height: 6)
        RosterPane(Fixture.context()).render(in: narrow.bounds, into: &narrow)
        #expect(narrow.lines[3] == "│ Secondary  Ben Okafor +15m │")
    }
}

@Suite("Dashboard")
struct DashboardTests {
    @Test("q quits; arrows scroll; ? opens help and any key closes it")
    func keys() {
        var d = Dashboard(timeZone: .gmt)
        #expect(d.handle(.down) == nil)
        #expect(d.handle(.down) == nil)
        #expect(d.scroll == 2)
        #expect(d.handle(.up) == nil)
        #expect(d.scroll == 1)
        _ = d.handle(.home)
        #expect(d.scroll == 0)
        _ = d.handle(.up)
        #expect(d.scroll == 0)
        _ = d.handle(.char("?"))
        #expect(d.mode == .help)
        _ = d.handle(.char("x"))
        #expect(d.mode == .browsing)
        #expect(d.handle(.char("q")) == .quit)
    }

    @Test(
        "a terminal too small shows a clear message at every size, and q still quits",
        arguments: [
            (0, 0), (1, 1), (10, 3), (40, 10), (79, 24), (80, 23), (300, 5),
        ])
    func tooSmall(width: Int, height: Int) {
        var d = Dashboard(timeZone: .gmt)
        let grid = d.render(nil, now: Fixture.t0, width: width, height: height)
        #expect(grid.width == width && grid.height == height)
        if width >= 20 && height >= 3 {
            #expect(grid.text.contains("Terminal too small"))
        }
        #expect(d.handle(.char("q")) == .quit)
    }

    @Test("every size up to 300x100 renders without a crash")
    func allSizes() {
        let (state, now) = Fixture.launch(fault: true)
        let snapshot = Snapshot(state: state, publishedAt: now)
        let d = Dashboard(timeZone: .gmt)
        for width in stride(from: 1, through: 300, by: 7) {
            for height in stride(from: 1, through: 100, by: 5) {
                let grid = d.render(snapshot, now: now, width: width, height: height)
                #expect(grid.cells.count == width * height)
            }
        }
    }

    @Test("the help overlay lists every key")
    func help() {
        var d = Dashboard(timeZone: .gmt)
        _ = d.handle(.char("?"))
        let grid = d.render(nil, now: Fixture.t0, width: 100, height: 30)
        for action in KeyAction.allCases {
            #expect(grid.text.contains(action.help), "\(action) missing from the help")
        }
    }
}
