import Foundation
public import WarRoomUI
import Yams

/// Reads theme files (YAML). Strict: unknown keys, unknown roles, bad
/// colours, wrong types and duplicate keys are errors naming the file, line,
/// column, field and what would be valid; all are reported at once. A role
/// the file leaves out is a warning and takes the `dark` theme's style.
///
/// ```yaml
/// name: solarized                  # required
/// description: One line for lists  # optional
/// palette:                         # optional: names for colours
///   base03: "#002b36"
///   red: "#dc322f"                 # palette names shadow ANSI names
/// roles:
///   normal: {fg: base0, bg: default}
///   sev1: {fg: base3, bg: red, bold: true}
///   dim: {fg: base01, dim: true}
/// ```
/// A colour is `"#rrggbb"` (quoted: an unquoted # starts a comment), an ANSI
/// name (black red green yellow blue magenta cyan white, bright-black …
/// bright-white), `default`, or a 256-colour index 0-255 (0-15 are the ANSI
/// colours). fg/bg take a palette name or a colour; palette entries take
/// colours only. Role keys: fg, bg, bold, dim, reverse, underline. YAML
/// anchors and `<<: *base` merges work.
public enum ThemeLoader {
    public static let topKeys = ["name", "description", "palette", "roles"]
    public static let roleKeys = ["fg", "bg", "bold", "dim", "reverse", "underline"]
    /// Where missing roles come from.
    public static let fallback = Theme.dark

    static let colourForms =
        "\"#rrggbb\" in quotes (e.g. \"#dc322f\"), an ANSI name (black, red, green, yellow, blue, magenta, cyan, white, or bright-black … bright-white), default, or a 256-colour index 0-255"
    static let validColours = "valid colours: " + colourForms

    static let topHints = [
        "colors": "palette", "colours": "palette", "colour": "palette", "color": "palette",
        "styles": "roles", "style": "roles", "desc": "description", "summary": "description",
        "title": "name", "theme": "name",
    ]
    static let roleHints = [
        "foreground": "fg", "fore": "fg", "color": "fg", "colour": "fg", "text": "fg",
        "background": "bg", "back": "bg", "bright": "bold", "strong": "bold",
        "faint": "dim", "inverse": "reverse", "invert": "reverse", "reversed": "reverse",
        "underlined": "underline", "ul": "underline",
    ]

    // MARK: - Parsing

    public static func parse(_ text: String, file: String) throws(ThemeErrors) -> (Theme, warnings: [ThemeWarning]) {
        let (root, duplicates, failure) = compose(text, file: file)
        guard let root else {
            var errors = duplicates + (failure.map { [$0] } ?? [])
            if errors.isEmpty {
                errors = [
                    ThemeError(
                        kind: .missingField, file: file, line: 1, column: 1, field: "name",
                        message: "the file is empty: a theme needs at least name: and its roles")
                ]
            }
            throw ThemeErrors(errors: sorted(errors))
        }
        let reader = ThemeReader(file: file, text: text)
        let theme = read(root, reader)
        let errors = duplicates + reader.errors
        guard errors.isEmpty, let theme else {
            var all = sorted(errors)
            if all.isEmpty {
                all = [ThemeError(kind: .missingField, file: file, line: 0, column: 0, field: "", message: "invalid theme")]
            }
            throw ThemeErrors(errors: all)
        }
        let warnings = reader.warnings.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
        return (theme, warnings)
    }

    static func sorted(_ errors: [ThemeError]) -> [ThemeError] {
        errors.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }

    /// Composes the YAML. Yams stops at the first duplicate key, so each one
    /// is reported, renamed in a copy of the text to a marker the reader skips,
    /// and composing starts again: every duplicate is reported along with the
    /// other errors. Returns the root, the duplicate errors, and a YAML error.
    static func compose(_ source: String, file: String) -> (Node?, [ThemeError], ThemeError?) {
        var text = source
        var duplicates: [(error: ThemeError, marker: String)] = []
        for attempt in 0 ..< 64 {
            do {
                let root = try Yams.compose(yaml: text)
                if let root { fillDuplicatePaths(root, path: "", &duplicates) }
                return (root, duplicates.map(\.error), nil)
            } catch YamlError.duplicatedKeysInMapping(let keys, let context) {
                let key = keys.first ?? ""
                var lines = ThemeReader.split(text)
                guard let at = locateSecond(key: key, first: context.mark, in: lines) else {
                    let error = ThemeError(
                        kind: .duplicateKey, file: file, line: context.mark.line, column: context.mark.column,
                        field: key, message: "'\(key)' appears more than once in the same mapping")
                    return (nil, duplicates.map(\.error) + [error], nil)
                }
                let scalar = Unicode.Scalar(0xE000 + UInt32(attempt)) ?? "\u{E000}"
                let marker = String(repeating: Character(scalar), count: at.length)
                lines[at.line - 1].replaceSubrange(at.column - 1 ..< at.column - 1 + at.length, with: marker.unicodeScalars)
                text = lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
                let first = at.line == context.mark.line ? "first at column \(context.mark.column)" : "first on line \(context.mark.line)"
                let error = ThemeError(
                    kind: .duplicateKey, file: file, line: at.line, column: at.column, field: key,
                    message: "'\(key)' appears twice in the same mapping (\(first)); keep one")
                duplicates.append((error, marker))
            } catch let error as YamlError {
                return (nil, duplicates.map(\.error), yamlError(error, file: file, text: source))
            } catch {
                return (
                    nil, duplicates.map(\.error),
                    ThemeError(kind: .invalidYAML, file: file, line: 0, column: 0, field: "", message: "not valid YAML: \(error)")
                )
            }
        }
        return (nil, duplicates.map(\.error), nil)
    }

    /// Gives each duplicate error the dotted path of its mapping.
    private static func fillDuplicatePaths(_ node: Node, path: String, _ duplicates: inout [(error: ThemeError, marker: String)]) {
        if let mapping = node.mapping {
            for (k, v) in mapping {
                let key = k.scalar?.string ?? ""
                if let i = duplicates.firstIndex(where: { $0.marker == key }) {
                    let name = duplicates[i].error.field
                    duplicates[i].error.field = path.isEmpty ? name : "\(path).\(name)"
                    continue
                }
                fillDuplicatePaths(v, path: path.isEmpty ? key : "\(path).\(key)", &duplicates)
            }
        } else if let sequence = node.sequence {
            for (i, item) in sequence.enumerated() { fillDuplicatePaths(item, path: "\(path)[\(i)]", &duplicates) }
        }
    }

    /// Where `key` appears a second time in the mapping whose first key is at
    /// `first`: later on the same line (flow style), or at the same column on
    /// a later line before the mapping ends (block style).
    static func locateSecond(key: String, first: Mark, in lines: [[Unicode.Scalar]]) -> (line: Int, column: Int, length: Int)? {
        let l = first.line - 1
        let c = first.column - 1
        guard lines.indices.contains(l), let firstLength = keyToken(key, at: c, in: lines[l]) else { return nil }
        let line = lines[l]
        var p = c + firstLength
        while p < line.count {
            if [",", "{", " ", "\t"].contains(line[p - 1]), let n = keyToken(key, at: p, in: line) { return (l + 1, p + 1, n) }
            p += 1
        }
        var i = l + 1
        while i < lines.count {
            let text = lines[i]
            let indent = text.prefix { $0 == " " }.count
            let rest = text.dropFirst(indent)
            if rest.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) || rest.first == "#" {
                i += 1
                continue
            }
            if indent < c { return nil }
            if indent == c, let n = keyToken(key, at: c, in: text) { return (i + 1, c + 1, n) }
            i += 1
        }
        return nil
    }

    /// The length of `key` (maybe quoted) at `p` when a ':' follows it.
    static func keyToken(_ key: String, at p: Int, in line: [Unicode.Scalar]) -> Int? {
        let k = Array(key.unicodeScalars)
        for quote in [nil, "\"", "'"] as [Unicode.Scalar?] {
            var q = p
            if let quote {
                guard q < line.count, line[q] == quote else { continue }
                q += 1
            }
            guard q + k.count <= line.count, Array(line[q ..< q + k.count]) == k else { continue }
            q += k.count
            if let quote {
                guard q < line.count, line[q] == quote else { continue }
                q += 1
            }
            let end = q
            while q < line.count, line[q] == " " || line[q] == "\t" { q += 1 }
            if q < line.count, line[q] == ":" { return end - p }
        }
        return nil
    }

    private static func yamlError(_ error: YamlError, file: String, text: String) -> ThemeError {
        var line = 0
        var column = 0
        var message = "not valid YAML: \(error)"
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            line = mark.line
            column = mark.column
            message =
                "not valid YAML: \(problem)"
                + (context.map { c in
                    " \(c.text)" + (c.mark.line > 0 && c.mark.line != mark.line ? " that starts on line \(c.mark.line)" : "")
                } ?? "")
        default:
            break
        }
        // An unquoted "#rrggbb" turns the rest of its line into a comment.
        for (i, raw) in ThemeReader.split(text).enumerated() {
            let s = String(String.UnicodeScalarView(raw))
            if s.range(of: #":\s+#[0-9A-Fa-f]{3,6}\b"#, options: .regularExpression) != nil {
                message += " (line \(i + 1) has an unquoted #colour: YAML reads # as a comment; quote it, e.g. \"#dc322f\")"
                break
            }
        }
        return ThemeError(kind: .invalidYAML, file: file, line: line, column: column, field: "", message: message)
    }

    // MARK: - Reading

    private static func read(_ root: Node, _ r: ThemeReader) -> Theme? {
        guard let top = ThemeReader.Map(r, root, path: "", what: "a theme: a mapping with name, palette and roles") else { return nil }
        let name = top.string("name", required: true, what: "the theme's name, e.g. name: solarized")
        let summary = top.string("description", what: "a one-line description") ?? ""
        let (palette, broken) = readPalette(top, r)
        let styles = readRoles(top, r, palette: palette, broken: broken)
        top.finish(valid: topKeys, place: "at the top of a theme", hints: topHints)
        guard let name else { return nil }
        return Theme(name: name, styles: styles, summary: summary)
    }

    private static func readPalette(_ top: ThemeReader.Map, _ r: ThemeReader) -> ([String: TermColor], Set<String>) {
        var palette: [String: TermColor] = [:]
        var broken: Set<String> = []
        guard let map = top.map("palette", what: "a mapping of colour names to colours, e.g. red: \"#dc322f\"") else {
            return (palette, broken)
        }
        map.markAllUsed()
        for pair in map.pairs {
            let field = map.field(pair.key)
            if pair.key.lowercased() == "default" || pair.key.hasPrefix("#") || pair.key.allSatisfy(\.isNumber) {
                r.fail(
                    .badColour, pair.keyNode, field,
                    "'\(pair.key)' cannot name a palette entry: it reads as a colour; pick a name such as base03 or alert")
                broken.insert(pair.key)
                continue
            }
            if ThemeReader.isNull(pair.value) {
                r.fail(.badColour, pair.keyNode, field, "has no colour\(r.commentHint(pair.keyNode)); \(validColours)")
                broken.insert(pair.key)
                continue
            }
            guard let s = pair.value.scalar?.string else {
                r.fail(.wrongType, pair.value, field, "expected a colour, got \(ThemeReader.kind(pair.value)); \(validColours)")
                broken.insert(pair.key)
                continue
            }
            guard let colour = TermColor(literal: s) else {
                let also = palette[s] != nil || map.pairs.contains { $0.key == s } ? " (palette entries cannot refer to each other)" : ""
                r.fail(.badColour, pair.value, field, "\(problem(with: s))\(also); \(validColours)")
                broken.insert(pair.key)
                continue
            }
            palette[pair.key] = colour
        }
        return (palette, broken)
    }

    /// What is wrong with a colour literal, as precisely as we can tell.
    static func problem(with s: String) -> String {
        if s.hasPrefix("#") {
            let hex = s.dropFirst()
            if hex.count != 6 {
                return "'\(s)' has \(hex.count) hex digit\(hex.count == 1 ? "" : "s"); \"#rrggbb\" needs exactly 6"
            }
            if let bad = hex.first(where: { !$0.isHexDigit }) {
                return "'\(s)' is not a colour: '\(bad)' is not a hex digit (0-9, a-f)"
            }
        }
        if !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return "'\(s)' is outside the 256-colour range 0-255"
        }
        return "'\(s)' is not a colour"
    }

    private static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.first, first.isLetter else { return false }
        return s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
    }

    private static func readRoles(_ top: ThemeReader.Map, _ r: ThemeReader, palette: [String: TermColor], broken: Set<String>) -> [Role: Style] {
        var styles: [Role: Style] = [:]
        let rolesKey = top.pairs.first { $0.key == "roles" }?.keyNode
        let names = Role.allCases.map(\.name)
        if let map = top.map("roles", what: "a mapping of role names to styles, e.g. sev1: {fg: white, bg: red, bold: true}") {
            map.markAllUsed()
            for pair in map.pairs {
                let field = map.field(pair.key)
                guard let role = Role(name: pair.key) else {
                    r.fail(
                        .unknownRole, pair.keyNode, field,
                        "unknown role '\(pair.key)'\(Suggest.didYouMean(pair.key, in: names)); valid roles: \(names.joined(separator: ", "))")
                    continue
                }
                if ThemeReader.isNull(pair.value) {
                    r.fail(
                        .wrongType, pair.keyNode, field,
                        "has no style: give a mapping such as {fg: red, bold: true}, or {} for plain text")
                    continue
                }
                guard let m = ThemeReader.Map(r, pair.value, path: field, what: "a style mapping such as {fg: red, bold: true}") else { continue }
                styles[role] = readStyle(m, r, role: role, palette: palette, broken: broken)
            }
        }
        for role in Role.allCases where styles[role] == nil {
            r.warn(rolesKey, "roles.\(role.name)", "role '\(role.name)' is not defined; using the \(fallback.name) theme's style", role: role)
            styles[role] = fallback.style(role)
        }
        return styles
    }

    private static func readStyle(_ m: ThemeReader.Map, _ r: ThemeReader, role: Role, palette: [String: TermColor], broken: Set<String>) -> Style {
        var style = Style()
        style.fg = colour(m, "fg", r, palette: palette, broken: broken) ?? .default
        style.bg = colour(m, "bg", r, palette: palette, broken: broken) ?? .default
        style.bold = m.bool("bold") ?? false
        style.dim = m.bool("dim") ?? false
        style.reverse = m.bool("reverse") ?? false
        style.underline = m.bool("underline") ?? false
        m.finish(valid: roleKeys, place: "in a role", hints: roleHints)
        if style.fg != .default, style.fg.normalized == style.bg.normalized {
            r.warn(m.pair("fg")?.value, m.path, "fg and bg are the same colour (\(style.fg.literal)): the text is invisible", role: role)
        }
        return style
    }

    private static func colour(
        _ m: ThemeReader.Map, _ key: String, _ r: ThemeReader,
        palette: [String: TermColor], broken: Set<String>
    ) -> TermColor? {
        guard let p = m.pair(key) else { return nil }
        let field = m.field(key)
        let names = palette.keys.sorted()
        let orPalette = names.isEmpty ? "" : ", or a palette name (\(names.joined(separator: ", ")))"
        if ThemeReader.isNull(p.value) {
            r.fail(.badColour, p.keyNode, field, "has no colour\(r.commentHint(p.keyNode)); \(validColours)\(orPalette)")
            return nil
        }
        guard let s = p.value.scalar?.string else {
            r.fail(.wrongType, p.value, field, "expected a colour, got \(ThemeReader.kind(p.value)); \(validColours)\(orPalette)")
            return nil
        }
        if let c = palette[s] { return c }
        if broken.contains(s) { return nil }  // already reported at the palette
        if let c = TermColor(literal: s) { return c }
        let ansi = (0 ... 15).compactMap(TermColor.ansiName) + ["default"]
        if isIdentifier(s), !names.isEmpty {
            r.fail(
                .missingPaletteEntry, p.value, field,
                "no palette entry named '\(s)'\(Suggest.didYouMean(s, in: names + ansi)); the palette has: \(names.joined(separator: ", ")); or give a colour: \(colourForms)"
            )
        } else {
            let dym = isIdentifier(s) ? Suggest.didYouMean(s, in: ansi) : ""
            r.fail(.badColour, p.value, field, "\(problem(with: s))\(dym); \(validColours)\(orPalette)")
        }
        return nil
    }

    // MARK: - Finding themes

    /// Where themes are looked for, in order: `$XDG_CONFIG_HOME/warroom/themes`
    /// (or `~/.config/warroom/themes`), then the shipped `themes/` directory.
    public static func searchDirectories(env: [String: String], shipped: String) -> [String] {
        var dirs: [String] = []
        if let xdg = env["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            dirs.append(xdg + "/warroom/themes")
        } else if let home = env["HOME"], !home.isEmpty {
            dirs.append(home + "/.config/warroom/themes")
        }
        dirs.append(shipped)
        return dirs
    }

    /// Theme names found in `searchDirectories` plus the built-in ones, sorted.
    public static func availableNames(searchDirectories: [String]) -> [String] {
        var names = Set(Theme.builtIn.map(\.name))
        for dir in searchDirectories where !dir.isEmpty {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            for file in files {
                for ext in [".yaml", ".yml"] where file.hasSuffix(ext) && file.count > ext.count {
                    names.insert(String(file.dropLast(ext.count)))
                }
            }
        }
        return names.sorted()
    }

    /// A path (it contains '/' or ends in .yaml/.yml) is read directly;
    /// otherwise NAME.yaml (or .yml) in each search directory in order, then
    /// the built-in `dark` and `mono`. A file wins over a built-in of the same
    /// name. An unknown name is an error that lists the available names.
    public static func load(nameOrPath: String, searchDirectories: [String]) throws(ThemeErrors) -> (Theme, warnings: [ThemeWarning]) {
        let arg = nameOrPath.trimmingCharacters(in: .whitespaces)
        if arg.contains("/") || arg.hasSuffix(".yaml") || arg.hasSuffix(".yml") {
            return try loadFile((arg as NSString).expandingTildeInPath)
        }
        if !arg.isEmpty {
            for dir in searchDirectories where !dir.isEmpty {
                for ext in ["yaml", "yml"] {
                    let path = (dir as NSString).appendingPathComponent("\(arg).\(ext)")
                    var isDirectory: ObjCBool = false
                    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                        return try loadFile(path)
                    }
                }
            }
            if let theme = Theme.builtIn(named: arg) { return (theme, []) }
        }
        let available = availableNames(searchDirectories: searchDirectories)
        let searched = searchDirectories.filter { !$0.isEmpty }
        throw ThemeErrors(errors: [
            ThemeError(
                kind: .notFound, file: arg.isEmpty ? "theme" : arg, line: 0, column: 0, field: "",
                message: "no theme named '\(arg)'\(Suggest.didYouMean(arg, in: available)); available: \(available.joined(separator: ", "))"
                    + (searched.isEmpty ? "" : " (looked in \(searched.joined(separator: ", ")), or give a path to a .yaml file)"))
        ])
    }

    private static func loadFile(_ path: String) throws(ThemeErrors) -> (Theme, warnings: [ThemeWarning]) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ThemeErrors(errors: [
                ThemeError(
                    kind: .unreadable, file: path, line: 0, column: 0, field: "",
                    message: "cannot read the theme: \((error as NSError).localizedDescription)")
            ])
        }
        return try parse(text, file: path)
    }
}
