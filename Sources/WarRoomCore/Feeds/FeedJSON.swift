import Foundation

/// Small helpers shared by the JSON feed decoders: parsing, type names for
/// messages, field paths, Go-style numbers and times, and making untrusted
/// text safe to show on a terminal.
enum FeedJSON {
    /// Parses any JSON value; on failure returns a short reason.
    static func parse(_ data: Data) -> Result<Any, JSONReason> {
        do {
            return .success(try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
        } catch {
            let ns = error as NSError
            let reason = (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
            return .failure(JSONReason(text: clean(reason, limit: 200)))
        }
    }

    struct JSONReason: Error {
        var text: String
    }

    /// JSONSerialization gives NSNumber for both numbers and booleans.
    static func isBool(_ n: NSNumber) -> Bool {
        #if canImport(Darwin)
            return CFGetTypeID(n) == CFBooleanGetTypeID()
        #else
            return n === NSNumber(value: true) || n === NSNumber(value: false) || String(cString: n.objCType) == "c"
        #endif
    }

    static func isNull(_ value: Any?) -> Bool {
        guard let value else { return true }
        return value is NSNull
    }

    /// "a string", "a number", "an object"…, for "expected X, got Y" messages.
    static func typeName(_ value: Any) -> String {
        switch value {
        case is NSNull: "null"
        case let n as NSNumber: isBool(n) ? "a boolean" : "a number"
        case is String: "a string"
        case is [Any]: "an array"
        case is [String: Any]: "an object"
        default: "\(type(of: value))"
        }
    }

    /// A number that is not a boolean, or nil.
    static func number(_ value: Any) -> Double? {
        guard let n = value as? NSNumber, !isBool(n) else { return nil }
        return n.doubleValue
    }

    // MARK: Field paths

    /// `base.key`, or `base["key"]` when the key is not a plain identifier.
    static func member(_ base: String, _ key: String) -> String {
        let plain =
            !key.isEmpty
            && key.unicodeScalars.enumerated().allSatisfy { i, s in
                s == "_" || ("a" ... "z").contains(s) || ("A" ... "Z").contains(s) || (i > 0 && ("0" ... "9").contains(s))
            }
        if plain { return base.isEmpty ? key : base + "." + key }
        return base + "[" + quoted(key) + "]"
    }

    static func index(_ base: String, _ i: Int) -> String { base + "[\(i)]" }

    /// A double-quoted, escaped, terminal-safe rendering of untrusted text.
    static func quoted(_ text: String, limit: Int = 120) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if isUnsafe(scalar) { out += InertText.escape(scalar) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return "\"" + truncated(out, limit: limit) + "\""
    }

    // MARK: Terminal safety

    /// What `InertText` calls hostile: controls, format characters (bidi,
    /// zero-width), line and paragraph separators.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool { InertText.isHostile(scalar) }

    /// Replaces unsafe characters with spaces, collapses runs of white space,
    /// trims, and cuts to `limit` characters with "…".
    static func clean(_ text: String, limit: Int) -> String {
        var out = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) || scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out += " " }
            pendingSpace = false
            out.unicodeScalars.append(scalar)
        }
        return truncated(out, limit: limit)
    }

    /// Replaces unsafe characters one for one with U+FFFD, so that columns
    /// still line up; keeps white space.
    static func safe(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars { out.unicodeScalars.append(isUnsafe(scalar) ? "\u{FFFD}" : scalar) }
        return out
    }

    static func truncated(_ text: String, limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "…"
    }

    /// The start of a response body for an error message; looks at no more
    /// than a few kilobytes of it.
    static func excerpt(_ data: Data, limit: Int = 200) -> String {
        let head = String(decoding: data.prefix(4096), as: UTF8.self)
        let text = clean(head, limit: limit)
        return text.isEmpty ? "(empty body)" : text
    }

    // MARK: Numbers

    /// Parses a number the way Go's `strconv.ParseFloat` does (which is how
    /// Prometheus reads and writes sample values): "NaN", "Inf", "+Inf",
    /// "-Inf", "Infinity" in any case, decimal with optional exponent, and hex
    /// floats with a `p` exponent. No white space, no digit separators.
    static func goFloat(_ text: String) -> Double? {
        switch text.lowercased() {
        case "nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: break
        }
        let b = Array(text.utf8)
        var i = 0
        if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
        let isHex = i + 1 < b.count && b[i] == UInt8(ascii: "0") && (b[i + 1] | 0x20) == UInt8(ascii: "x")
        if isHex { i += 2 }
        func isDigit(_ c: UInt8) -> Bool {
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { return true }
            return isHex && (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "f")
        }
        var digits = 0
        while i < b.count, isDigit(b[i]) {
            i += 1
            digits += 1
        }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, isDigit(b[i]) {
                i += 1
                digits += 1
            }
        }
        guard digits > 0 else { return nil }
        let exponentMark = isHex ? UInt8(ascii: "p") : UInt8(ascii: "e")
        if i < b.count, (b[i] | 0x20) == exponentMark {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            var expDigits = 0
            while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") {
                i += 1
                expDigits += 1
            }
            guard expDigits > 0 else { return nil }
        } else if isHex {
            return nil  // Go requires a 'p' exponent on hex floats.
        }
        guard i == b.count else { return nil }
        return Double(text)
    }

    /// "1700000000", "1700000000.5": unix seconds as Prometheus reads them,
    /// never in exponent form, to the millisecond.
    static func seconds(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    // MARK: Times

    /// Parses an RFC 3339 time as Go writes it: `2026-11-23T16:05:03Z`,
    /// with optional fractional seconds (any number of digits, Go writes up
    /// to 9) and `Z` or a `±hh:mm` offset.
    static func rfc3339(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20 else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var n = 0
            for c in b[start ..< start + count] {
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                n = n * 10 + Int(c - UInt8(ascii: "0"))
            }
            return n
        }
        func at(_ i: Int, _ c: Character) -> Bool { i < b.count && b[i] == c.asciiValue }
        guard let year = digits(0, 4), at(4, "-"), let month = digits(5, 2), at(7, "-"), let day = digits(8, 2),
            at(10, "T") || at(10, "t"),
            let hour = digits(11, 2), at(13, ":"), let minute = digits(14, 2), at(16, ":"), let second = digits(17, 2)
        else { return nil }
        guard (1 ... 12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }
        var i = 19
        var fraction = 0.0
        if at(i, ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") {
                fraction += Double(b[i] - UInt8(ascii: "0")) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        var offset = 0
        if at(i, "Z") || at(i, "z") {
            i += 1
        } else if at(i, "+") || at(i, "-") {
            let sign = at(i, "-") ? -1 : 1
            guard let oh = digits(i + 1, 2), at(i + 3, ":"), let om = digits(i + 4, 2), oh <= 23, om <= 59 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let whole = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(whole) + fraction)
    }

    /// Go's zero `time.Time` ("0001-01-01T00:00:00Z"), which means "not set".
    static let goZeroTime = Date(timeIntervalSince1970: -62_135_596_800)

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = (month + 9) % 12
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
