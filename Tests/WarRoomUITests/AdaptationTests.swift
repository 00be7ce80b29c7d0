import Testing
import WarRoomUI

@Suite("Colour adaptation")
struct AdaptationTests {
    @Test func xtermPalette() {
        #expect(XTermPalette.rgb(1) == (205, 0, 0))
        #expect(XTermPalette.rgb(16) == (0, 0, 0))
        #expect(XTermPalette.rgb(196) == (255, 0, 0))
        #expect(XTermPalette.rgb(231) == (255, 255, 255))
        #expect(XTermPalette.rgb(110) == (135, 175, 215))
        #expect(XTermPalette.rgb(232) == (8, 8, 8))
        #expect(XTermPalette.rgb(244) == (128, 128, 128))
        #expect(XTermPalette.rgb(255) == (238, 238, 238))
    }

    @Test(arguments: [
        // (r, g, b, nearest 256, nearest 16)
        (255, 0, 0, 196, 9), (128, 128, 128, 244, 8), (0, 43, 54, 234, 0), (220, 50, 47, 166, 1),
        (38, 139, 210, 32, 6), (133, 153, 0, 100, 3), (0, 0, 0, 16, 0), (255, 255, 255, 231, 15),
        (0, 114, 178, 25, 4), (86, 180, 233, 74, 12), (240, 228, 66, 221, 11), (253, 246, 227, 230, 7),
    ])
    func nearest(_ c: (Int, Int, Int, Int, Int)) {
        let n = XTermPalette.nearest256(UInt8(c.0), UInt8(c.1), UInt8(c.2))
        #expect(n == c.3)
        #expect(XTermPalette.nearest16(index: n) == c.4)
    }

    @Test func redAllTheWayDown() {
        let red = Style(fg: .rgb(255, 0, 0))
        #expect(red.adapted(to: .truecolor) == red)
        #expect(red.adapted(to: .indexed256) == Style(fg: .indexed(196)))
        #expect(red.adapted(to: .ansi16) == Style(fg: .ansi(9)))
        #expect(red.adapted(to: .ansi8) == Style(fg: .ansi(1), bold: true))
        #expect(red.adapted(to: .mono) == Style())
    }

    @Test func brightBackgroundLosesBrightnessWithoutBold() {
        let badge = Style(fg: .ansi(0), bg: .ansi(11))
        #expect(badge.adapted(to: .ansi8) == Style(fg: .ansi(0), bg: .ansi(3)))
        let grey = Style(fg: .rgb(128, 128, 128), bg: .rgb(128, 128, 128))
        #expect(grey.adapted(to: .ansi8) == Style(fg: .ansi(0), bg: .ansi(0), bold: true))
    }

    @Test func indexedColoursGoToSixteen() {
        #expect(TermColor.indexed(196).reduced(to: .ansi16).color == .ansi(9))
        #expect(TermColor.indexed(21).reduced(to: .ansi16).color == .ansi(4))  // 0,0,255 is nearer 0,0,238 than 92,92,255
        #expect(TermColor.indexed(21).reduced(to: .indexed256).color == .indexed(21))
        #expect(TermColor.indexed(3).reduced(to: .indexed256).color == .ansi(3))
        #expect(TermColor.ansi(12).reduced(to: .ansi8) == (color: .ansi(4), bright: true))
        #expect(TermColor.default.reduced(to: .ansi8) == (color: .default, bright: false))
    }

    @Test func monoKeepsAttributesAndReversesBackgrounds() {
        let sev1 = Style(fg: .ansi(15), bg: .ansi(1), bold: true)
        #expect(sev1.adapted(to: .mono) == Style(bold: true, reverse: true))
        let stale = Style(fg: .ansi(8), dim: true, underline: true)
        #expect(stale.adapted(to: .mono) == Style(dim: true, underline: true))
        // A background equal to the canvas (the whole screen's) carries no meaning.
        let onCanvas = Style(fg: .rgb(255, 255, 255), bg: .rgb(0, 0, 0))
        #expect(onCanvas.adapted(to: .mono, canvas: .rgb(0, 0, 0)) == Style())
        #expect(onCanvas.adapted(to: .mono) == Style(reverse: true))
    }

    @Test func neverInvisibleAfterReduction() {
        // Dark blue-grey on mid grey: both become ANSI black at 8 colours.
        let s = Style(fg: .rgb(0, 43, 54), bg: .rgb(147, 161, 161))
        #expect(s.adapted(to: .ansi16) == Style(fg: .ansi(0), bg: .ansi(8)))
        #expect(s.adapted(to: .ansi8) == Style(fg: .ansi(7), bg: .ansi(0)))
        // Light on light: black text instead.
        let light = Style(fg: .rgb(255, 255, 255), bg: .rgb(250, 250, 250))
        #expect(light.adapted(to: .indexed256) == Style(fg: .indexed(16), bg: .indexed(231)))
        #expect(light.adapted(to: .ansi16) == Style(fg: .ansi(0), bg: .ansi(15)))
        #expect(light.adapted(to: .ansi8) == Style(fg: .ansi(7), bg: .ansi(7), bold: true))
        // The same colour on purpose is left alone; a bright twin (bold) is visible.
        #expect(Style(fg: .ansi(1), bg: .ansi(1)).adapted(to: .ansi8) == Style(fg: .ansi(1), bg: .ansi(1)))
        #expect(Style(fg: .ansi(9), bg: .ansi(1)).adapted(to: .ansi8) == Style(fg: .ansi(1), bg: .ansi(1), bold: true))
    }

    @Test func darkThemeInMono() {
        let mono = Theme.dark.adapted(to: .mono)
        for role: Role in [.sev1, .header, .headerAlert, .footer, .footerKey, .badge, .danger, .selection] {
            #expect(mono.style(role).reverse, "\(role) must stay visible")
        }
        #expect(mono.style(.sev1) == Style(bold: true, reverse: true))
        #expect(mono.style(.badge) == Style(bold: true, reverse: true))
        #expect(mono.style(.stale) == Style(dim: true))
        #expect(mono.styles.count == Role.allCases.count)
        for style in mono.styles.values {
            #expect(style.fg == .default && style.bg == .default)
        }
    }

    @Test func darkThemeOnLinuxConsole() {
        let linux = Theme.dark.adapted(to: .ansi8)
        #expect(linux.style(.sev1) == Style(fg: .ansi(7), bg: .ansi(1), bold: true))
        #expect(linux.style(.dim) == Style(fg: .ansi(0), bold: true))
        #expect(linux.style(.sev2) == Style(fg: .ansi(1), bold: true))
        #expect(linux.style(.badge) == Style(fg: .ansi(0), bg: .ansi(3), bold: true))
        #expect(linux.style(.border) == Style(fg: .ansi(4)))
        #expect(Theme.dark.adapted(to: .ansi16) == Theme.dark)
        #expect(Theme.dark.adapted(to: .indexed256) == Theme.dark)
        #expect(Theme.dark.adapted(to: .truecolor) == Theme.dark)
    }

    @Test func adaptationIsIdempotentAndMonotone() {
        let theme = Theme(
            name: "t",
            styles: [
                .normal: Style(fg: .rgb(131, 148, 150), bg: .rgb(0, 43, 54)),
                .sev1: Style(fg: .rgb(253, 246, 227), bg: .rgb(220, 50, 47), bold: true),
                .dim: Style(fg: .indexed(244)),
            ])
        for depth in ColorDepth.allCases {
            let once = theme.adapted(to: depth)
            #expect(once.adapted(to: depth) == once)
            #expect(once.name == "t")
            // Lowering step by step gives the same as lowering at once (except
            // that bold standing in for brightness at 8 colours stays in mono).
            for lower in ColorDepth.allCases where lower < depth && !(depth == .ansi8 && lower == .mono) {
                #expect(once.adapted(to: lower) == theme.adapted(to: lower), "\(depth) → \(lower)")
            }
        }
        let mono = theme.adapted(to: .mono)
        #expect(mono.style(.normal) == Style())
        #expect(mono.style(.sev1) == Style(bold: true, reverse: true))
        #expect(theme.adapted(to: .indexed256).style(.sev1) == Style(fg: .indexed(230), bg: .indexed(166), bold: true))
        #expect(theme.adapted(to: .ansi8).style(.normal) == Style(fg: .ansi(0), bg: .ansi(0), bold: true))
    }

    @Test func literals() {
        #expect(TermColor(literal: "#DC322F") == .rgb(220, 50, 47))
        #expect(TermColor(literal: "red") == .ansi(1))
        #expect(TermColor(literal: "bright-white") == .ansi(15))
        #expect(TermColor(literal: "default") == .default)
        #expect(TermColor(literal: "9") == .ansi(9))
        #expect(TermColor(literal: "196") == .indexed(196))
        #expect(TermColor(literal: "255") == .indexed(255))
        for bad in ["#12345", "#ggg000", "256", "purplish", "", "#", "-1", "bright-", "0255", "#1234567"] {
            #expect(TermColor(literal: bad) == nil, "\(bad)")
        }
        for c: TermColor in [.default, .ansi(0), .ansi(12), .indexed(100), .rgb(1, 2, 255)] {
            #expect(TermColor(literal: c.literal) == c)
        }
        #expect(Role(name: "headerAlert") == .headerAlert)
        #expect(Role(name: "nope") == nil)
    }
}
