import WarRoomUI
import Yams

/// Reads a theme's node tree strictly, collecting every problem with its
/// place (modelled on the config's YAMLReader).
final class ThemeReader {
    let file: String
    let lines: [[Unicode.Scalar]]
    private(set) var errors: [ThemeError] = []
    private(set) var warnings: [ThemeWarning] = []

    init(file: String, text: String) {
        self.file = file
        lines = ThemeReader.split(text)
    }

    static func split(_ text: String) -> [[Unicode.Scalar]] {
        // By scalar: "\r\n" is one Character, and would not split on "\n".
        text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
    }

    func fail(_ kind: ThemeError.Kind, _ node: Node?, _ field: String, _ message: String) {
        let mark = node?.mark
        errors.append(
            ThemeError(
                kind: kind, file: file, line: mark?.line ?? 0, column: mark?.column ?? 0,
                field: field, message: message))
    }

    func warn(_ node: Node?, _ field: String, _ message: String, role: Role? = nil) {
        let mark = node?.mark
        warnings.append(
            ThemeWarning(
                file: file, line: mark?.line ?? 0, column: mark?.column ?? 0,
                field: field, message: message, role: role))
    }

    /// A hint when the key's line holds an unquoted `#…` after the colon,
    /// which YAML reads as a comment, leaving the value empty.
    func commentHint(_ keyNode: Node) -> String {
        guard let line = keyNode.mark?.line, lines.indices.contains(line - 1) else { return "" }
        let text = String(String.UnicodeScalarView(lines[line - 1]))
        guard let colon = text.firstIndex(of: ":"), text[colon...].contains(" #") else { return "" }
        return " (an unquoted # starts a YAML comment: write colours in quotes, e.g. \"#dc322f\")"
    }

    static func kind(_ node: Node) -> String {
        switch node {
        case .scalar(let s):
            if s.string.isEmpty { return s.style == .plain ? "nothing" : "an empty string" }
            return s.style == .singleQuoted || s.style == .doubleQuoted ? "the quoted string '\(s.string)'" : "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    static func isNull(_ node: Node) -> Bool { node.null != nil }

    /// Keys renamed after a duplicate was reported (private-use scalars).
    static func isDuplicateMarker(_ key: String) -> Bool {
        key.unicodeScalars.first.map { (0xE000 ... 0xF8FF).contains($0.value) } ?? false
    }

    /// A mapping whose keys are checked off as they are read. `<<` merge keys
    /// (`<<: *base`) are applied: explicit keys win over merged ones.
    final class Map {
        struct Pair {
            let key: String
            let keyNode: Node
            let value: Node
        }

        let reader: ThemeReader
        let node: Node
        let path: String
        let pairs: [Pair]
        private var used: Set<String> = []

        init?(_ reader: ThemeReader, _ node: Node, path: String, what: String) {
            self.reader = reader
            self.node = node
            self.path = path
            guard node.mapping != nil else {
                reader.fail(.wrongType, node, path, "expected \(what), got \(ThemeReader.kind(node))")
                return nil
            }
            pairs = Map.flatten(node, reader: reader, path: path, depth: 0)
        }

        private static func flatten(_ node: Node, reader: ThemeReader, path: String, depth: Int) -> [Pair] {
            guard let mapping = node.mapping, depth < 16 else { return [] }
            var explicit: [Pair] = []
            var merged: [Pair] = []
            let field = { (key: String) in path.isEmpty ? key : "\(path).\(key)" }
            for (k, v) in mapping {
                if k.tag.rawValue == Tag.Name.merge.rawValue || (k.scalar?.style == .plain && k.scalar?.string == "<<") {
                    let sources: [Node] = v.mapping != nil ? [v] : Array(v.sequence ?? [])
                    guard !sources.isEmpty, sources.allSatisfy({ $0.mapping != nil }) else {
                        reader.fail(
                            .wrongType, v, field("<<"),
                            "a merge key needs a mapping or a list of mappings (e.g. <<: *base), got \(ThemeReader.kind(v))")
                        continue
                    }
                    for source in sources { merged += flatten(source, reader: reader, path: path, depth: depth + 1) }
                    continue
                }
                guard let key = k.scalar?.string else {
                    reader.fail(.wrongType, k, path, "keys must be plain strings, got \(ThemeReader.kind(k))")
                    continue
                }
                if ThemeReader.isDuplicateMarker(key) { continue }
                explicit.append(Pair(key: key, keyNode: k, value: v))
            }
            var seen = Set(explicit.map(\.key))
            var out = explicit
            for pair in merged where seen.insert(pair.key).inserted { out.append(pair) }
            return out
        }

        func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

        /// The pair for `key`, marking it read.
        func pair(_ key: String) -> Pair? {
            used.insert(key)
            return pairs.first { $0.key == key }
        }

        func markAllUsed() { for p in pairs { used.insert(p.key) } }

        /// Report keys that were never read, naming the valid ones.
        func finish(valid: [String], place: String, hints: [String: String] = [:]) {
            for pair in pairs where !used.contains(pair.key) {
                let guess = hints[pair.key.lowercased()] ?? Suggest.nearest(pair.key, in: valid)
                let dym = guess.map { " (did you mean '\($0)'?)" } ?? ""
                reader.fail(
                    .unknownKey, pair.keyNode, field(pair.key),
                    "unknown key '\(pair.key)'\(dym); valid keys \(place): \(valid.joined(separator: ", "))")
            }
        }

        /// A non-empty string; nil when absent or wrong (the error is recorded).
        func string(_ key: String, required: Bool = false, what: String) -> String? {
            guard let p = pair(key) else {
                if required { reader.fail(.missingField, node, field(key), "is required: \(what)") }
                return nil
            }
            if ThemeReader.isNull(p.value) {
                if required { reader.fail(.missingField, p.keyNode, field(key), "has no value: expected \(what)") }
                return nil
            }
            guard let s = p.value.scalar?.string else {
                reader.fail(.wrongType, p.value, field(key), "expected \(what), got \(ThemeReader.kind(p.value))")
                return nil
            }
            guard !s.isEmpty else {
                reader.fail(.wrongType, p.value, field(key), "must not be empty: expected \(what)")
                return nil
            }
            return s
        }

        /// true or false; nil when absent or wrong (the error is recorded).
        func bool(_ key: String) -> Bool? {
            guard let p = pair(key) else { return nil }
            if let b = p.value.bool { return b }
            let node = ThemeReader.isNull(p.value) ? p.keyNode : p.value
            reader.fail(.wrongType, node, field(key), "expected true or false, got \(ThemeReader.kind(p.value))")
            return nil
        }

        func map(_ key: String, what: String) -> Map? {
            guard let p = pair(key) else { return nil }
            if ThemeReader.isNull(p.value) {
                reader.fail(.wrongType, p.keyNode, field(key), "has no value: expected \(what) (or leave the key out)")
                return nil
            }
            return Map(reader, p.value, path: field(key), what: what)
        }
    }
}
