public import Foundation
import WarRoomCore
import Yams

/// Reads a YAML node tree strictly, collecting every problem with its line:
/// wrong types, bad values, missing fields, and keys nobody asked for.
final class YAMLReader {
    let file: String
    private(set) var errors: [ConfigError] = []

    init(file: String) { self.file = file }

    func fail(_ node: Node?, _ field: String, _ message: String) {
        let mark = node?.mark
        errors.append(ConfigError(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, field: field, message: message))
    }

    /// Refuse text that would not be inert on a terminal (`InertText`):
    /// controls, bidi overrides, zero-width and other format characters,
    /// line separators, in any key or value. Newlines and tabs may stay (a
    /// block scalar's body). Each one is an error naming line and field.
    func refuseHostileText(_ node: Node, path: String = "") {
        switch node {
        case .scalar(let scalar):
            if let (s, i) = InertText.firstHostile(in: scalar.string, allowing: .lines) {
                fail(
                    node, path,
                    "holds \(InertText.escape(s)) (U+\(String(format: "%04X", s.value))) at character \(i): control and invisible formatting characters are not allowed in a config"
                )
            }
        case .mapping(let mapping):
            for (k, v) in mapping {
                let key = k.scalar?.string ?? ""
                let field = path.isEmpty ? InertText.clean(key) : "\(path).\(InertText.clean(key))"
                refuseHostileText(k, path: field)
                refuseHostileText(v, path: field)
            }
        case .sequence(let sequence):
            for (i, v) in sequence.enumerated() { refuseHostileText(v, path: "\(path)[\(i)]") }
        case .alias:
            break
        }
    }

    /// A mapping whose keys are checked off as they are read.
    final class Map {
        let reader: YAMLReader
        let node: Node
        let path: String
        private var pairs: [(key: String, keyNode: Node, value: Node)] = []
        private var used: Set<String> = []

        init?(_ reader: YAMLReader, _ node: Node, path: String) {
            self.reader = reader
            self.node = node
            self.path = path
            guard let mapping = node.mapping else {
                reader.fail(node, path, "expected a mapping of keys to values, got \(YAMLReader.kind(node))")
                return nil
            }
            var seen: Set<String> = []
            for (k, v) in mapping {
                guard let key = k.scalar?.string else {
                    reader.fail(k, path, "keys must be plain strings")
                    continue
                }
                if !seen.insert(key).inserted {
                    reader.fail(k, field(key), "appears twice")
                }
                pairs.append((key, k, v))
            }
        }

        func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

        func node(_ key: String) -> Node? {
            used.insert(key)
            guard let v = pairs.first(where: { $0.key == key })?.value else { return nil }
            if v.null != nil { return nil }
            return v
        }

        func has(_ key: String) -> Bool { pairs.contains { $0.key == key } }

        /// Report keys that were never read, naming the valid ones.
        func finish(valid: [String]) {
            for pair in pairs where !used.contains(pair.key) {
                let suggestion = valid.isEmpty ? "" : "; valid keys here: \(valid.joined(separator: ", "))"
                reader.fail(pair.keyNode, field(pair.key), "unknown key\(suggestion)")
            }
        }

        func missing(_ key: String, _ what: String) {
            reader.fail(node, field(key), "is required: \(what)")
        }

        // Typed getters: nil when absent or wrong (the error is recorded).

        func string(_ key: String, required: Bool = false, what: String = "a string") -> String? {
            guard let v = node(key) else {
                if required { missing(key, what) }
                return nil
            }
            guard let s = v.scalar?.string, !s.isEmpty else {
                reader.fail(v, field(key), "expected \(what), got \(YAMLReader.kind(v))")
                return nil
            }
            return s
        }

        func duration(_ key: String, required: Bool = false) -> TimeInterval? {
            guard let v = node(key) else {
                if required { missing(key, "a duration such as 30s, 15m, 1h or 1h30m") }
                return nil
            }
            guard let s = v.scalar?.string, let d = Parse.duration(s), d > 0 else {
                reader.fail(v, field(key), "expected a positive duration such as 30s, 15m, 1h or 1h30m (at most 366d), got \(YAMLReader.kind(v))")
                return nil
            }
            return d
        }

        /// A fraction: "5%" or 0.05.
        func fraction(_ key: String, required: Bool = false) -> Double? {
            guard let v = node(key) else {
                if required { missing(key, "a percentage such as 5% (or a fraction such as 0.05)") }
                return nil
            }
            guard let s = v.scalar?.string, let f = Parse.fraction(s), f >= 0, f <= 1 else {
                reader.fail(
                    v, field(key), "expected a percentage between 0% and 100% such as 5% (or a fraction such as 0.05), got \(YAMLReader.kind(v))")
                return nil
            }
            return f
        }

        /// A traffic weight in percent: "25%" or 25.
        func weight(_ key: String, required: Bool = false) -> Double? {
            guard let v = node(key) else {
                if required { missing(key, "a traffic weight such as 25%") }
                return nil
            }
            let s = v.scalar?.string ?? ""
            let trimmed = s.hasSuffix("%") ? String(s.dropLast()) : s
            guard let w = Double(trimmed.trimmingCharacters(in: .whitespaces)), w > 0, w <= 100 else {
                reader.fail(v, field(key), "expected a traffic weight above 0% and at most 100%, such as 25%, got \(YAMLReader.kind(v))")
                return nil
            }
            return w
        }

        func sequence(_ key: String, required: Bool = false, what: String) -> [Node]? {
            guard let v = node(key) else {
                if required { missing(key, what) }
                return nil
            }
            guard let seq = v.sequence else {
                reader.fail(v, field(key), "expected a list (\(what)), got \(YAMLReader.kind(v))")
                return nil
            }
            return Array(seq)
        }

        func map(_ key: String, required: Bool = false, what: String = "a mapping") -> Map? {
            guard let v = node(key) else {
                if required { missing(key, what) }
                return nil
            }
            return Map(reader, v, path: field(key))
        }

        func oneOf(_ key: String, _ choices: [String], required: Bool = false) -> String? {
            guard let s = string(key, required: required, what: "one of \(choices.joined(separator: ", "))") else { return nil }
            guard choices.contains(s) else {
                reader.fail(node(key), field(key), "expected one of \(choices.joined(separator: ", ")), got '\(s)'")
                return nil
            }
            return s
        }
    }

    static func kind(_ node: Node) -> String {
        switch node {
        case .scalar(let s): s.string.isEmpty ? "nothing" : "'\(s.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

}

/// Value syntaxes shared by configs and command lines.
public enum Parse {
    /// The longest duration anything accepts: a year. Longer is a typo, and
    /// timers past it would overflow when turned into nanoseconds.
    public static let maxDuration: TimeInterval = 366 * 86_400

    /// "500ms", "45s", "15m", "1h", "1h30m", "2d", or a bare number of seconds;
    /// nil when malformed, not finite, or longer than `maxDuration`.
    public static func duration(_ text: String) -> TimeInterval? {
        guard let d = rawDuration(text), d.isFinite, d <= maxDuration else { return nil }
        return d
    }

    private static func rawDuration(_ text: String) -> TimeInterval? {
        let s = text.trimmingCharacters(in: .whitespaces)
        if let n = Double(s), n.isFinite { return n }
        var total: TimeInterval = 0
        var number = ""
        var index = s.startIndex
        var sawUnit = false
        while index < s.endIndex {
            let c = s[index]
            if c.isNumber || c == "." {
                number.append(c)
                index = s.index(after: index)
                continue
            }
            guard let value = Double(number) else { return nil }
            let rest = s[index...]
            let unit: Double
            if rest.hasPrefix("ms") {
                unit = 0.001
                index = s.index(index, offsetBy: 2)
            } else if c == "s" {
                unit = 1
                index = s.index(after: index)
            } else if c == "m" {
                unit = 60
                index = s.index(after: index)
            } else if c == "h" {
                unit = 3600
                index = s.index(after: index)
            } else if c == "d" {
                unit = 86_400
                index = s.index(after: index)
            } else {
                return nil
            }
            total += value * unit
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit else { return nil }
        return total
    }

    /// "5%" → 0.05, "0.05" → 0.05.
    public static func fraction(_ text: String) -> Double? {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s.hasSuffix("%") {
            guard let p = Double(s.dropLast().trimmingCharacters(in: .whitespaces)), p.isFinite else { return nil }
            return p / 100
        }
        guard let f = Double(s), f.isFinite else { return nil }
        return f
    }
}
