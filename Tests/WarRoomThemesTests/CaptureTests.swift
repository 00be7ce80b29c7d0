import Foundation
import Testing
import WarRoomThemes

@testable import WarRoomUI

@Suite("Captures: every shipped theme at every depth")
struct CaptureTests {
    /// A small grid with every role, so each theme's styles show.
    static var grid: Grid {
        var g = Grid(width: 40, height: Role.allCases.count)
        for (i, role) in Role.allCases.enumerated() { g.put("\(role.name) ▲ SEV", x: 0, y: i, role: role) }
        return g
    }

    @Test("each theme renders at each depth; mono has no colour escapes; themes look different from each other", arguments: shippedNames)
    func capture(_ name: String) throws {
        let (theme, warnings) = try ThemeLoader.load(nameOrPath: name, searchDirectories: [themesDirectory])
        #expect(warnings.isEmpty)
        var seen: Set<String> = []
        for depth in ColorDepth.allCases {
            let text = ANSIText.render(Self.grid, theme: theme, depth: depth)
            #expect(text.contains("sev1 ▲ SEV"))
            let colour = Self.hasColour(text)
            if depth == .mono { #expect(!colour, "\(name) at mono") } else if name != "mono" { #expect(colour, "\(name) at \(depth)") }
            seen.insert(text)
        }
        if name != "mono" { #expect(seen.count >= 3, "\(name): depths should differ") }
    }

    /// Any SGR colour parameter (30-37, 40-47, 90-97, 100-107, 38, 48).
    static func hasColour(_ text: String) -> Bool {
        for seq in text.split(separator: "\u{1B}").dropFirst() where seq.hasPrefix("[") {
            let params = seq.dropFirst().prefix { $0.isNumber || $0 == ";" }
            for p in params.split(separator: ";").compactMap({ Int($0) }) {
                if (30 ... 37).contains(p) || (40 ... 47).contains(p) || (90 ... 97).contains(p) || (100 ... 107).contains(p) || p == 38 || p == 48 {
                    return true
                }
            }
        }
        return false
    }

    @Test("the shipped captures in docs/themes exist for every theme and depth")
    func docs() {
        let dir = URL(fileURLWithPath: themesDirectory).deletingLastPathComponent().appendingPathComponent("docs/themes").path
        for name in shippedNames {
            for depth in ["truecolor", "256", "16", "8", "mono"] {
                #expect(FileManager.default.fileExists(atPath: "\(dir)/\(name)-\(depth).ansi"), "\(name)-\(depth).ansi")
            }
        }
    }
}
