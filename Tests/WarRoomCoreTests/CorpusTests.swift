import Foundation
import Testing

@testable import WarRoomCore

/// The committed fuzzing corpus (Tests/Corpus), replayed on every run. Each input
/// must be read or refused with a reason, never crash, and the reason must be usable.
let corpusDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Corpus")

func corpus(_ name: String) throws -> [(name: String, data: Data)] {
    let dir = corpusDirectory.appendingPathComponent(name)
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !$0.hasPrefix(".") }.sorted()
    return try files.map { ($0, try Data(contentsOf: dir.appendingPathComponent($0))) }
}

@Suite("Fuzzing corpus")
struct CorpusTests {
    @Test("every health input decodes or is refused with its field; decoded values are in range")
    func health() throws {
        let inputs = try corpus("health")
        #expect(inputs.count >= 20)
        for (name, data) in inputs {
            do {
                let reading = try HealthDecoder.decode(data)
                for s in reading.samples {
                    #expect(s.value.isFinite && s.value >= 0, "\(name): \(s)")
                    if s.key.metric == .errorRate { #expect(s.value <= 1, "\(name): \(s)") }
                }
            } catch {
                #expect(!error.description.isEmpty, "\(name)")
            }
        }
    }

    @Test("every scrape input parses or is refused at a line inside the input; parsing is deterministic")
    func scrape() throws {
        let inputs = try corpus("scrape")
        #expect(inputs.count >= 50)
        var accepted = 0
        for (name, data) in inputs where !data.isEmpty {
            let format: ExpositionFormat = data[data.startIndex] % 2 == 0 ? .prometheusText004 : .openMetrics100
            let body = Array(data.dropFirst())
            let lines = body.reduce(1) { $0 + ($1 == 10 ? 1 : 0) }
            do {
                let families = try PrometheusTextParser.parse(body, format: format)
                accepted += 1
                #expect(try PrometheusTextParser.parse(body, format: format) == families, "\(name): not deterministic")
                for f in families {
                    #expect(!f.name.isEmpty, "\(name)")
                    for s in f.samples { #expect(!s.name.isEmpty, "\(name)") }
                }
            } catch {
                #expect((1 ... lines + 1).contains(error.line), "\(name): error at line \(error.line) of \(lines): \(error.reason)")
                #expect(!error.reason.isEmpty, "\(name)")
            }
        }
        #expect(accepted > 0, "the corpus holds valid pages too")
    }
}
