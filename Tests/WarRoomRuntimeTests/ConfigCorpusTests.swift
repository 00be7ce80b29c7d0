import Foundation
import Testing
import WarRoomCore

@testable import WarRoomRuntime

@Suite("Fuzzing corpus: config")
struct ConfigCorpusTests {
    @Test("every config input loads or is refused with file, line and a message; loaded durations are sane")
    func config() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Corpus/config")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files.count >= 50)
        for name in files {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            // YAML breaks lines at LF, CR, CRLF, NEL, LS and PS.
            let lineCount =
                text.replacingOccurrences(of: "\r\n", with: "\n").unicodeScalars
                .filter { ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains($0) }.count + 1
            do {
                let config = try ConfigLoader.parse(text, file: name)
                for s in config.sources {
                    #expect(s.interval.isFinite && s.interval > 0 && s.interval <= Parse.maxDuration, "\(name): \(s.name) interval \(s.interval)")
                    #expect(s.timeout.isFinite && s.timeout > 0 && s.timeout <= Parse.maxDuration, "\(name): \(s.name) timeout \(s.timeout)")
                }
                for step in config.plan.steps { #expect(step.hold.map { $0.isFinite && $0 <= Parse.maxDuration } ?? true, "\(name)") }
            } catch {
                for e in error.errors {
                    #expect(e.file == name)
                    #expect(e.line <= lineCount + 1, "\(name): \(e)")
                    #expect(!e.message.isEmpty, "\(name)")
                }
            }
        }
        // The fuzzer's finding: absurd durations are refused, not turned into trapping timers.
        for bad in ["huge-timeout.yaml", "infinite-interval.yaml"] {
            let text = try String(contentsOf: dir.appendingPathComponent(bad), encoding: .utf8)
            #expect(throws: ConfigErrors.self, "\(bad)") { try ConfigLoader.parse(text, file: bad) }
        }
        #expect(clampedMilliseconds(.infinity) == 0)
        #expect(clampedMilliseconds(1e300) == 366 * 86_400 * 1000)
    }
}
