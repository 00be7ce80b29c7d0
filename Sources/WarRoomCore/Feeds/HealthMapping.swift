public import Foundation

/// Why a JSON path is not valid; `column` counts characters from 1.
public struct JSONPathError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var column: Int
    public var reason: String
    public var description: String { "\(FeedJSON.safe(text)): column \(column): \(reason)" }
}

/// A small, strict subset of JSONPath: `$` (the whole document), `.name`,
/// `['name']` or `["name"]` (for names with dots, spaces or other
/// characters; `\'`, `\"` and `\\` escape), and `[N]` (array index from 0).
/// No wildcards, filters, slices, negative indices or recursive descent.
/// A bare `.name` may hold letters, digits, `_` and `-`.
public struct JSONPath: Sendable, Equatable, Hashable, CustomStringConvertible {
    public enum Segment: Sendable, Equatable, Hashable {
        case name(String)
        case index(Int)
    }

    public let text: String
    public let segments: [Segment]
    public var description: String { text }

    public init(_ text: String) throws(JSONPathError) {
        self.text = text
        self.segments = try Self.parse(text)
    }

    /// The value at the path: nil when it does not exist (a missing key, an
    /// index past the end, or a step into something that is not an object or
    /// array), `.some(nil)` for JSON null, else the value as
    /// JSONSerialization gives it.
    public func select(in root: Any) -> Any?? {
        var current = root
        for segment in segments {
            switch segment {
            case .name(let name):
                guard let object = current as? [String: Any], let next = object[name] else { return nil }
                current = next
            case .index(let i):
                guard let array = current as? [Any], i < array.count else { return nil }
                current = array[i]
            }
        }
        if current is NSNull { return Optional<Any?>.some(nil) }
        return Optional<Any?>.some(Optional<Any>.some(current))
    }

    private static func parse(_ text: String) throws(JSONPathError) -> [Segment] {
        let chars = Array(text)
        func fail(_ index: Int, _ reason: String) -> JSONPathError {
            JSONPathError(text: text, column: index + 1, reason: reason)
        }
        func shown(_ c: Character) -> String {
            if let scalar = c.unicodeScalars.first, c.unicodeScalars.count == 1,
                FeedJSON.isUnsafe(scalar) || scalar.properties.isWhitespace
            {
                return String(format: "U+%04X", scalar.value)
            }
            return "'\(c)'"
        }
        guard let first = chars.first else { throw fail(0, "expected '$' at the start, got an empty path") }
        guard first == "$" else { throw fail(0, "expected '$' at the start, got \(shown(first))") }

        var segments: [Segment] = []
        var i = 1
        while i < chars.count {
            let c = chars[i]
            switch c {
            case ".":
                let dot = i
                i += 1
                let start = i
                while i < chars.count, isNameCharacter(chars[i]) { i += 1 }
                guard i > start else {
                    var reason = "expected a name after '.'"
                    if i < chars.count, chars[i] == "." { reason += " (recursive descent '..' is not supported)" }
                    if i < chars.count, chars[i] == "*" { reason += " (wildcards are not supported)" }
                    throw fail(dot, reason)
                }
                segments.append(.name(String(chars[start ..< i])))
            case "[":
                let open = i
                i += 1
                guard i < chars.count else { throw fail(open, "expected an index or a quoted name after '['") }
                let next = chars[i]
                if next == "'" || next == "\"" {
                    let quote = i
                    i += 1
                    var name = ""
                    var closed = false
                    while i < chars.count {
                        let ch = chars[i]
                        if ch == "\\" {
                            guard i + 1 < chars.count else { break }
                            let escaped = chars[i + 1]
                            guard escaped == "'" || escaped == "\"" || escaped == "\\" else {
                                throw fail(i, "unknown escape '\\\(escaped)' (only \\', \\\" and \\\\ are allowed)")
                            }
                            name.append(escaped)
                            i += 2
                            continue
                        }
                        if ch == next {
                            closed = true
                            i += 1
                            break
                        }
                        name.append(ch)
                        i += 1
                    }
                    guard closed else { throw fail(quote, "unterminated quoted name: missing the closing \(next)") }
                    guard i < chars.count, chars[i] == "]" else { throw fail(i, "expected ']' after the quoted name") }
                    i += 1
                    segments.append(.name(name))
                } else if let digit = next.asciiValue, (48 ... 57).contains(digit) {
                    let start = i
                    while i < chars.count, let d = chars[i].asciiValue, (48 ... 57).contains(d) { i += 1 }
                    guard i < chars.count, chars[i] == "]" else { throw fail(i, "expected ']' after the index") }
                    guard let n = Int(String(chars[start ..< i])) else { throw fail(start, "the index is too large") }
                    i += 1
                    segments.append(.index(n))
                } else {
                    var reason = "expected an index or a quoted name after '['"
                    if next == "-" { reason = "expected a non-negative index or a quoted name after '['" }
                    if next == "*" { reason += " (wildcards are not supported)" }
                    if next == "?" { reason += " (filters are not supported)" }
                    throw fail(open, reason)
                }
            default:
                throw fail(i, "expected '.' or '[', got \(shown(c))")
            }
        }
        return segments
    }

    private static func isNameCharacter(_ c: Character) -> Bool {
        c == "_" || c == "-" || c.isLetter || c.isNumber
    }
}

/// Why a health endpoint's JSON could not be read through a mapping.
public struct HealthMappingFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The entry's series, or nil for a problem with the whole body.
    public var key: SeriesKey?
    public var path: String
    public var reason: String
    public var description: String {
        guard let key else { return reason }
        return "\(key) at \(path): \(reason)"
    }
}

/// Reads samples from a health endpoint whose JSON is not in the runbooks'
/// shape: each entry says where one series' value is and how to convert it.
///
/// A path that does not exist, or holds null, gives no sample for its key
/// (no data, not an error). A number, or a string that is fully a number
/// ("0.25"), is read; anything else (booleans included) is an error naming
/// the key and path, and so are non-finite and negative values and, for
/// error rates, values outside 0...1 after scaling. Samples come in the
/// order of the entries.
public struct HealthMapping: Sendable, Equatable {
    /// Common scales: multiply the endpoint's value by these.
    public enum Scale {
        public static let percent = 0.01  // percent → fraction
        public static let milliseconds = 0.001  // ms → s
        public static let perSecond = 60.0  // per second → per minute
    }

    public struct Entry: Sendable, Equatable {
        public var key: SeriesKey
        public var path: JSONPath
        /// Multiplies the value: 0.01 for percent, 0.001 for ms, 60 for per-second.
        public var scale: Double
        public init(key: SeriesKey, path: JSONPath, scale: Double = 1) {
            self.key = key
            self.path = path
            self.scale = scale
        }
        public init(_ key: SeriesKey, _ path: String, scale: Double = 1) throws(JSONPathError) {
            self.init(key: key, path: try JSONPath(path), scale: scale)
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    public func read(_ data: Data) throws(HealthMappingFailure) -> [Sample] {
        let root: Any
        switch FeedJSON.parse(data) {
        case .success(let value): root = value
        case .failure(let reason):
            throw HealthMappingFailure(
                key: nil, path: "",
                reason: "not valid JSON (\(reason.text)); it starts with: \(FeedJSON.excerpt(data))")
        }
        var samples: [Sample] = []
        for entry in entries {
            func fail(_ reason: String) -> HealthMappingFailure {
                HealthMappingFailure(key: entry.key, path: entry.path.text, reason: reason)
            }
            guard entry.scale.isFinite, entry.scale > 0 else {
                throw fail("the scale must be a positive number, got \(entry.scale)")
            }
            guard let found = entry.path.select(in: root), let value = found else { continue }
            let raw: Double
            if let n = FeedJSON.number(value) {
                raw = n
            } else if let text = value as? String {
                guard let n = FeedJSON.goFloat(text) else {
                    throw fail("expected a number, got the string \(FeedJSON.quoted(text, limit: 40))")
                }
                raw = n
            } else {
                throw fail("expected a number, got \(FeedJSON.typeName(value))")
            }
            guard raw.isFinite else { throw fail("not a finite number (\(raw))") }
            guard raw >= 0 else { throw fail("must not be negative, got \(raw)") }
            let scaled = raw * entry.scale
            guard scaled.isFinite else { throw fail("\(raw) × \(entry.scale) is not a finite number") }
            if entry.key.metric == .errorRate, scaled > 1 {
                var reason = "an error rate must be a fraction between 0 and 1, got \(scaled)"
                if entry.scale != 1 { reason += " (\(raw) × \(entry.scale))" }
                if entry.scale == 1, scaled <= 100 { reason += "; it looks like a percentage: set `unit: percent`" }
                throw fail(reason)
            }
            samples.append(Sample(entry.key, scaled))
        }
        return samples
    }
}
