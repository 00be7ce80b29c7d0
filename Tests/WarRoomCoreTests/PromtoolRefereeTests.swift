import Foundation
import Testing
import WarRoomCore
import WarRoomTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// promtool (from the `prometheus` package) as the referee for the 0.0.4
/// fixtures: for each, `promtool check metrics` must agree with our verdict,
/// except the spec-* cases, which we reject on purpose (see the header of
/// PrometheusTextTests.swift). With CI=true a missing promtool is a failure.
@Suite("promtool as referee", .serialized)
struct PromtoolRefereeTests {
    static var promtool: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/promtool" }.first { access($0, X_OK) == 0 }
    }

    /// Run promtool on `bytes` as stdin; returns its exit status and first output line.
    static func check(_ promtool: String, _ bytes: [UInt8]) throws -> (Int32, String) {
        let dir = NSTemporaryDirectory() + "promtool-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/in"))
        let script = "'\(promtool)' check metrics < '\(dir)/in' > '\(dir)/out' 2>&1; echo $? > '\(dir)/rc'"
        try spawn(["/bin/sh", "-c", script], capture: false)
        let rc = Int32((try? String(contentsOfFile: dir + "/rc", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
        let out = (try? String(contentsOfFile: dir + "/out", encoding: .utf8)) ?? ""
        return (rc, out.split(separator: "\n").first.map(String.init) ?? "")
    }

    @Test("promtool agrees with every 0.0.4 verdict except the rules it does not check")
    func referee() throws {
        guard let promtool = Self.promtool else {
            if ProcessInfo.processInfo.environment["CI"] == "true" {
                Issue.record("promtool is not installed, and CI=true requires it (apt-get install prometheus)")
            } else {
                print("skipped: promtool is not installed (apt-get install prometheus)")
            }
            return
        }
        let fixtures = Text004Fixtures.valid + Text004Fixtures.invalid
        #expect(fixtures.count >= 40)
        var stricter = 0
        for f in fixtures {
            let (rc, first) = try Self.check(promtool, f.bytes)
            // 0: clean; 3: lint findings only (e.g. no HELP); 1: a parse error.
            let promtoolValid = rc == 0 || rc == 3
            let oursValid = (try? PrometheusTextParser.parse(f.bytes, format: .prometheusText004)) != nil
            #expect(oursValid == (f.line == 0), "\(f.name): the fixture's own expectation")
            if f.name.hasPrefix("spec-"), f.line != 0 {
                stricter += 1
                #expect(promtoolValid && !oursValid, "\(f.name): expected promtool to accept what we refuse on purpose; promtool rc \(rc): \(first)")
            } else {
                #expect(promtoolValid == oursValid, "\(f.name): promtool rc \(rc) (\(first)), ours \(oursValid ? "valid" : "invalid")")
                if !promtoolValid, let range = first.range(of: "line ") {
                    // promtool names the same line ("... line 3: ..."), where it gives one.
                    let n = Int(first[range.upperBound...].prefix { $0.isNumber })
                    if let n { #expect(n == f.line, "\(f.name): promtool says line \(n), we say \(f.line)") }
                }
            }
        }
        #expect(stricter == 15)
    }
}
