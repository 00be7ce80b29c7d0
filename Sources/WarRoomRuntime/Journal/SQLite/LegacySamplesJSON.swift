import WarRoomCore

/// The `samples` events of a format 1 journal, read without `JSONDecoder`.
///
/// Decoding each of them as an `Event` was 63% of a week's migration (about
/// 40 µs an event). This reads only the one shape `JournalJSON.encoder`
/// writes for `.samples`: sorted keys, no spaces, ASCII strings without
/// escapes, numbers as JSON numbers or as `"NaN"`, `"+Inf"`, `"-Inf"`.
/// Anything else, or anything it is unsure of (a number that overflows or underflows to zero),
/// gives nil, and the caller decodes that payload with `JSONDecoder`: the
/// two never disagree on a payload this accepts (`LegacySamplesJSONTests`).
enum LegacySamplesJSON {
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (source: String, samples: [Sample])? {
        var p = Reader(bytes: bytes)
        guard p.skip(#"{"samples":{"samples":["#) else { return nil }
        var samples: [Sample] = []
        if !p.skip("]") {
            while true {
                guard p.skip(#"{"key":{"cohort":""#), let cohort = p.string().flatMap(Cohort.init(rawValue:)),
                    p.skip(#","metric":""#), let metric = p.string().flatMap(MetricKind.init(rawValue:)),
                    p.skip(#"},"value":"#), let value = p.value(), p.skip("}")
                else { return nil }
                samples.append(Sample(SeriesKey(cohort, metric), value))
                if p.skip("]") { break }
                guard p.skip(",") else { return nil }
            }
        }
        guard p.skip(#","source":""#), let source = p.string(), p.skip("}}"), p.atEnd else { return nil }
        return (source, samples)
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        var atEnd: Bool { i == bytes.count }

        /// Step over `literal` if the bytes here are exactly it.
        mutating func skip(_ literal: StaticString) -> Bool {
            let n = literal.utf8CodeUnitCount
            guard bytes.count - i >= n else { return false }
            let base = literal.utf8Start
            for k in 0 ..< n where bytes[i + k] != base[k] { return false }
            i += n
            return true
        }

        /// The rest of a string whose opening quote is read: printable ASCII
        /// up to the closing quote, no escapes.
        mutating func string() -> String? {
            let start = i
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start ..< i]), as: UTF8.self)
                    i += 1
                    return text
                }
                guard b >= 0x20, b < 0x7F, b != UInt8(ascii: "\\") else { return nil }
                i += 1
            }
            return nil
        }

        /// A JSON number (RFC 8259 grammar, finite), or one of the three
        /// strings the journal's encoder writes for non-finite values.
        mutating func value() -> Double? {
            if skip(#""NaN""#) { return .nan }
            if skip(#""+Inf""#) { return .infinity }
            if skip(#""-Inf""#) { return -.infinity }
            let start = i
            var nonzero = false  // a mantissa digit other than 0
            func digit(_ k: Int) -> Bool { k < bytes.count && bytes[k] >= UInt8(ascii: "0") && bytes[k] <= UInt8(ascii: "9") }
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digit(i) else { return nil }
            if bytes[i] == UInt8(ascii: "0") {
                i += 1
            } else {
                nonzero = true
                while digit(i) { i += 1 }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard digit(i) else { return nil }
                while digit(i) {
                    if bytes[i] != UInt8(ascii: "0") { nonzero = true }
                    i += 1
                }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard digit(i) else { return nil }
                while digit(i) { i += 1 }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start ..< i]), as: UTF8.self)
            // JSONDecoder refuses a number that overflows, or that underflows to zero.
            guard let v = Double(text), v.isFinite, v != 0 || !nonzero else { return nil }
            return v
        }
    }
}
