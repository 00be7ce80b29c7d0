import Foundation
import Glibc
import Testing
import WarRoomCore

@testable import WarRoomUI

/// The width table against the C library that ncurses and tmux use here.
/// `WARROOM_RECORD_WIDTHS=1` rewrites Sources/WarRoomUI/Grid/WidthTable.swift from it.
@Suite("Terminal width")
struct TerminalWidthTests {
    /// wcwidth of every scalar from U+00A0 up, in C.UTF-8 (set for this thread only).
    static func libcWidths() throws -> [Int32] {
        // Glibc's module map hides wcwidth (it wants _XOPEN_SOURCE): look it up.
        typealias WcWidth = @convention(c) (Int32) -> Int32
        let symbol = try #require(dlsym(dlopen(nil, RTLD_NOW), "wcwidth"))
        let wcwidth = unsafeBitCast(symbol, to: WcWidth.self)
        let locale = try #require(newlocale(LC_CTYPE_MASK, "C.UTF-8", nil))
        let old = uselocale(locale)
        defer {
            uselocale(old)
            freelocale(locale)
        }
        return (UInt32(0xA0) ... 0x10FFFF).map { v in (0xD800 ... 0xDFFF).contains(v) ? -1 : wcwidth(Int32(bitPattern: v)) }
    }

    @Test("the table agrees with glibc's wcwidth for every scalar (the widths ncurses and tmux use)")
    func agreesWithLibc() throws {
        let widths = try Self.libcWidths()
        if ProcessInfo.processInfo.environment["WARROOM_RECORD_WIDTHS"] == "1" {
            try Self.record(widths)
            return
        }
        var wrong: [String] = []
        for (i, w) in widths.enumerated() {
            let v = UInt32(0xA0 + i)
            let ours = Unicode.Scalar(v).map(TextWidth.terminal) ?? -1
            if ours != Int(w) { wrong.append("U+\(String(v, radix: 16)) libc \(w) ours \(ours)") }
        }
        #expect(wrong.isEmpty, "\(wrong.count) differ, e.g. \(wrong.prefix(10))")
        for v in UInt32(0x20) ..< 0x7F { #expect(TextWidth.terminal(Unicode.Scalar(v)!) == 1) }
    }

    @Test("emoji: 🚀 ✅ ❌ take two columns; ⚠️ takes one (⚠ is narrow and VS16 zero-width in glibc and tmux 3.3a, and the grid draws no VS16)")
    func emoji() {
        #expect(TextWidth.of("🚀") == 2)
        #expect(TextWidth.of("✅") == 2)
        #expect(TextWidth.of("❌") == 2)
        #expect(TextWidth.of("⚠️") == 1)
        #expect(TextWidth.of("e\u{301}") == 1)
        #expect(TextWidth.of("\u{1B}") == 4, "drawn as \\x1b")
        #expect(TextWidth.of("\u{202E}") == 6, "drawn as \\u202e")
        var grid = Grid(width: 12, height: 1)
        grid.put("⚠️🚀✅❌x", x: 0, y: 0, role: .normal)
        #expect(grid.lines[0] == "⚠🚀✅❌x    ")
        #expect(grid.cells.allSatisfy { $0.scalar != "\u{FE0F}" })
    }

    static func record(_ widths: [Int32]) throws {
        var zero: [(UInt32, UInt32)] = []
        var wide: [(UInt32, UInt32)] = []
        var bad: [(UInt32, UInt32)] = []
        var start: UInt32 = 0xA0
        var current = widths[0]
        func close(_ end: UInt32) {
            switch current {
            case 0: zero.append((start, end))
            case 2: wide.append((start, end))
            case -1: bad.append((start, end))
            default: break
            }
        }
        for (i, w) in widths.enumerated().dropFirst() where w != current {
            close(UInt32(0xA0 + i - 1))
            start = UInt32(0xA0 + i)
            current = w
        }
        close(0x10FFFF)
        func emit(_ name: String, _ doc: String, _ ranges: [(UInt32, UInt32)]) -> String {
            var lines = ["    /// \(doc)", "    static let \(name): [UInt32] = ["]
            var line = "       "
            for (a, b) in ranges {
                let item = " 0x\(String(a, radix: 16, uppercase: true)), 0x\(String(b, radix: 16, uppercase: true)),"
                if line.count + item.count > 118 {
                    lines.append(line)
                    line = "       "
                }
                line += item
            }
            lines += [line, "    ]"]
            return lines.joined(separator: "\n")
        }
        let text = """
            // Generated from glibc 2.36 wcwidth(3) in the C.UTF-8 locale, the widths that
            // ncurses and tmux (3.3a, built without utf8proc) use on this system. Regenerate
            // with `WARROOM_RECORD_WIDTHS=1 swift test --filter TerminalWidthTests`.
            // Scalars below U+00A0 are not listed: TextWidth handles them directly.
            /// Each table is a flat list of inclusive ranges: start, end, start, end, …
            enum WidthTable {
            \(emit("zero", "wcwidth 0: combining marks, format characters, Hangul medial vowels and final consonants.", zero))
            \(emit("wide", "wcwidth 2: East Asian wide and fullwidth, and emoji shown as emoji by default.", wide))
            \(emit("unprintable", "wcwidth -1: unassigned in glibc's table, surrogates, noncharacters; not printable.", bad))
            }

            """
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/WarRoomUI/Grid/WidthTable.swift")
        try text.write(to: file, atomically: true, encoding: .utf8)
    }
}

@Suite("Sinks in the UI: the grid and the notification escape")
struct UISinkTests {
    static let hostile = [
        "a\u{1B}b", "before\u{1B}[2J\u{1B}[Hafter", "x\u{1B}]52;c;cHduZWQ=\u{07}y", "p\u{9B}2J q\u{9D}0;title\u{9C} r", "ding\u{07}",
        "abc\u{202E}fed\u{202C} \u{2066}iso\u{2069}", "zero\u{200B}width\u{200D}\u{FEFF}soft\u{AD}", "line\u{2028}para\u{2029}end",
        "🚀 ✅ ❌ ⚠️ e\u{301}", "new\nline\ttab",
    ]

    static func safe(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return s == Cell.continuation
        default: return true
        }
    }

    @Test("the grid never holds a control, format or separator character; escapes are visible; width is what TextWidth says")
    func grid() {
        for text in Self.hostile {
            var grid = Grid(width: 80, height: 1)
            let used = grid.put(text, x: 0, y: 0, role: .normal)
            #expect(grid.cells.allSatisfy { Self.safe($0.scalar) }, "\(text.unicodeScalars.map(\.value))")
            #expect(used == TextWidth.of(text))
            #expect(TextWidth.of(grid.lines[0]) == 80)
        }
        var g = Grid(width: 40, height: 1)
        g.put("before\u{1B}[2J\u{9B}x", x: 0, y: 0, role: .normal)
        #expect(g.text == "before\\x1b[2J\\x9bx")
        #expect(TextWidth.truncate("ab\u{1B}cd", to: 5) == "ab\\x…")
        #expect(TextWidth.pad("\u{202E}", to: 8) == "\\u202e  ")
    }

    @Test("a pane full of emoji, combining marks and hostile text keeps every row exactly its width")
    func noSpill() {
        let noisy = "🚀✅❌⚠️ e\u{301}\u{301}\u{301} 漢字 \u{1B}[2J \u{202E}rtl \u{200B}"
        for width in [1, 2, 3, 7, 20, 33] {
            var grid = Grid(width: width + 2, height: 3)
            let inner = Box(title: noisy).render(in: grid.bounds, into: &grid)
            grid.put(TextWidth.truncate(noisy, to: inner.width), in: inner, role: .normal)
            for line in grid.lines { #expect(TextWidth.of(line) == width + 2, "\(line)") }
            if width >= 1 { #expect(grid.lines[1].unicodeScalars.last == "│", "\(grid.lines[1])") }
        }
    }

    @Test("OSC 9 and 777 carry no C0, C1 or DEL inside, so U+009C cannot end them early; the bell is ours")
    func notification() throws {
        let title = "checkout SEV-1\u{9C}\u{1B}[2J"
        let body = "incident #1: \u{9D}0;x\u{9C}\u{1B}]52;c;eA==\u{07}\u{202E};more\u{2028}"
        for proto in [NotifyProtocol.osc9, .osc777] {
            let raw = try #require(proto.sequence(title: title, body: body, insideTmux: false))
            let scalars = Array(raw.unicodeScalars)
            #expect(scalars.first == "\u{1B}")
            #expect(scalars.last == "\u{07}")
            let inside = scalars.dropFirst().dropLast()
            #expect(inside.allSatisfy { Self.safe($0) }, "\(inside.map(\.value))")
            #expect(raw.contains("\\x9c\\x1b[2J"))
            let tmux = try #require(proto.sequence(title: title, body: body, insideTmux: true))
            #expect(tmux.hasPrefix("\u{1B}Ptmux;\u{1B}\u{1B}]"))
            #expect(tmux.hasSuffix("\u{07}\u{1B}\\"))
            #expect(tmux.unicodeScalars.filter { $0 == "\u{1B}" }.count == 4, "ours: DCS, the doubled ESC of the OSC, ST")
            #expect(!tmux.unicodeScalars.contains { (0x80 ... 0x9F).contains($0.value) })
        }
    }
}
