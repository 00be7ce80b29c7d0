import Foundation
import Testing
import WarRoomThemes
import WarRoomUI

@Suite("Shipped themes")
struct ShippedThemeTests {
    @Test func theSixAreThere() {
        let names = ThemeLoader.availableNames(searchDirectories: [themesDirectory])
        #expect(names == shippedNames)
    }

    @Test(arguments: shippedNames)
    func loadsCleanlyAndDefinesEveryRole(_ name: String) throws {
        let (theme, warnings) = try ThemeLoader.load(nameOrPath: name, searchDirectories: [themesDirectory])
        #expect(warnings.isEmpty, "\(warnings)")
        #expect(theme.name == name)
        #expect(!theme.summary.isEmpty)
        #expect(Set(theme.styles.keys) == Set(Role.allCases))
        // Every role is spelled out in the file itself, not just filled in.
        let text = try String(contentsOfFile: themesDirectory + "/\(name).yaml", encoding: .utf8)
        for role in Role.allCases { #expect(text.contains("  \(role.name):"), "\(name) lacks \(role)") }
        #expect(text.hasPrefix("# \(name) — "), "\(name) needs a comment header")
    }

    @Test(arguments: shippedNames, ColorDepth.allCases)
    func adaptsToEveryDepth(_ name: String, _ depth: ColorDepth) throws {
        let (theme, _) = try ThemeLoader.load(nameOrPath: name, searchDirectories: [themesDirectory])
        let adapted = theme.adapted(to: depth)
        #expect(Set(adapted.styles.keys) == Set(Role.allCases))
        for (role, style) in adapted.styles {
            switch depth {
            case .mono:
                #expect(style.fg == .default && style.bg == .default)
            case .ansi8:
                for c in [style.fg, style.bg] { if case .ansi(let n) = c { #expect(n < 8) } else { #expect(c == .default) } }
            case .ansi16:
                for c in [style.fg, style.bg] { if case .ansi = c {} else { #expect(c == .default) } }
            case .indexed256:
                for c in [style.fg, style.bg] { if case .rgb = c { Issue.record("\(name).\(role) kept rgb") } }
            case .truecolor:
                #expect(style == theme.style(role))
            }
            // Never invisible: fg and bg differ (an ANSI-8 bold fg is the bright twin).
            if style.fg != .default, style.fg == style.bg {
                #expect(depth == .ansi8 && style.bold, "\(name).\(role) at \(depth): fg = bg = \(style.fg)")
            }
        }
        // Roles whose point is their background stay distinct in mono.
        if depth == .mono {
            for role: Role in [.sev1, .headerAlert, .danger, .selection] {
                #expect(adapted.style(role).reverse, "\(name).\(role) must stand out in mono")
            }
        }
    }

    @Test func darkFileIsTheBuiltInDark() throws {
        let (theme, warnings) = try ThemeLoader.load(nameOrPath: themesDirectory + "/dark.yaml", searchDirectories: [])
        #expect(warnings.isEmpty)
        #expect(theme == Theme.dark)
    }

    @Test func monoFileIsTheBuiltInMono() throws {
        let (theme, warnings) = try ThemeLoader.load(nameOrPath: themesDirectory + "/mono.yaml", searchDirectories: [])
        #expect(warnings.isEmpty)
        #expect(theme == Theme.mono)
    }

    @Test func solarizedNumbers() throws {
        let (theme, _) = try ThemeLoader.load(nameOrPath: "solarized", searchDirectories: [themesDirectory])
        #expect(theme.style(.normal) == Style(fg: .rgb(0x83, 0x94, 0x96), bg: .rgb(0x00, 0x2b, 0x36)))
        #expect(theme.style(.sev1) == Style(fg: .rgb(0xfd, 0xf6, 0xe3), bg: .rgb(0xdc, 0x32, 0x2f), bold: true))
        // Merged from the &base anchor, fg overridden.
        #expect(theme.style(.dim) == Style(fg: .rgb(0x65, 0x7b, 0x83), bg: .rgb(0x00, 0x2b, 0x36)))
        #expect(theme.adapted(to: .indexed256).style(.normal).bg == .indexed(234))
        #expect(theme.adapted(to: .indexed256).style(.sev1) == Style(fg: .indexed(230), bg: .indexed(166), bold: true))
        // At 16 colours base02 and base03 are both black: the header bar reverses to stay a bar.
        #expect(theme.adapted(to: .ansi16).style(.header).reverse)
        #expect(!theme.adapted(to: .ansi16).style(.normal).reverse)
        #expect(!theme.adapted(to: .mono).style(.dim).reverse)
    }

    /// WCAG 2 contrast ratio of two colours, through the xterm palette.
    static func contrast(_ a: TermColor, _ b: TermColor) -> Double {
        func rgb(_ c: TermColor) -> (UInt8, UInt8, UInt8) {
            switch c {
            case .rgb(let r, let g, let b): (r, g, b)
            case .ansi(let n), .indexed(let n): XTermPalette.rgb(n)
            case .default: (0, 0, 0)
            }
        }
        func luminance(_ c: TermColor) -> Double {
            let (r, g, b) = rgb(c)
            func lin(_ v: UInt8) -> Double {
                let s = Double(v) / 255
                return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
            }
            return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
        }
        let (x, y) = (luminance(a), luminance(b))
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }

    @Test func highContrastIsAAA() throws {
        let (theme, _) = try ThemeLoader.load(nameOrPath: "high-contrast", searchDirectories: [themesDirectory])
        let canvas = theme.style(.normal).bg
        #expect(canvas == .rgb(0, 0, 0))
        for (role, style) in theme.styles where !style.reverse {
            let ratio = Self.contrast(style.fg, style.bg == .default ? canvas : style.bg)
            #expect(ratio >= 7, "\(role): \(ratio)")
        }
        // Painting the whole screen does not make everything reverse in mono.
        let mono = theme.adapted(to: .mono)
        #expect(mono.style(.normal) == Style())
        #expect(mono.style(.dim) == Style())
        #expect(mono.style(.sev2) == Style(bold: true, reverse: true))
    }

    @Test func colorblindAvoidsRedAndGreen() throws {
        let (theme, _) = try ThemeLoader.load(nameOrPath: "colorblind", searchDirectories: [themesDirectory])
        #expect(theme.style(.ok).fg == .rgb(0x56, 0xb4, 0xe9))  // sky blue
        #expect(theme.style(.sev2).fg == .rgb(0xe6, 0x9f, 0x00))  // orange
        #expect(theme.style(.sev1).bg == .rgb(0xd5, 0x5e, 0x00))  // vermillion
    }
}
