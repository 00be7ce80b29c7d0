import Foundation
import Testing
import WarRoomThemes
import WarRoomUI

@Suite("Theme files")
struct ThemeLoaderTests {
    @Test func paletteReferencesAndLiterals() throws {
        let text = """
            name: refs
            palette:
              red: "#dc322f"
              base03: "#002B36"
              alert: bright-red
              grey: 244
              low: 3
            roles:
              normal: {fg: default, bg: base03}
              sev1: {fg: "#ffffff", bg: red, bold: true, underline: true}
              sev2: {fg: alert}
              dim: {fg: grey, dim: true}
              sev3: {fg: low}
              ok: {fg: green}
              stale: {fg: 100, reverse: false}
              title: {fg: Bright-Cyan}

            """
        let (theme, warnings) = try ThemeLoader.parse(text, file: "refs.yaml")
        #expect(theme.name == "refs")
        #expect(theme.style(.normal) == Style(bg: .rgb(0, 0x2b, 0x36)))
        #expect(theme.style(.sev1) == Style(fg: .rgb(255, 255, 255), bg: .rgb(0xdc, 0x32, 0x2f), bold: true, underline: true))
        #expect(theme.style(.sev2) == Style(fg: .ansi(9)))
        #expect(theme.style(.dim) == Style(fg: .indexed(244), dim: true))
        #expect(theme.style(.sev3) == Style(fg: .ansi(3)))
        #expect(theme.style(.ok) == Style(fg: .ansi(2)))  // ANSI name, not in the palette
        #expect(theme.style(.stale) == Style(fg: .indexed(100)))
        #expect(theme.style(.title) == Style(fg: .ansi(14)))
        // Roles left out fall back to dark's, with one warning each.
        let missing = Set(Role.allCases).subtracting([.normal, .sev1, .sev2, .dim, .sev3, .ok, .stale, .title])
        #expect(Set(warnings.compactMap(\.role)) == missing)
        #expect(warnings.count == missing.count)
        for role in missing { #expect(theme.style(role) == Theme.dark.style(role)) }
    }

    @Test func missingRoleWarning() throws {
        let text = """
            name: partial
            description: only a few roles
            roles:
              normal: {}
              sev1: {bold: true, reverse: true}

            """
        let (theme, warnings) = try ThemeLoader.parse(text, file: "partial.yaml")
        #expect(theme.summary == "only a few roles")
        #expect(warnings.count == Role.allCases.count - 2)
        let header = try #require(warnings.first { $0.role == .header })
        #expect(header.line == 3)
        #expect(header.field == "roles.header")
        #expect(header.description == "partial.yaml:3:1: roles.header: warning: role 'header' is not defined; using the dark theme's style")
        #expect(theme.style(.header) == Theme.dark.style(.header))
        #expect(theme.style(.sev1) == Style(bold: true, reverse: true))
    }

    @Test func noRolesAtAllStillLoads() throws {
        let (theme, warnings) = try ThemeLoader.parse("name: bare\n", file: "bare.yaml")
        #expect(theme.styles == Theme.dark.styles)
        #expect(warnings.count == Role.allCases.count)
        #expect(warnings.allSatisfy { $0.line == 0 })
    }

    @Test func sameForegroundAndBackgroundWarns() throws {
        let text = "name: x\nroles:\n\(allRoles.replacingOccurrences(of: "sev1: {}", with: "sev1: {fg: red, bg: 1}"))\n"
        let (_, warnings) = try ThemeLoader.parse(text, file: "x.yaml")
        #expect(warnings.count == 1)
        #expect(warnings.first?.role == .sev1)
        #expect(warnings.first?.message.contains("invisible") == true)
    }

    @Test func mergeKeys() throws {
        let text = """
            name: merged
            palette: {bg: "#101010"}
            roles:
              normal: &base {fg: white, bg: bg}
              dim: {<<: *base, fg: bright-black}
              sev1: {<<: [*base], bold: true}

            """
        let (theme, _) = try ThemeLoader.parse(text, file: "m.yaml")
        #expect(theme.style(.dim) == Style(fg: .ansi(8), bg: .rgb(16, 16, 16)))
        #expect(theme.style(.sev1) == Style(fg: .ansi(7), bg: .rgb(16, 16, 16), bold: true))
    }

    // MARK: - Errors, each at its line

    @Test func unknownTopLevelKey() {
        let errs = errors(
            """
            name: t
            colours:
              red: "#ff0000"
            roles: {}

            """)
        #expect(errs.count == 1)
        let e = errs[0]
        #expect(e.kind == .unknownKey)
        #expect((e.line, e.column) == (2, 1))
        #expect(e.field == "colours")
        #expect(e.message.contains("did you mean 'palette'?"))
        #expect(e.message.contains("name, description, palette, roles"))
        #expect(e.description.hasPrefix("t.yaml:2:1: colours: unknown key 'colours'"))
    }

    @Test func unknownRoleSuggestsTheNearest() {
        let errs = errors(
            """
            name: t
            roles:
              normal: {}
              sev4: {fg: red}
              heder: {bold: true}
              header_alert: {bold: true}
              zzzzzzzz: {}

            """)
        #expect(errs.map(\.kind) == [.unknownRole, .unknownRole, .unknownRole, .unknownRole])
        #expect(errs.map(\.line) == [4, 5, 6, 7])
        #expect(errs.map(\.column) == [3, 3, 3, 3])
        #expect(errs.map(\.field) == ["roles.sev4", "roles.heder", "roles.header_alert", "roles.zzzzzzzz"])
        #expect(errs[0].message.contains("did you mean 'sev3'?"))
        #expect(errs[1].message.contains("did you mean 'header'?"))
        #expect(errs[2].message.contains("did you mean 'headerAlert'?"))
        #expect(!errs[3].message.contains("did you mean"))
        let all = Role.allCases.map(\.name).joined(separator: ", ")
        #expect(errs.allSatisfy { $0.message.hasSuffix("valid roles: \(all)") })
    }

    @Test func unknownKeyInARole() {
        let errs = errors(
            """
            name: t
            roles:
              sev1:
                fg: red
                background: blue
              sev2: {fg: red, italic: true}

            """)
        #expect(errs.count == 2)
        #expect(errs[0].kind == .unknownKey)
        #expect((errs[0].line, errs[0].column, errs[0].field) == (5, 5, "roles.sev1.background"))
        #expect(errs[0].message.contains("did you mean 'bg'?"))
        #expect(errs[0].message.contains("fg, bg, bold, dim, reverse, underline"))
        #expect((errs[1].line, errs[1].column, errs[1].field) == (6, 19, "roles.sev2.italic"))
    }

    @Test func badColours() {
        let errs = errors(
            """
            name: t
            palette:
              a: "#12345"
              b: "#ggg000"
              c: 256
              d: purplish
              e: "#00ff00"
            roles:
              normal: {fg: "#1234567"}
              sev1: {fg: 300, bg: "#zz0000"}
              sev2: {fg: a}

            """)
        #expect(errs.map(\.kind) == Array(repeating: .badColour, count: 7))
        #expect(errs.map(\.line) == [3, 4, 5, 6, 9, 10, 10])
        #expect(
            errs.map(\.field) == [
                "palette.a", "palette.b", "palette.c", "palette.d",
                "roles.normal.fg", "roles.sev1.fg", "roles.sev1.bg",
            ])
        #expect((errs[0].line, errs[0].column) == (3, 6))
        #expect(errs[0].message.contains("'#12345' has 5 hex digits; \"#rrggbb\" needs exactly 6"))
        #expect(errs[1].message.contains("'g' is not a hex digit"))
        #expect(errs[2].message.contains("'256' is outside the 256-colour range 0-255"))
        #expect(errs[3].message.contains("'purplish' is not a colour"))
        for e in errs {
            #expect(e.message.contains("valid colours: \"#rrggbb\""))
            #expect(e.message.contains("bright-black … bright-white"))
            #expect(e.message.contains("default, or a 256-colour index 0-255"))
        }
        // Roles naming the broken entry `a` are not reported a second time.
        #expect(!errs.contains { $0.field == "roles.sev2.fg" })
        #expect(errs[5].message.contains("or a palette name (e)"))
    }

    @Test func missingPaletteEntry() {
        let errs = errors(
            """
            name: t
            palette:
              base03: "#002b36"
              red: "#dc322f"
            roles:
              normal: {fg: base3, bg: base03}
              sev1: {bg: reed}
              sev2: {fg: brightred}

            """)
        #expect(errs.map(\.kind) == [.missingPaletteEntry, .missingPaletteEntry, .missingPaletteEntry])
        #expect(errs.map(\.line) == [6, 7, 8])
        #expect((errs[0].column, errs[0].field) == (16, "roles.normal.fg"))
        #expect(errs[0].message.hasPrefix("no palette entry named 'base3' (did you mean 'base03'?); the palette has: base03, red"))
        #expect(errs[1].message.contains("did you mean 'red'?"))
        #expect(errs[2].message.contains("did you mean 'bright-red'?"))
    }

    @Test func wordWithoutAPaletteIsABadColour() {
        let errs = errors("name: t\nroles:\n  sev1: {fg: purplish}\n")
        #expect(errs.count == 1)
        #expect(errs[0].kind == .badColour)
        #expect((errs[0].line, errs[0].column) == (3, 14))
        #expect(errs[0].message.contains("'purplish' is not a colour"))
    }

    @Test func unquotedHashIsAComment() {
        let errs = errors(
            """
            name: t
            roles:
              sev1:
                fg: #ff0000
                bold: true

            """)
        #expect(errs.count == 1)
        #expect(errs[0].kind == .badColour)
        #expect((errs[0].line, errs[0].field) == (4, "roles.sev1.fg"))
        #expect(errs[0].message.contains("an unquoted # starts a YAML comment"))
    }

    @Test func wrongTypes() {
        let errs = errors(
            """
            name: [a, b]
            description: {x: 1}
            palette: 5
            roles:
              sev1: {fg: [1, 2], bold: 3}
              sev2: {bold: "true", dim: yes}
              sev3:
              ok: red

            """)
        #expect(errs.map(\.kind) == Array(repeating: .wrongType, count: 8))
        #expect(errs.map(\.line) == [1, 2, 3, 5, 5, 6, 7, 8])
        #expect(
            errs.map(\.field) == [
                "name", "description", "palette", "roles.sev1.fg", "roles.sev1.bold",
                "roles.sev2.bold", "roles.sev3", "roles.ok",
            ])
        #expect(errs[0].message == "expected the theme's name, e.g. name: solarized, got a list")
        #expect(errs[4].message == "expected true or false, got '3'")
        #expect(errs[5].message == "expected true or false, got the quoted string 'true'")
        #expect(errs[6].message.contains("has no style"))
        #expect(errs[7].message.contains("expected a style mapping such as {fg: red, bold: true}, got 'red'"))
    }

    @Test func topLevelMustBeAMapping() {
        let errs = errors("- name: t\n")
        #expect(errs.count == 1)
        #expect(errs[0].kind == .wrongType)
        #expect(errs[0].line == 1)
    }

    @Test func nameIsRequired() {
        let errs = errors(
            """
            description: nameless
            roles:
              normal: {}

            """)
        #expect(errs.count == 1)
        #expect(errs[0].kind == .missingField)
        #expect((errs[0].line, errs[0].field) == (1, "name"))
        #expect(errs[0].message.contains("is required"))
        #expect(errors("name:\n")[0].kind == .missingField)
        #expect(errors("")[0].kind == .missingField)
        #expect(errors("# just a comment\n")[0].message.contains("empty"))
    }

    @Test func duplicateKeysAreAllReported() {
        let errs = errors(
            """
            name: t
            roles:
              sev1: {fg: red, bold: true, fg: blue}
              sev2:
                fg: red
                bold: true
                fg: blue
              sev1: {}
            name: u
            palette: {x: 3}
            rolez: {}

            """)
        #expect(errs.map(\.kind) == [.duplicateKey, .duplicateKey, .duplicateKey, .duplicateKey, .unknownKey])
        #expect(errs.map(\.line) == [3, 7, 8, 9, 11])
        #expect(errs.map(\.column) == [31, 5, 3, 1, 1])
        #expect(errs.map(\.field) == ["roles.sev1.fg", "roles.sev2.fg", "roles.sev1", "name", "rolez"])
        #expect(errs[1].message == "'fg' appears twice in the same mapping (first on line 5); keep one")
        #expect(errs[4].message.contains("did you mean 'roles'?"))
        #expect(errs[0].message == "'fg' appears twice in the same mapping (first at column 10); keep one")

        let crlf = errors("name: t\r\nroles:\r\n  sev1: {}\r\n  sev1: {}\r\n")
        #expect(crlf.map(\.kind) == [.duplicateKey])
        #expect((crlf[0].line, crlf[0].column, crlf[0].field) == (4, 3, "roles.sev1"))
    }

    @Test func invalidYAMLGivesItsLine() {
        let errs = errors(
            """
            name: t
            roles:
              sev1: {fg: red
              sev2: {}

            """)
        #expect(errs.count == 1)
        #expect(errs[0].kind == .invalidYAML)
        #expect(errs[0].line == 4)
        #expect(errs[0].message.hasPrefix("not valid YAML: "))

        let tab = errors("name: t\nroles:\n\tsev1: {}\n")
        #expect(tab.count == 1)
        #expect(tab[0].kind == .invalidYAML)
        #expect(tab[0].line == 3)

        let hash = errors("name: t\nroles:\n  sev1: {fg: #ff0000, bold: true}\n  sev2: {}\n")
        #expect(hash.count == 1)
        #expect(hash[0].kind == .invalidYAML)
        #expect(hash[0].message.contains("line 3 has an unquoted #colour"))
    }

    @Test func errorsAreCollectedInFileOrder() {
        let errs = errors(
            """
            name: t
            pallete: {}
            roles:
              sev1: {fg: "#12", bolder: true}
              nope: {}
              sev2: {bold: maybe}

            """, file: "themes/bad.yaml")
        #expect(errs.map(\.line) == [2, 4, 4, 5, 6])
        #expect(errs.map(\.kind) == [.unknownKey, .badColour, .unknownKey, .unknownRole, .wrongType])
        #expect(errs.allSatisfy { $0.file == "themes/bad.yaml" })
        #expect(errs[0].message.contains("did you mean 'palette'?"))
        #expect(errs[2].message.contains("did you mean 'bold'?"))
    }

    @Test func badPaletteNames() {
        let errs = errors("name: t\npalette:\n  default: red\n  \"#abc\": red\n  7: red\n")
        #expect(errs.map(\.line) == [3, 4, 5])
        #expect(errs.allSatisfy { $0.kind == .badColour && $0.message.contains("cannot name a palette entry") })
    }
}
