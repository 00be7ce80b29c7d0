/// A terminal colour: the terminal's default, one of the 16 ANSI colours, a
/// 256-colour index, or a 24-bit colour. `Theme.adapted(to:)` lowers colours
/// the terminal cannot show.
public enum TermColor: Sendable, Equatable, Hashable {
    case `default`
    case ansi(Int)  // 0...15
    case indexed(Int)  // 16...255
    case rgb(UInt8, UInt8, UInt8)

    /// A 256-colour index as a colour: 0...15 are the ANSI colours.
    public static func index(_ n: Int) -> TermColor {
        switch n {
        case 0 ... 15: .ansi(n)
        case 16 ... 255: .indexed(n)
        default: .default
        }
    }

    /// ANSI 0...7 names; bright variants are `bright-` + name.
    public static let ansiNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// The name of ANSI colour `n` (0...15): "red", "bright-red".
    public static func ansiName(_ n: Int) -> String? {
        guard (0 ... 15).contains(n) else { return nil }
        return n < 8 ? ansiNames[n] : "bright-" + ansiNames[n - 8]
    }

    /// Parses a colour literal as written in theme files and on command
    /// lines: `#rrggbb`, an ANSI name (`red`, `bright-red`), `default`, or a
    /// 256-colour index `0`...`255` (0...15 become `.ansi`). Case-insensitive.
    public init?(literal text: String) {
        let s = trimmed(text).lowercased()
        if s == "default" {
            self = .default
            return
        }
        if s.hasPrefix("#") {
            let hex = Array(s.unicodeScalars.dropFirst())
            guard hex.count == 6 else { return nil }
            var bytes: [UInt8] = []
            for i in stride(from: 0, to: 6, by: 2) {
                guard let hi = Self.hexValue(hex[i]), let lo = Self.hexValue(hex[i + 1]) else { return nil }
                bytes.append(hi << 4 | lo)
            }
            self = .rgb(bytes[0], bytes[1], bytes[2])
            return
        }
        if !s.isEmpty, s.unicodeScalars.allSatisfy({ ("0" ... "9").contains($0) }) {
            guard s.count <= 3, let n = Int(s), (0 ... 255).contains(n) else { return nil }
            self = .index(n)
            return
        }
        if let n = Self.ansiNames.firstIndex(of: s) {
            self = .ansi(n)
            return
        }
        if s.hasPrefix("bright-"), let n = Self.ansiNames.firstIndex(of: String(s.dropFirst(7))) {
            self = .ansi(n + 8)
            return
        }
        return nil
    }

    /// The canonical literal: `default`, `bright-red`, `196`, `#dc322f`.
    public var literal: String {
        switch self {
        case .default: "default"
        case .ansi(let n): Self.ansiName(n) ?? String(n)
        case .indexed(let n): String(n)
        case .rgb(let r, let g, let b): "#" + [r, g, b].map(Self.hex2).joined()
        }
    }

    static func hexValue(_ c: Unicode.Scalar) -> UInt8? {
        switch c {
        case "0" ... "9": UInt8(c.value - 48)
        case "a" ... "f": UInt8(c.value - 87)
        case "A" ... "F": UInt8(c.value - 55)
        default: nil
        }
    }

    static func hex2(_ v: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(v >> 4)], digits[Int(v & 0xf)]])
    }
}

/// How one role looks.
public struct Style: Sendable, Equatable, Hashable {
    public var fg: TermColor
    public var bg: TermColor
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(
        fg: TermColor = .default, bg: TermColor = .default, bold: Bool = false, dim: Bool = false,
        reverse: Bool = false, underline: Bool = false
    ) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }
}

/// Semantic roles mapped to styles. Status never depends on colour alone:
/// every coloured status also carries a glyph or a word.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var styles: [Role: Style]
    /// One line for theme lists (the `description:` of a theme file).
    public var summary: String

    public init(name: String, styles: [Role: Style], summary: String = "") {
        self.name = name
        self.styles = styles
        self.summary = summary
    }

    public func style(_ role: Role) -> Style { styles[role] ?? Style() }

    /// The themes that exist without any file.
    public static let builtIn: [Theme] = [dark, mono]

    public static func builtIn(named name: String) -> Theme? {
        builtIn.first { $0.name == name }
    }

    // ANSI: 0 black 1 red 2 green 3 yellow 4 blue 5 magenta 6 cyan 7 white, +8 bright.
    public static let dark = Theme(
        name: "dark",
        styles: [
            .normal: Style(),
            .dim: Style(fg: .ansi(8)),
            .border: Style(fg: .ansi(4)),
            .title: Style(fg: .ansi(6), bold: true),
            .label: Style(fg: .ansi(7), bold: true),
            .value: Style(fg: .ansi(15), bold: true),
            .ok: Style(fg: .ansi(2)),
            .sev3: Style(fg: .ansi(3), bold: true),
            .sev2: Style(fg: .ansi(9), bold: true),
            .sev1: Style(fg: .ansi(15), bg: .ansi(1), bold: true),
            .stale: Style(fg: .ansi(8), dim: true),
            .accent: Style(fg: .ansi(14), bold: true),
            .header: Style(fg: .ansi(15), bg: .ansi(4)),
            .headerAlert: Style(fg: .ansi(15), bg: .ansi(1), bold: true),
            .footer: Style(fg: .ansi(7), bg: .ansi(0)),
            .footerKey: Style(fg: .ansi(11), bg: .ansi(0), bold: true),
            .selection: Style(reverse: true),
            .badge: Style(fg: .ansi(0), bg: .ansi(11), bold: true),
            .danger: Style(fg: .ansi(15), bg: .ansi(1), bold: true),
        ], summary: "The default: the 16 ANSI colours on the terminal's own dark background")

    /// No colour at all: weight and reverse video only (NO_COLOR, vt100).
    public static let mono = Theme(
        name: "mono",
        styles: [
            .normal: Style(),
            .dim: Style(dim: true),
            .border: Style(),
            .title: Style(bold: true),
            .label: Style(bold: true),
            .value: Style(bold: true),
            .ok: Style(),
            .sev3: Style(bold: true),
            .sev2: Style(bold: true),
            .sev1: Style(bold: true, reverse: true),
            .stale: Style(dim: true),
            .accent: Style(bold: true),
            .header: Style(reverse: true),
            .headerAlert: Style(bold: true, reverse: true),
            .footer: Style(reverse: true),
            .footerKey: Style(bold: true, reverse: true),
            .selection: Style(reverse: true),
            .badge: Style(bold: true),
            .danger: Style(bold: true, reverse: true),
        ], summary: "No colour at all: bold, dim and reverse video only")
}

/// Drops spaces and tabs at both ends (no Foundation here).
func trimmed(_ text: String) -> String {
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
    else { return "" }
    return String(scalars[first ... last])
}
