import Foundation
import Testing
import WarRoomCore

@testable import WarRoomUI

@Suite("Grid and widgets")
struct GridTests {
    @Test("a box draws its border and title, as the house style shows")
    func box() {
        var grid = Grid(width: 30, height: 3)
        let inner = Box(title: "Canary").render(in: grid.bounds, into: &grid)
        grid.put("5% ▸ stage 2/4  12:04 left", in: inner, role: .normal)
        #expect(
            grid.lines == [
                "┌ Canary ────────────────────┐",
                "│ 5% ▸ stage 2/4  12:04 left │",
                "└────────────────────────────┘",
            ])
        #expect(grid[0, 0].role == .border)
        #expect(grid[2, 0].role == .title)
    }

    @Test("text is clipped to its area and never wraps")
    func clipping() {
        var grid = Grid(width: 10, height: 2)
        let used = grid.put("hello world", x: 2, y: 0, role: .normal, limit: 8)
        #expect(used == 6)
        #expect(grid.lines[0] == "  hello   ")
        #expect(grid.lines[1] == "          ")
        #expect(grid.put("x", x: 0, y: 5, role: .normal) == 0)
        grid.put("xyz", x: -3, y: 0, role: .normal)
        #expect(grid.lines[0] == "  hello   ", "text wholly left of the grid draws nothing")
    }

    @Test("control characters show as visible escapes (InertText), wide characters take two cells")
    func widths() {
        var grid = Grid(width: 8, height: 1)
        grid.put("a\u{1B}[2J", x: 0, y: 0, role: .normal)
        #expect(grid.lines[0] == "a\\x1b[2J")
        var wide = Grid(width: 5, height: 1)
        wide.put("日本語", x: 0, y: 0, role: .normal)
        #expect(wide.lines[0] == "日本 ")
        #expect(wide[1, 0].isContinuation)
        #expect(TextWidth.of("日本語") == 6)
        #expect(TextWidth.truncate("a long note", to: 6) == "a lon…")
        #expect(TextWidth.pad("ok", to: 5, right: true) == "   ok")
    }

    @Test("a sparkline scales to the larger of its data and its ceiling")
    func sparkline() {
        #expect(Sparkline(values: [0, 1, 2, 3, 4, 5, 6, 7]).characters(width: 8) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline(values: [1, 1, 1], ceiling: 8).characters(width: 5) == "  ▂▂▂")
        #expect(Sparkline(values: [5, .nan, 5]).characters(width: 3) == " ██")
        #expect(Sparkline(values: [1, 2, 3], glyphs: .ascii).characters(width: 3) == "-+#")
        #expect(Sparkline(values: []).characters(width: 0) == "")
    }

    @Test("every widget survives 0x0, 1x1 and narrow areas", arguments: [(0, 0), (1, 1), (2, 2), (3, 1), (5, 3), (12, 4), (20, 30)])
    func tinyAreas(width: Int, height: Int) {
        let context = Fixture.context(fault: true)
        var grid = Grid(width: width, height: height)
        Box(title: "A title longer than the box").render(in: grid.bounds, into: &grid)
        MetricsPane(context).render(in: grid.bounds, into: &grid)
        CanaryPane(context).render(in: grid.bounds, into: &grid)
        TimelinePane(context, scroll: 3).render(in: grid.bounds, into: &grid)
        RosterPane(context).render(in: grid.bounds, into: &grid)
        Sparkline(values: [1, 2, 3]).render(in: grid.bounds, into: &grid, role: .accent)
        #expect(grid.lines.count == height)
        #expect(grid.lines.allSatisfy { TextWidth.of($0) == width })
    }
}

@Suite("Grid diff")
struct GridDiffTests {
    @Test("the first frame is written whole; later frames only where cells changed")
    func diff() {
        var a = Grid(width: 10, height: 2)
        a.put("hello", x: 0, y: 0, role: .normal)
        let first = a.changes(since: nil)
        #expect(first.count == 2)
        #expect(first[0].scalars.count == 10)
        var b = a
        b.put("J", x: 0, y: 0, role: .normal)
        b.put("!!", x: 7, y: 1, role: .sev1)
        let runs = b.changes(since: a)
        #expect(
            runs == [
                CellRun(x: 0, y: 0, role: .normal, scalars: ["J"], width: 1),
                CellRun(x: 7, y: 1, role: .sev1, scalars: ["!", "!"], width: 2),
            ])
        #expect(b.changes(since: b).isEmpty)
        #expect(b.changes(since: Grid(width: 9, height: 2)).count == 4, "a size change redraws everything: one run per role change")
    }

    @Test("a wide character is written once and covers two columns")
    func wide() {
        var g = Grid(width: 4, height: 1)
        g.put("日x", x: 0, y: 0, role: .normal)
        let runs = g.changes(since: nil)
        #expect(runs == [CellRun(x: 0, y: 0, role: .normal, scalars: ["日", "x", " "], width: 4)])
    }
}

@Suite("Wrapping")
struct WrapTests {
    @Test func wrapsAtSpacesAndEllipsizesTheLastLine() {
        #expect(
            TextWidth.wrap("rolled back by warroom: analysis failed 2 checks", width: 20, lines: 2)
                == ["rolled back by", "warroom: analysis f…"])
        #expect(TextWidth.wrap("short", width: 20, lines: 2) == ["short"])
        #expect(TextWidth.wrap("averyveryverylongword and more", width: 8, lines: 3) == ["averyver", "yverylon", "gword a…"])
        #expect(TextWidth.wrap("x", width: 0, lines: 2).isEmpty)
    }
}

@Suite("ASCII fallback")
struct ASCIIFallbackTests {
    @Test("every scalar the screen draws has an ASCII stand-in; the whole screen becomes ASCII")
    func wholeScreen() {
        let (state, now) = Fixture.launch(fault: true)
        var d = Dashboard(timeZone: .gmt)
        _ = d.handle(.char("?"))
        for (width, height) in [(80, 24), (200, 60)] {
            let grid = ASCIIFallback.grid(d.render(Snapshot(state: state, publishedAt: now), now: now, width: width, height: height))
            #expect(grid.lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
            let unknown = d.render(Snapshot(state: state, publishedAt: now), now: now, width: width, height: height).cells
                .map(\.scalar).filter { !$0.isASCII && $0 != Cell.continuation && ASCIIFallback.table[$0] == nil }
            #expect(unknown.isEmpty, "no stand-in for \(Set(unknown.map { String($0) }))")
        }
        #expect(ASCIIFallback.scalar("✖") == "x")
        #expect(ASCIIFallback.scalar("日") == "?")
    }
}

@Suite("Text width, against the straightforward versions")
struct TruncateEquivalenceTests {
    /// `truncate` as it was: the whole width first, then the cut.
    /// Text is made inert first (hostile scalars become their escapes).
    static func reference(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        let text = InertText.clean(text)
        if TextWidth.of(text) <= width { return text }
        var out = String.UnicodeScalarView()
        var used = 0
        for s in text.unicodeScalars {
            let w = max(TextWidth.of(s), 0)
            if used + w > width - 1 { break }
            out.append(s)
            used += w
        }
        return String(out) + "…"
    }

    @Test("truncate cuts where it did, for narrow, wide, combining and control characters")
    func truncateUnchanged() {
        let alphabet: [Unicode.Scalar] = ["a", "b", " ", "é", "\u{301}", "漢", "字", "😀", "\u{1}", "\u{7}", "\u{85}", "\u{200B}", "│", "…"]
        var g = SystemRandomNumberGenerator()
        for _ in 0 ..< 20_000 {
            var s = String.UnicodeScalarView()
            for _ in 0 ..< Int.random(in: 0 ... 14, using: &g) { s.append(alphabet.randomElement(using: &g)!) }
            let text = String(s)
            for width in -1 ... 16 {
                #expect(TextWidth.truncate(text, to: width) == Self.reference(text, to: width), "\(text.unicodeScalars.map(\.value)) to \(width)")
            }
        }
    }
}

@Suite("Rendering into a reused grid")
struct ReusedGridTests {
    @Test("a frame drawn over an older one, or at another size, equals a fresh one")
    func reuseEqualsFresh() {
        let healthy = Fixture.launch(samples: 30)
        let fault = Fixture.launch(samples: 60, fault: true)
        let dashboard = Dashboard(timeZone: .gmt)
        var grid = Grid(width: 0, height: 0)
        for (state, now, width, height) in [
            (fault.state, fault.now, 200, 60), (healthy.state, healthy.now, 200, 60),
            (fault.state, fault.now, 120, 40), (healthy.state, healthy.now, 60, 20),
            (fault.state, fault.now, 120, 40),
        ] {
            let snapshot = Snapshot(state: state, publishedAt: now)
            dashboard.render(snapshot, now: now, width: width, height: height, into: &grid)
            #expect(grid == dashboard.render(snapshot, now: now, width: width, height: height))
        }
    }
}
