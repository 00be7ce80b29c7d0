import Testing
import WarRoomUI

@Suite("Colour depth detection")
struct ColorDepthTests {
    struct Case: Sendable, CustomStringConvertible {
        let env: [String: String]
        let colors: Int
        let expected: ColorDepth
        var description: String { "\(env.sorted { $0.key < $1.key }) colors=\(colors) → \(expected)" }
    }

    static let matrix: [Case] = [
        Case(env: ["TERM": "xterm-256color"], colors: 256, expected: .indexed256),
        Case(env: ["TERM": "xterm-256color", "COLORTERM": "truecolor"], colors: 256, expected: .truecolor),
        Case(env: ["TERM": "xterm-256color", "COLORTERM": "24bit"], colors: 256, expected: .truecolor),
        Case(env: ["TERM": "xterm-256color", "COLORTERM": "TrueColor"], colors: 256, expected: .truecolor),
        Case(env: ["TERM": "xterm-256color", "COLORTERM": "yes"], colors: 256, expected: .indexed256),
        Case(env: ["TERM": "tmux-256color"], colors: 256, expected: .indexed256),
        Case(env: ["TERM": "tmux-256color", "COLORTERM": "truecolor"], colors: 256, expected: .truecolor),
        Case(env: ["TERM": "screen-256color"], colors: 256, expected: .indexed256),
        Case(env: ["TERM": "screen-256color", "COLORTERM": "truecolor"], colors: 256, expected: .truecolor),
        Case(env: ["TERM": "screen"], colors: 8, expected: .ansi8),
        // COLORTERM is not believed with fewer than 256 terminfo colours.
        Case(env: ["TERM": "screen", "COLORTERM": "truecolor"], colors: 8, expected: .ansi8),
        Case(env: ["TERM": "xterm-16color", "COLORTERM": "truecolor"], colors: 16, expected: .ansi16),
        Case(env: ["TERM": "xterm-16color"], colors: 16, expected: .ansi16),
        Case(env: ["TERM": "xterm"], colors: 8, expected: .ansi8),
        Case(env: ["TERM": "linux"], colors: 8, expected: .ansi8),
        Case(env: ["TERM": "linux", "COLORTERM": "truecolor"], colors: 8, expected: .ansi8),
        Case(env: ["TERM": "xterm-direct"], colors: 16_777_216, expected: .truecolor),
        Case(env: ["TERM": "vt100"], colors: -1, expected: .mono),
        Case(env: ["TERM": "vt100"], colors: 8, expected: .mono),  // TERM wins over a generous terminfo
        Case(env: ["TERM": "vt220"], colors: -1, expected: .mono),
        Case(env: ["TERM": "vt100-am"], colors: -1, expected: .mono),
        Case(env: ["TERM": "dumb"], colors: -1, expected: .mono),
        Case(env: ["TERM": "dumb", "COLORTERM": "truecolor"], colors: 256, expected: .mono),
        Case(env: [:], colors: -1, expected: .mono),
        Case(env: ["TERM": "xterm-mono"], colors: 2, expected: .mono),
        // NO_COLOR wins over everything, when non-empty.
        Case(env: ["TERM": "xterm-256color", "NO_COLOR": "1"], colors: 256, expected: .mono),
        Case(env: ["TERM": "xterm-256color", "NO_COLOR": "1", "WARROOM_COLORS": "truecolor"], colors: 256, expected: .mono),
        Case(env: ["TERM": "xterm-256color", "NO_COLOR": "", "COLORTERM": "truecolor"], colors: 256, expected: .truecolor),
        // WARROOM_COLORS wins over TERM, terminfo and COLORTERM.
        Case(env: ["TERM": "linux", "WARROOM_COLORS": "256"], colors: 8, expected: .indexed256),
        Case(env: ["TERM": "vt100", "WARROOM_COLORS": "16"], colors: -1, expected: .ansi16),
        Case(env: ["TERM": "xterm-256color", "WARROOM_COLORS": "24bit"], colors: 256, expected: .truecolor),
        Case(env: ["TERM": "xterm-256color", "COLORTERM": "truecolor", "WARROOM_COLORS": "8"], colors: 256, expected: .ansi8),
        Case(env: ["TERM": "xterm-256color", "WARROOM_COLORS": "mono"], colors: 256, expected: .mono),
        Case(env: ["TERM": "xterm-256color", "WARROOM_COLORS": "none"], colors: 256, expected: .mono),
        Case(env: ["TERM": "xterm-256color", "WARROOM_COLORS": "bogus"], colors: 256, expected: .indexed256),
    ]

    @Test(arguments: matrix)
    func detects(_ c: Case) {
        #expect(ColorDepth.detect(env: c.env, terminfoColors: c.colors) == c.expected)
    }

    @Test func parsesNames() {
        #expect(ColorDepth(name: "truecolor") == .truecolor)
        #expect(ColorDepth(name: "24bit") == .truecolor)
        #expect(ColorDepth(name: " TrueColor ") == .truecolor)
        #expect(ColorDepth(name: "256") == .indexed256)
        #expect(ColorDepth(name: "16") == .ansi16)
        #expect(ColorDepth(name: "8") == .ansi8)
        #expect(ColorDepth(name: "mono") == .mono)
        #expect(ColorDepth(name: "none") == .mono)
        #expect(ColorDepth(name: "ansi16") == .ansi16)
        #expect(ColorDepth(name: "257") == nil)
        #expect(ColorDepth(name: "") == nil)
        for depth in ColorDepth.allCases { #expect(ColorDepth(name: depth.name) == depth) }
        for name in ColorDepth.validNames { #expect(ColorDepth(name: name) != nil) }
    }

    @Test func ordered() {
        #expect(ColorDepth.mono < .ansi8)
        #expect(ColorDepth.ansi8 < .ansi16)
        #expect(ColorDepth.ansi16 < .indexed256)
        #expect(ColorDepth.indexed256 < .truecolor)
        #expect(ColorDepth.allCases.sorted() == ColorDepth.allCases)
    }
}
