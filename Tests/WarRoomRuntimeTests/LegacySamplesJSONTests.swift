import Foundation
import Testing
import WarRoomCore
import WarRoomTestSupport

@testable import WarRoomRuntime

/// The migration's own reader of format 1 sample events must agree with
/// `JSONDecoder` on every payload it accepts, and accept what the journal's
/// encoder wrote (or it saves nothing).
@Suite("Format 1 sample events read without JSONDecoder")
struct LegacySamplesJSONTests {
    private func fast(_ text: String) -> (source: String, samples: [Sample])? {
        Array(text.utf8).withUnsafeBufferPointer { LegacySamplesJSON.parse($0) }
    }

    private func slow(_ text: String) -> (source: String, samples: [Sample])? {
        guard case .samples(let source, let samples)? = try? JournalJSON.decoder.decode(Event.self, from: Data(text.utf8)) else { return nil }
        return (source, samples)
    }

    /// Same source, same keys, same values to the bit (NaN equal to NaN).
    private func same(_ a: (source: String, samples: [Sample]), _ b: (source: String, samples: [Sample])) -> Bool {
        a.source == b.source && a.samples.count == b.samples.count
            && zip(a.samples, b.samples).allSatisfy { x, y in
                x.key == y.key && (x.value.bitPattern == y.value.bitPattern || (x.value.isNaN && y.value.isNaN))
            }
    }

    private func randomValue(_ rng: inout SplitMix) -> Double {
        switch rng.next() % 8 {
        case 0: return Double(bitPattern: rng.next())  // any bits: subnormals, huge, NaN payloads
        case 1: return [.nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude][Int(rng.next() % 7)]
        case 2: return Double(Int64(bitPattern: rng.next()) % 1_000_000)
        case 3: return Double(rng.next() % 100_000) / 100_000
        default: return Double.random(in: 0 ..< 10, using: &rng) * pow(10, Double(Int(rng.next() % 40) - 20))
        }
    }

    @Test("what the journal's encoder writes for samples is read by the fast path, exactly as JSONDecoder reads it (20,000 random events)")
    func agreesOnEncodedEvents() throws {
        var rng = SplitMix(seed: 0x5A3F)
        let sources = ["web", "canary-health", "prom_1", "a b", "weird\"quote", "back\\slash", "ünïcode", "tab\there", ""]
        var taken = 0
        for _ in 0 ..< 20_000 {
            let source = sources[Int(rng.next() % UInt64(sources.count))]
            let samples = (0 ..< Int(rng.next() % 13)).map { _ in
                Sample(SeriesKey(Cohort.allCases.randomElement(using: &rng)!, MetricKind.allCases.randomElement(using: &rng)!), randomValue(&rng))
            }
            let text = String(decoding: try JournalJSON.encoder.encode(Event.samples(source: source, samples: samples)), as: UTF8.self)
            let reference = try #require(slow(text))
            if let parsed = fast(text) {
                taken += 1
                #expect(same(parsed, reference), "\(text)")
            } else {
                // Only escapes and non-ASCII text go the slow way.
                #expect(source.contains { !$0.isASCII || $0 == "\"" || $0 == "\\" || $0 == "\t" }, "refused a plain payload: \(text)")
            }
        }
        #expect(taken > 10_000, "the fast path took only \(taken) of 20,000 (5 of the 9 sources are plain)")
    }

    @Test("numbers in every JSON form (exponents, long mantissas, subnormals, overflow) agree with JSONDecoder or are left to it")
    func agreesOnNumberForms() {
        var rng = SplitMix(seed: 77)
        var texts = [
            "0", "-0", "1", "-1", "0.5", "1e5", "1E5", "1e+05", "1e-05", "1.5E-300", "2.2250738585072011e-308", "4.9e-324", "5e-325",
            "1e-400", "1e400", "-1e400", "1.7976931348623157e308", "1.7976931348623159e308", "123456789012345678901234567890",
            "0.1000000000000000055511151231257827", "9007199254740993", "01", "1.", ".5", "+1", "-", "1e", "1e+", "0x10", "1_0",
            "NaN", "Infinity", "\"NaN\"", "\"+Inf\"", "\"-Inf\"", "\"Inf\"", "\"nan\"", "true", "null", "\"1\"",
        ]
        for _ in 0 ..< 5_000 {
            var t = rng.next() % 2 == 0 ? "-" : ""
            t += String(rng.next() % 10_000_000_000)
            if rng.next() % 2 == 0 { t += "." + String(rng.next() % 1_000_000_000_000) }
            if rng.next() % 2 == 0 { t += ["e", "E"][Int(rng.next() % 2)] + ["", "+", "-"][Int(rng.next() % 3)] + String(rng.next() % 340) }
            texts.append(t)
        }
        var taken = 0
        for number in texts {
            let text = #"{"samples":{"samples":[{"key":{"cohort":"canary","metric":"error_rate"},"value":"# + number + #"}],"source":"s"}}"#
            let reference = slow(text)
            guard let parsed = fast(text) else { continue }
            taken += 1
            guard let reference else {
                Issue.record("the fast path read \(number), which JSONDecoder refuses")
                continue
            }
            #expect(same(parsed, reference), "\(number): \(parsed.samples[0].value) vs \(reference.samples[0].value)")
        }
        #expect(taken > 4_000)
    }

    @Test("a damaged or reshaped payload is refused or read as JSONDecoder reads it, never misread (20,000 mutations)")
    func neverMisreads() throws {
        var rng = SplitMix(seed: 9)
        let base = String(
            decoding: try JournalJSON.encoder.encode(
                Event.samples(
                    source: "web",
                    samples: [
                        Sample(SeriesKey(.canary, .errorRate), 0.0125), Sample(SeriesKey(.stable, .latencyP95), .nan),
                        Sample(SeriesKey(.stable, .throughput), 1200),
                    ])), as: UTF8.self)
        let alphabet = Array(#"{}[]":,. -+eE0123456789abcdefghijklmnopqrstuvwxyz\ NaInf"#.utf8)
        #expect(fast(base) != nil)
        for _ in 0 ..< 20_000 {
            var bytes = Array(base.utf8)
            for _ in 0 ..< 1 + Int(rng.next() % 3) {
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: at)
                default: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            guard let parsed = fast(text) else { continue }
            let reference = try #require(slow(text), "the fast path read what JSONDecoder refuses: \(text)")
            #expect(same(parsed, reference), "\(text)")
        }
    }

    @Test("other events and other shapes go to JSONDecoder")
    func refusesOtherShapes() throws {
        let note = String(decoding: try JournalJSON.encoder.encode(Event.note(text: "hi", by: "ana")), as: UTF8.self)
        #expect(fast(note) == nil)
        #expect(fast(#"{"samples":{"source":"s","samples":[]}}"#) == nil, "keys out of the encoder's order")
        #expect(fast(#"{ "samples":{"samples":[],"source":"s"}}"#) == nil, "spaces")
        #expect(fast(#"{"samples":{"samples":[],"source":"s"}}x"#) == nil, "trailing bytes")
        #expect(fast(#"{"samples":{"samples":[{"key":{"cohort":"blue","metric":"error_rate"},"value":1}],"source":"s"}}"#) == nil, "unknown cohort")
        let empty = try #require(fast(#"{"samples":{"samples":[],"source":"s"}}"#))
        #expect(empty.source == "s" && empty.samples.isEmpty)
    }
}
