import Foundation
import Testing
import WarRoomCore

@testable import WarRoomUI

@Suite("Keys, quitting, attention")
struct InputTests {
    @Test("keys can be rebound; a key bound twice is refused; footer and help show the bindings")
    func rebinding() throws {
        let map = try KeyMap(overrides: [.rollback: [.char("R")], .note: [.char("N"), .function(2)]])
        var d = Dashboard(timeZone: .gmt)
        d.keyMap = map
        #expect(map.action(for: .char("r")) == nil)
        #expect(map.action(for: .function(2)) == .note)
        _ = d.handle(.char("N"))
        #expect(d.prompt?.kind == .note)
        #expect(throws: KeyMapError.self) { try KeyMap(overrides: [.rollback: [.char("q")]]) }
        #expect(Key.parse("ctrl-l") == .ctrl("l"))
        #expect(Key.parse("ctrl-c") == nil, "Ctrl-C stays reserved for quitting")
        #expect(Key.parse("pgdn") == .pageDown)
        #expect(Key.parse("F12") == .function(12))
        #expect(Key.parse("two") == nil)
        var help = Dashboard(timeZone: .gmt)
        help.keyMap = map
        _ = help.handle(.char("?"))
        let grid = help.render(nil, now: Date(timeIntervalSince1970: 0), width: 100, height: 40)
        #expect(grid.text.contains("N F2"))
        // The help names each action as a config rebinds it.
        let wide = help.render(nil, now: Date(timeIntervalSince1970: 0), width: 140, height: 40)
        for action in KeyAction.allCases { #expect(wide.text.contains(action.rawValue), "\(action.rawValue)") }
    }

    @Test("q and Ctrl-C ask first while an incident is open; any other key stays; without one they quit at once")
    func quitConfirmation() {
        let (calm, now) = Fixture.launch()
        var d = Dashboard(timeZone: .gmt)
        #expect(d.handle(.char("q"), state: calm, now: now) == .quit)
        #expect(d.requestQuit(state: calm, now: now) == .quit)

        let (incident, then) = Fixture.launch(fault: true)
        #expect(incident.incident?.isOpen == true)
        #expect(d.handle(.char("q"), state: incident, now: then) == nil)
        #expect(d.flash?.text.contains("press q or Ctrl-C again") == true)
        #expect(d.handle(.char("j"), state: incident, now: then + 1) == nil)
        #expect(d.flash?.text == "still here")
        #expect(d.handle(.ctrl("c"), state: incident, now: then + 2) == nil)
        #expect(d.handle(.ctrl("c"), state: incident, now: then + 3) == .quit)
        // The confirmation lapses after five seconds.
        _ = d.handle(.char("q"), state: incident, now: then + 10)
        #expect(d.requestQuit(state: incident, now: then + 20) == nil)
        // A read-only screen cannot act on the incident: it quits at once.
        var wall = Dashboard(access: .view, timeZone: .gmt)
        #expect(wall.handle(.char("q"), state: incident, now: then) == .quit)
    }

    @Test("one mode at a time: a quit asked over help, a prompt or an armed command replaces it; the armed command is never sent")
    func quitReplacesTheMode() {
        var (state, now) = Fixture.launch()
        state.apply(Recorded(seq: state.lastSeq + 1, time: now, event: .incidentOpened(severity: .sev3, title: "slow", by: "ana")))
        #expect(state.incident?.isOpen == true)
        var d = Dashboard(access: .command(ArmedTests.panel), timeZone: .gmt)
        _ = d.handle(.char("?"), state: state, now: now)
        #expect(d.mode == .help)
        #expect(d.handle(.char("q"), state: state, now: now) == nil)
        #expect(d.mode == .confirmingQuit(askedAt: now), "help closes: the question is the news")
        #expect(d.handle(.char("j"), state: state, now: now + 1) == nil)
        #expect(d.mode == .browsing)
        // Ctrl-C is a signal, whatever the mode: it reaches requestQuit in a prompt too.
        _ = d.handle(.char("n"), state: state, now: now + 2)
        _ = d.handle(.char("x"), state: state, now: now + 2)
        #expect(d.requestQuit(state: state, now: now + 2) == nil)
        #expect(d.prompt == nil && d.mode == .confirmingQuit(askedAt: now + 2))
        let footer = d.render(Snapshot(state: state, publishedAt: now), now: now + 2, width: 160, height: 48).lines.last ?? ""
        #expect(footer.contains("is open: press q or Ctrl-C again"), "the question shows, no prompt hides it: \(footer)")
        _ = d.handle(.char("j"), state: state, now: now + 3)
        #expect(d.handle(.char("r"), state: state, now: now + 3) == nil)
        for c in "errors up" { _ = d.handle(.char(c), state: state, now: now + 3) }
        _ = d.handle(.enter, state: state, now: now + 3)
        #expect(d.armed?.firesAt == now + 6)
        #expect(d.requestQuit(state: state, now: now + 4) == nil)
        #expect(d.armed == nil && d.mode == .confirmingQuit(askedAt: now + 4))
        #expect(d.flash?.text.hasPrefix("rollback aborted: nothing was sent · incident #1 is open") == true, "\(d.flash?.text ?? "")")
        #expect(d.tick(now: now + 10) == nil, "the dropped countdown never fires")
        #expect(d.requestQuit(state: state, now: now + 5) == .quit)
    }

    @Test("the bell rings when severity rises, not at start, not when it falls, at most once per 30 s")
    func attention() {
        let (calm, now) = Fixture.launch()
        let (bad, _) = Fixture.launch(fault: true)
        var a = Attention()
        #expect(a.update(bad, now: now).isEmpty, "the first reading is the baseline")
        var b = Attention()
        #expect(b.update(calm, now: now).isEmpty)
        let signals = b.update(bad, now: now + 1)
        #expect(signals.first == .bell)
        #expect(signals.contains { if case .notify(let title, _) = $0 { title == "checkout-api SEV-1" } else { false } })
        #expect(b.update(calm, now: now + 2).isEmpty)
        #expect(b.update(bad, now: now + 10).isEmpty, "rate-limited")
        #expect(b.update(calm, now: now + 40).isEmpty)
        #expect(!b.update(bad, now: now + 41).isEmpty)
    }

    @Test("OSC 9 and 777 escapes, wrapped for tmux; detection by terminal")
    func notify() {
        #expect(NotifyProtocol.osc9.sequence(title: "api SEV-1", body: "errors", insideTmux: false) == "\u{1B}]9;api SEV-1: errors\u{07}")
        #expect(NotifyProtocol.osc777.sequence(title: "t", body: "b;c\u{07}", insideTmux: false) == "\u{1B}]777;notify;t;bc\\x07\u{07}")
        #expect(NotifyProtocol.osc9.sequence(title: "t", body: "b", insideTmux: true) == "\u{1B}Ptmux;\u{1B}\u{1B}]9;t: b\u{07}\u{1B}\\")
        #expect(NotifyProtocol.off.sequence(title: "t", body: "b", insideTmux: false) == nil)
        #expect(NotifyProtocol.detect(env: ["LC_TERMINAL": "iTerm2"]) == .osc9)
        #expect(NotifyProtocol.detect(env: ["VTE_VERSION": "7200"]) == .osc777)
        #expect(NotifyProtocol.detect(env: ["TERM": "xterm-256color"]) == .off)
        #expect(NotifyProtocol.detect(env: ["WARROOM_NOTIFY": "osc777", "LC_TERMINAL": "iTerm2"]) == .osc777)
    }

    @Test("tmux clients of this session are counted, read-only ones apart; the header shows them")
    func viewers() {
        let out = "warroom\t0\nwarroom\t1\nother\t0\nwarroom\t1\n"
        let v = Viewers.parse(out, session: "warroom")
        #expect(v == Viewers(total: 3, readOnly: 2))
        var d = Dashboard(timeZone: .gmt)
        d.viewers = v
        let (state, now) = Fixture.launch()
        let grid = d.render(Snapshot(state: state, publishedAt: now), now: now, width: 160, height: 40)
        #expect(grid.lines[0].contains("3 watching (2 read-only)"))
    }

    @Test("the wallboard's banner: severity, incident clock, canary weight, headline errors with trend, in large digits")
    func banner() {
        let (state, now) = Fixture.launch(samples: 40, fault: true)
        var d = Dashboard(access: .view, timeZone: .gmt)
        d.distance = true
        let grid = d.render(Snapshot(state: state, publishedAt: now), now: now, width: 160, height: 48)
        let text = grid.text
        #expect(text.contains("SEVERITY"))
        #expect(text.contains("INCIDENT #1"))
        #expect(text.contains("CANARY"))
        #expect(text.contains("ERRORS (canary)"))
        #expect(text.contains("rising"), "the canary's errors rose within the last minute")
        #expect(grid.lines[2].contains("█"), "large digits")
        #expect(!text.contains("q quit"), "no key footer")
        #expect(grid.lines[0].contains("READ-ONLY"))
        // Too short for the banner: the panes keep the room.
        let small = d.render(Snapshot(state: state, publishedAt: now), now: now, width: 80, height: 24)
        #expect(!small.text.contains("SEVERITY"))
    }

    @Test("a value from a source that is down is stale at once; configured limits dim and stale it")
    func staleness() {
        let (state, now) = Fixture.launch()
        var down = state
        down.apply(Recorded(seq: 999, time: now, event: .sourceDown(source: "health", reason: "connection refused")))
        var grid = Grid(width: 160, height: 14)
        MetricsPane(ViewContext(state: down, now: now, timeZone: .gmt)).render(in: grid.bounds, into: &grid)
        #expect(grid.text.contains("? stale"))
        #expect(grid.text.contains("✖ health DOWN"))
        var fresh = Grid(width: 160, height: 14)
        MetricsPane(ViewContext(state: state, now: now, timeZone: .gmt)).render(in: fresh.bounds, into: &fresh)
        #expect(!fresh.text.contains("? stale"))
    }
}

@Suite("Braille sparklines")
struct BrailleTests {
    @Test("two values a cell, one to four dots from the bottom, newest at the right")
    func braille() {
        func cell(_ bits: UInt32) -> String { String(Unicode.Scalar(0x2800 + bits)!) }
        let leftFull: UInt32 = 0x40 | 0x04 | 0x02 | 0x01
        let rightFull: UInt32 = 0x80 | 0x20 | 0x10 | 0x08
        // Values 0, 1 | 0.5, 1: one dot and four, then three dots (1 + 0.5 of 3, rounded) and four.
        let s = Sparkline(values: [0, 1, 0.5, 1], floor: 0, ceiling: 1, glyphs: .braille)
        #expect(s.characters(width: 2) == cell(0x40 | rightFull) + cell(0x40 | 0x04 | 0x02 | rightFull))
        #expect(leftFull == 0x47)
        // One value: the left half of the last cell stays empty, earlier cells are blank.
        let one = Sparkline(values: [1], ceiling: 1, glyphs: .braille).characters(width: 3)
        #expect(one == "  " + cell(rightFull))
        #expect(Sparkline(values: [], glyphs: .braille).characters(width: 2) == "  ")
        // Twice the history of block sparklines in the same width.
        #expect(
            Sparkline(values: Array(repeating: 1, count: 10), ceiling: 1, glyphs: .braille).characters(width: 5).unicodeScalars.allSatisfy {
                $0.value == 0x28FF
            })
        #expect(ASCIIFallback.scalar(Unicode.Scalar(0x28FF)!) == "#")
    }
}

@Suite("Braille in the metrics pane")
struct BrailleMetricsTests {
    @Test("the metrics pane gives braille sparklines two values a cell, so they fill their width")
    func fills() {
        let (state, now) = Fixture.launch(samples: 200)
        var grid = Grid(width: 160, height: 14)
        MetricsPane(ViewContext(state: state, now: now, glyphs: .braille, timeZone: .gmt)).render(in: grid.bounds, into: &grid)
        let row = grid.lines.first { $0.contains("Req/min") } ?? ""
        let cells = row.unicodeScalars.filter { (0x2800 ... 0x28FF).contains($0.value) }.count
        var blocks = Grid(width: 160, height: 14)
        MetricsPane(ViewContext(state: state, now: now, timeZone: .gmt)).render(in: blocks.bounds, into: &blocks)
        let blockRow = blocks.lines.first { $0.contains("Req/min") } ?? ""
        let blockCells = blockRow.unicodeScalars.filter { (0x2581 ... 0x2588).contains($0.value) }.count
        #expect(cells == blockCells, "braille fills the same width as blocks: \(cells) vs \(blockCells)")
        #expect(cells > 10)
    }
}
