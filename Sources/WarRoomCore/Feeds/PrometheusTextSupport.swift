import Foundation

// Byte-level building blocks for PrometheusTextParser: character classes,
// number grammar, a string interner and a small hash table for label sets.

extension PrometheusTextParser {
    // MARK: Character classes

    @inline(__always) static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
    /// `[a-zA-Z_]`
    @inline(__always) static func isLabelStart(_ b: UInt8) -> Bool { isLetter(b) || b == 0x5F }
    /// `[a-zA-Z0-9_]`
    @inline(__always) static func isLabelChar(_ b: UInt8) -> Bool { isLabelStart(b) || isDigit(b) }
    /// `[a-zA-Z_:]`
    @inline(__always) static func isNameStart(_ b: UInt8) -> Bool { isLabelStart(b) || b == 0x3A }
    /// `[a-zA-Z0-9_:]`
    @inline(__always) static func isNameChar(_ b: UInt8) -> Bool { isLabelChar(b) || b == 0x3A }

    /// Compares `n` bytes at `p` case-insensitively with an ASCII lowercase word.
    static func matchesLowercase(_ p: UnsafePointer<UInt8>, _ n: Int, _ word: StaticString) -> Bool {
        guard n == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0 ..< n where p[k] | 0x20 != w[k] { return false }
        return true
    }

    /// Compares `n` bytes at `p` exactly with `word`.
    static func matches(_ p: UnsafePointer<UInt8>, _ n: Int, _ word: StaticString) -> Bool {
        guard n == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0 ..< n where p[k] != w[k] { return false }
        return true
    }

    // MARK: Numbers

    enum NumberResult {
        case value(Double)
        case invalid
        case outOfRange
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses a float in the grammar shared by both formats (it is both Go's
    /// `strconv.ParseFloat` minus hex and `_`, which 0.0.4 uses, and the
    /// OpenMetrics ABNF `number`):
    ///
    ///     [sign] (digits ["." [digits]] | "." digits) [("e"|"E") [sign] digits]
    ///     [sign] ("inf" | "infinity")          -- case-insensitive, if allowSpecial
    ///     "nan"                                -- case-insensitive, no sign, if allowSpecial
    ///
    /// Values beyond the float64 range are `.outOfRange` (as in both);
    /// values too small for float64 become zero (as in Go).
    static func parseNumber(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, allowSpecial: Bool) -> NumberResult {
        var i = start
        guard i < end else { return .invalid }
        var negative = false
        var signed = false
        if p[i] == 0x2B || p[i] == 0x2D {
            negative = p[i] == 0x2D
            signed = true
            i += 1
            guard i < end else { return .invalid }
        }
        let lower = p[i] | 0x20
        if lower == 0x69 || lower == 0x6E {  // i, n
            guard allowSpecial else { return .invalid }
            let n = end - i
            if lower == 0x69 {
                if matchesLowercase(p + i, n, "inf") || matchesLowercase(p + i, n, "infinity") {
                    return .value(negative ? -.infinity : .infinity)
                }
            } else if !signed && matchesLowercase(p + i, n, "nan") {
                return .value(.nan)
            }
            return .invalid
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var truncated = false
        var digits = 0
        while i < end, isDigit(p[i]) {
            let d = UInt64(p[i] &- 0x30)
            digits += 1
            if mantissa == 0 && d == 0 {
                // leading zero
            } else if significant < 19 {
                mantissa = mantissa &* 10 &+ d
                significant += 1
            } else {
                exponent += 1
                if d != 0 { truncated = true }
            }
            i += 1
        }
        if i < end && p[i] == 0x2E {
            i += 1
            while i < end, isDigit(p[i]) {
                let d = UInt64(p[i] &- 0x30)
                digits += 1
                if mantissa == 0 && d == 0 {
                    exponent -= 1
                } else if significant < 19 {
                    mantissa = mantissa &* 10 &+ d
                    significant += 1
                    exponent -= 1
                } else if d != 0 {
                    truncated = true
                }
                i += 1
            }
        }
        guard digits > 0 else { return .invalid }
        if i < end && p[i] | 0x20 == 0x65 {  // e
            i += 1
            var expNegative = false
            if i < end && (p[i] == 0x2B || p[i] == 0x2D) {
                expNegative = p[i] == 0x2D
                i += 1
            }
            guard i < end, isDigit(p[i]) else { return .invalid }
            var e = 0
            while i < end, isDigit(p[i]) {
                if e < 1_000_000 { e = e * 10 + Int(p[i] &- 0x30) }
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        guard i == end else { return .invalid }
        if mantissa == 0 { return .value(negative ? -0.0 : 0.0) }
        // The value is mantissa × 10^exponent with 10^(significant-1) ≤ mantissa.
        if exponent + significant > 310 { return .outOfRange }
        if exponent + significant < -330 { return .value(negative ? -0.0 : 0.0) }
        if !truncated && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            // Both operands are exact, so one IEEE operation rounds correctly.
            let m = Double(mantissa)
            let v = exponent < 0 ? m / powersOfTen[-exponent] : m * powersOfTen[exponent]
            return .value(negative ? -v : v)
        }
        // Rare: more than 15-16 significant digits or a large exponent.
        // Swift's parser is correctly rounded and locale-independent.
        let text = String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self)
        guard let v = Double(text), v.isFinite else { return .outOfRange }
        return .value(v)
    }

    /// Go's `strconv.ParseInt(s, 10, 64)`: `[sign] digits`, within Int64.
    static func parseInt64(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
        var i = start
        guard i < end else { return nil }
        var negative = false
        if p[i] == 0x2B || p[i] == 0x2D {
            negative = p[i] == 0x2D
            i += 1
        }
        guard i < end else { return nil }
        var magnitude: UInt64 = 0
        let limit: UInt64 = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        while i < end {
            guard isDigit(p[i]) else { return nil }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(p[i] &- 0x30))
            guard !o1, !o2, a <= limit else { return nil }
            magnitude = a
            i += 1
        }
        return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
    }

    // MARK: Hashing

    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func hashBytes(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(truncatingIfNeeded: n)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = ((h ^ w) &* 0x9E37_79B9_7F4A_7C15)
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(p[i]) << shift
            shift += 8
            i += 1
        }
        return mix(h ^ tail)
    }

    /// An order-independent hash of a label set (pairs of interned ids) plus a name id.
    static func hashKey(name: Int32, _ pairs: [UInt64], _ from: Int, _ to: Int, skipping skipName: Int32) -> UInt64 {
        var h: UInt64 = 0
        var k = from
        while k < to {
            let pair = pairs[k]
            if Int32(truncatingIfNeeded: pair >> 32) != skipName { h &+= mix(pair) }
            k += 1
        }
        return mix(h ^ (UInt64(UInt32(bitPattern: name)) &* 0xD6E8_FEB8_6659_FD93))
    }

    @inline(__always) static func pair(_ name: Int32, _ value: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: name)) << 32 | UInt64(UInt32(bitPattern: value))
    }

    // MARK: Interner

    /// Maps byte strings to dense ids and their Strings, so each distinct
    /// name or label value is decoded (and UTF-8 validated) only once.
    struct Interner {
        private var slots: [Int32]
        private var mask: Int
        private var hashes: [UInt64] = []
        private var offsets: [Int] = []
        private var lengths: [Int] = []
        private var arena: [UInt8] = []
        private(set) var strings: [String] = []

        init() {
            slots = Array(repeating: -1, count: 256)
            mask = 255
        }

        /// The id of these bytes, adding them if new. nil only if they are
        /// new, `validate` is set and they are not valid UTF-8.
        mutating func intern(_ p: UnsafePointer<UInt8>, _ n: Int, validate: Bool) -> Int32? {
            let h = PrometheusTextParser.hashBytes(p, n)
            var s = Int(truncatingIfNeeded: h) & mask
            while true {
                let e = slots[s]
                if e < 0 { break }
                if hashes[Int(e)] == h && equals(Int(e), p, n) { return e }
                s = (s + 1) & mask
            }
            let buffer = UnsafeBufferPointer(start: p, count: n)
            let string: String
            if validate && !Self.isASCII(p, n) {
                guard let valid = String(validating: buffer, as: UTF8.self) else { return nil }
                string = valid
            } else {
                string = String(decoding: buffer, as: UTF8.self)
            }
            let id = Int32(truncatingIfNeeded: strings.count)
            strings.append(string)
            hashes.append(h)
            offsets.append(arena.count)
            lengths.append(n)
            arena.append(contentsOf: buffer)
            slots[s] = id
            if strings.count * 2 > slots.count { grow() }
            return id
        }

        mutating func intern(_ bytes: [UInt8], validate: Bool) -> Int32? {
            bytes.withUnsafeBufferPointer { buffer -> Int32? in
                guard let base = buffer.baseAddress else {
                    var empty: UInt8 = 0
                    return withUnsafePointer(to: &empty) { intern($0, 0, validate: validate) }
                }
                return intern(base, buffer.count, validate: validate)
            }
        }

        /// The id of these bytes if they were interned before.
        func find(_ bytes: [UInt8]) -> Int32? {
            bytes.withUnsafeBufferPointer { buffer -> Int32? in
                guard let base = buffer.baseAddress else { return nil }
                let h = PrometheusTextParser.hashBytes(base, buffer.count)
                var s = Int(truncatingIfNeeded: h) & mask
                while true {
                    let e = slots[s]
                    if e < 0 { return nil }
                    if hashes[Int(e)] == h && equals(Int(e), base, buffer.count) { return e }
                    s = (s + 1) & mask
                }
            }
        }

        /// The bytes of an interned string.
        func bytes(_ id: Int32) -> ArraySlice<UInt8> {
            let k = Int(id)
            return arena[offsets[k] ..< (offsets[k] + lengths[k])]
        }

        /// Runs `body` over the bytes of an interned string.
        func withBytes<R>(_ id: Int32, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
            let k = Int(id)
            let offset = offsets[k]
            let length = lengths[k]
            return arena.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else {
                    var empty: UInt8 = 0
                    return withUnsafePointer(to: &empty) { body($0, 0) }
                }
                return body(base + offset, length)
            }
        }

        private func equals(_ e: Int, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
            guard lengths[e] == n else { return false }
            guard n > 0 else { return true }
            let offset = offsets[e]
            return arena.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return false }
                return memcmp(base + offset, p, n) == 0
            }
        }

        private static func isASCII(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
            var i = 0
            let raw = UnsafeRawPointer(p)
            while i + 8 <= n {
                if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                i += 8
            }
            while i < n {
                if p[i] >= 0x80 { return false }
                i += 1
            }
            return true
        }

        private mutating func grow() {
            let capacity = slots.count * 2
            slots = Array(repeating: -1, count: capacity)
            mask = capacity - 1
            for e in hashes.indices {
                var s = Int(truncatingIfNeeded: hashes[e]) & mask
                while slots[s] >= 0 { s = (s + 1) & mask }
                slots[s] = Int32(truncatingIfNeeded: e)
            }
        }
    }

    // MARK: Label-set table

    /// A hash set of (name id, label set) keys, compared exactly, each
    /// remembering the line it was first seen on. Label order does not matter.
    struct KeyTable {
        private var slots: [Int32] = []
        private var mask = -1
        private var hashes: [UInt64] = []
        private var names: [Int32] = []
        private var starts: [Int] = []
        private var counts: [Int] = []
        private(set) var lines: [Int] = []
        private var pairs: [UInt64] = []

        var count: Int { hashes.count }

        /// Looks up the key made of `name` and `source[from..<to]` minus the
        /// label called `skip`; inserts it if absent.
        mutating func findOrInsert(
            hash: UInt64, name: Int32, _ source: [UInt64], _ from: Int, _ to: Int,
            skipping skip: Int32, line: Int
        ) -> (entry: Int, inserted: Bool) {
            if slots.isEmpty {
                slots = Array(repeating: -1, count: 16)
                mask = 15
            }
            var s = Int(truncatingIfNeeded: hash) & mask
            while true {
                let e = slots[s]
                if e < 0 { break }
                if matches(Int(e), hash: hash, name: name, source, from, to, skipping: skip) { return (Int(e), false) }
                s = (s + 1) & mask
            }
            let entry = hashes.count
            hashes.append(hash)
            names.append(name)
            starts.append(pairs.count)
            var k = from
            while k < to {
                if Int32(truncatingIfNeeded: source[k] >> 32) != skip { pairs.append(source[k]) }
                k += 1
            }
            counts.append(pairs.count - starts[entry])
            lines.append(line)
            slots[s] = Int32(truncatingIfNeeded: entry)
            if hashes.count * 2 > slots.count { grow() }
            return (entry, true)
        }

        /// Whether `entry` is the key `name` + `source[from..<to]` minus `skip`.
        func matches(
            _ entry: Int, hash: UInt64, name: Int32, _ source: [UInt64], _ from: Int, _ to: Int,
            skipping skip: Int32
        ) -> Bool {
            guard hashes[entry] == hash, names[entry] == name else { return false }
            let start = starts[entry]
            let end = start + counts[entry]
            // Fast path: the labels came in the same order as last time.
            var j = start
            var k = from
            while k < to {
                let candidate = source[k]
                if Int32(truncatingIfNeeded: candidate >> 32) != skip {
                    guard j < end, pairs[j] == candidate else { break }
                    j += 1
                }
                k += 1
            }
            if k == to { return j == end }
            // Different order: compare as sets (label names are unique within a set).
            if counts[entry] > 64 {
                let stored = Set(pairs[start ..< end])
                var seen = 0
                for index in from ..< to where Int32(truncatingIfNeeded: source[index] >> 32) != skip {
                    guard stored.contains(source[index]) else { return false }
                    seen += 1
                }
                return seen == counts[entry]
            }
            var seen = 0
            k = from
            while k < to {
                let candidate = source[k]
                if Int32(truncatingIfNeeded: candidate >> 32) != skip {
                    seen += 1
                    var found = false
                    var j = start
                    while j < end {
                        if pairs[j] == candidate {
                            found = true
                            break
                        }
                        j += 1
                    }
                    if !found { return false }
                }
                k += 1
            }
            return seen == counts[entry]
        }

        /// The label pairs of an entry.
        func key(_ entry: Int) -> ArraySlice<UInt64> {
            pairs[starts[entry] ..< (starts[entry] + counts[entry])]
        }

        private mutating func grow() {
            let capacity = slots.count * 2
            slots = Array(repeating: -1, count: capacity)
            mask = capacity - 1
            for e in hashes.indices {
                var s = Int(truncatingIfNeeded: hashes[e]) & mask
                while slots[s] >= 0 { s = (s + 1) & mask }
                slots[s] = Int32(truncatingIfNeeded: e)
            }
        }
    }
}
