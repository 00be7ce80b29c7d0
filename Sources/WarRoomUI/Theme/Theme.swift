/// A terminal colour: one of the 8/16 ANSI colours or a 256-colour index.
public enum TermColor: Sendable, Equatable, Hashable {
    case `default`
    case ansi(Int)      // 0...15
    case indexed(Int)   // 16...255
}

/// How one role looks.
public struct Style: Sendable, Equatable, Hashable {
    public var fg: TermColor
    public var bg: TermColor
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool

    public init(fg: TermColor = .default, bg: TermColor = .default, bold: Bool = false, dim: Bool = false, reverse: Bool = false) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
    }
}

/// Semantic roles mapped to styles. Status never depends on colour alone:
/// every coloured status also carries a glyph or a word.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var styles: [Role: Style]

    public init(name: String, styles: [Role: Style]) {
        self.name = name
        self.styles = styles
    }

    public func style(_ role: Role) -> Style { styles[role] ?? Style() }

    // ANSI: 0 black 1 red 2 green 3 yellow 4 blue 5 magenta 6 cyan 7 white, +8 bright.
    public static let dark = Theme(name: "dark", styles: [
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
    ])

    /// No colour at all: weight and reverse video only (NO_COLOR, vt100).
    public static let mono = Theme(name: "mono", styles: [
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
    ])
}
