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
