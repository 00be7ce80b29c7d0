/// Makes text from outside (alerts, health answers, scrapes, config files,
/// notes, command output) inert on a terminal, in a log and in markdown: the
/// one place that decides which characters may pass.
///
/// A hostile scalar is replaced by a visible, plain-ASCII escape, so the
/// operator still sees that something was there and what it was:
///
/// | what | examples | shown as |
/// | --- | --- | --- |
/// | C0 controls, DEL, C1 controls | ESC, BEL, CSI U+009B, ST U+009C | `\x1b`, `\x07`, `\x9b`, `\x9c` |
/// | newline, carriage return, tab (unless the sink allows newline or tab) | | `\n`, `\r`, `\t` |
/// | format characters (Cf): bidi overrides and isolates, marks, zero-width, BOM, soft hyphen, tags | U+202E, U+2066, U+200E, U+061C, U+200B, U+200D, U+FEFF, U+00AD | `\u202e`, `\u2066`, `\u200e`, `\u061c`, `\u200b`, `\u200d`, `\ufeff`, `\xad` |
/// | line and paragraph separators | U+2028, U+2029 | `\u2028`, `\u2029` |
///
/// Scalars above U+FFFF print as `\U` and eight hex digits. A backslash is not
/// doubled: the escape is for seeing, not for decoding back. Everything else
/// (letters of any script, combining marks, emoji, variation selectors)
/// passes unchanged. Cleaning is idempotent: its output is inert.
public enum InertText {
    /// Line structure a sink may keep: a multi-line command output, a
    /// markdown file. Carriage return is never kept; with `.newline` a CR LF
    /// becomes LF.
    public struct Allowed: OptionSet, Sendable, Hashable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let newline = Allowed(rawValue: 1)
        public static let tab = Allowed(rawValue: 2)
        public static let lines: Allowed = [.newline, .tab]
    }

    /// Whether a scalar must not reach a terminal, whatever the sink allows.
    @inline(__always)
    public static func isHostile(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x20 || (0x7F ... 0x9F).contains(v) { return true }
        if v < 0xAD { return false }  // fast path: printable ASCII and Latin-1
        switch s.properties.generalCategory {
        case .format, .lineSeparator, .paragraphSeparator, .control: return true
        default: return false
        }
    }

    @inline(__always)
    static func passes(_ s: Unicode.Scalar, _ allowed: Allowed) -> Bool {
        if !isHostile(s) { return true }
        if s == "\n" { return allowed.contains(.newline) }
        if s == "\t" { return allowed.contains(.tab) }
        return false
    }

    /// True when `clean(text, allowing:)` would return `text` unchanged.
    public static func isInert(_ text: String, allowing allowed: Allowed = []) -> Bool {
        for s in text.unicodeScalars where !passes(s, allowed) { return false }
        return true
    }

    /// The visible stand-in for a hostile scalar (`\x1b`, `\u202e`, `\n`).
    public static func escape(_ s: Unicode.Scalar) -> String {
        func hex(_ v: UInt32, _ digits: Int) -> String {
            let h = String(v, radix: 16)
            return String(repeating: "0", count: max(0, digits - h.count)) + h
        }
        switch s {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default: break
        }
        if s.value <= 0xFF { return "\\x" + hex(s.value, 2) }
        if s.value <= 0xFFFF { return "\\u" + hex(s.value, 4) }
        return "\\U" + hex(s.value, 8)
    }

    /// `text` with every hostile scalar replaced by its escape. Returns the
    /// same string, without copying, when there is nothing to replace.
    public static func clean(_ text: String, allowing allowed: Allowed = []) -> String {
        if isInert(text, allowing: allowed) { return text }
        var out = String.UnicodeScalarView()
        var previousCR = false
        for s in text.unicodeScalars {
            if previousCR {
                previousCR = false
                if s == "\n", allowed.contains(.newline) {
                    out.append(s)
                    continue
                }
                out.append(contentsOf: escape("\r").unicodeScalars)
            }
            if s == "\r", allowed.contains(.newline) {
                previousCR = true
                continue
            }
            if passes(s, allowed) { out.append(s) } else { out.append(contentsOf: escape(s).unicodeScalars) }
        }
        if previousCR { out.append(contentsOf: escape("\r").unicodeScalars) }
        return String(out)
    }

    /// Both keys and values of a map (labels, annotations). Two keys that
    /// clean to the same text keep the value of the one that sorts first.
    public static func clean(_ map: [String: String]) -> [String: String] {
        if map.allSatisfy({ isInert($0.key) && isInert($0.value) }) { return map }
        var out: [String: String] = [:]
        for key in map.keys.sorted() {
            let k = clean(key)
            if out[k] == nil { out[k] = clean(map[key]!) }
        }
        return out
    }

    /// JSON text made inert without changing what it means: each hostile
    /// scalar (which can only be inside a string) becomes a JSON `\uXXXX`
    /// escape, so a parser reads back exactly what was recorded. Newlines
    /// (between values) stay.
    public static func json(_ text: String) -> String {
        if isInert(text, allowing: .lines) { return text }
        func hex(_ v: UInt32) -> String {
            let h = String(v, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - h.count) + h
        }
        var out = ""
        for s in text.unicodeScalars {
            if passes(s, .lines) {
                out.unicodeScalars.append(s)
                continue
            }
            if s.value <= 0xFFFF {
                out += hex(s.value)
                continue
            }
            let v = s.value - 0x10000
            out += hex(0xD800 + (v >> 10)) + hex(0xDC00 + (v & 0x3FF))
        }
        return out
    }

    /// The first hostile scalar of `text` and its position (1-based, in
    /// scalars), for an error message that refuses typed text.
    public static func firstHostile(in text: String, allowing allowed: Allowed = []) -> (scalar: Unicode.Scalar, position: Int)? {
        for (i, s) in text.unicodeScalars.enumerated() where !passes(s, allowed) { return (s, i + 1) }
        return nil
    }
}
