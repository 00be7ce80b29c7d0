import Foundation
import Testing
import WarRoomTestSupport

/// The house style is `.swift-format` at the root, applied to every Swift file
/// of the package and the benchmarks: `swift format -i -r` fixes what this finds.
@Suite("The code is formatted")
struct SwiftFormatTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @Test("swift format lint --strict finds nothing in Sources, Tests, Package.swift and the benchmarks")
    func formatted() throws {
        let script = """
            cd '\(Self.root)' && swift format lint --strict --parallel -r Sources Tests Package.swift \
            $(find Benchmarks -name '*.swift' -not -path '*/.build/*') 2>&1
            """
        let (status, output) = try spawn(["/bin/sh", "-c", script])
        #expect(status == 0 && output.isEmpty, "run `swift format -i -p -r Sources Tests Package.swift Benchmarks/*/` to fix:\n\(output)")
    }
}

/// DECISIONS promises the strict settings in every target: read them back from Package.swift.
@Suite("Every target builds strict")
struct StrictSettingsTests {
    @Test("the strict settings hold Swift 6, ExistentialAny, MemberImportVisibility and InternalImportsByDefault, and every Swift target uses them")
    func strictEverywhere() throws {
        let manifest = try String(contentsOfFile: SwiftFormatTests.root + "/Package.swift", encoding: .utf8)
        let strict = try #require(manifest.range(of: "let strict: [SwiftSetting] = [").map { manifest[$0.upperBound...] })
        let settings = strict[..<(strict.range(of: "\n]")?.lowerBound ?? strict.endIndex)]
        for feature in [".swiftLanguageMode(.v6)", "\"ExistentialAny\"", "\"MemberImportVisibility\"", "\"InternalImportsByDefault\""] {
            #expect(settings.contains(feature), "strict lacks \(feature)")
        }
        let targets = manifest.components(separatedBy: "\n").filter {
            let line = $0.trimmingCharacters(in: .whitespaces)
            return line.hasPrefix(".target(") || line.hasPrefix(".testTarget(") || line.hasPrefix(".executableTarget(")
        }
        #expect(targets.count >= 10)
        #expect(manifest.components(separatedBy: "swiftSettings: strict").count - 1 == targets.count, "a Swift target without the strict settings")
    }
}
