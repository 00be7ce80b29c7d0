/// How many colours the terminal can show, from none to 24-bit.
public enum ColorDepth: Int, Comparable, Sendable, CaseIterable {
    case mono, ansi8, ansi16, indexed256, truecolor

    public static func < (lhs: ColorDepth, rhs: ColorDepth) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The names accepted by `WARROOM_COLORS` and `--colors`:
    /// `truecolor`/`24bit`, `256`, `16`, `8`, `mono`/`none` (case-insensitive;
    /// the case names `indexed256`, `ansi16`, `ansi8` are accepted too).
    public init?(name: String) {
        switch trimmed(name).lowercased() {
        case "truecolor", "24bit": self = .truecolor
        case "256", "indexed256": self = .indexed256
        case "16", "ansi16": self = .ansi16
        case "8", "ansi8": self = .ansi8
        case "mono", "none": self = .mono
        default: return nil
        }
    }

    /// The canonical name, parseable by `init(name:)`.
    public var name: String {
        switch self {
        case .mono: "mono"
        case .ansi8: "8"
        case .ansi16: "16"
        case .indexed256: "256"
        case .truecolor: "truecolor"
        }
    }

    /// The names `init(name:)` accepts, for help and error messages.
    public static let validNames = ["truecolor", "24bit", "256", "16", "8", "mono", "none"]

    /// Chooses a depth from the environment and terminfo's `colors`
    /// (`tigetnum("colors")`; pass -1 when terminfo has no entry). Pure.
    ///
    /// In order:
    /// 1. `NO_COLOR` set and non-empty → mono, always.
    /// 2. `WARROOM_COLORS` with a valid name → that depth (an invalid value is
    ///    ignored; callers that want to warn can check `ColorDepth(name:)`).
    ///    A `--colors` flag is the caller's: it should win over this function.
    /// 3. `TERM` dumb, vt52, vt100, vt102, vt220, vt320 (or `vt100-…`) → mono.
    /// 4. terminfo colours < 8 → mono.
    /// 5. `COLORTERM` truecolor/24bit with terminfo ≥ 256 → truecolor. Terminfo
    ///    for `xterm-256color` & co. says 256 even when the emulator does 24-bit
    ///    colour; we still return truecolor and the backend decides: it emits
    ///    direct colour where it can, or draws `theme.adapted(to: .indexed256)`
    ///    when its curses cannot (no direct-colour terminfo), i.e. truecolor is
    ///    approximated through 256 colours. With fewer than 256 colours
    ///    `COLORTERM` is not believed (a `screen` or `linux` terminal inside).
    /// 6. terminfo ≥ 2^24 (a `*-direct` entry) → truecolor.
    /// 7. ≥ 256 → indexed256; ≥ 16 → ansi16; otherwise (8..15) → ansi8. The
    ///    Linux console (`TERM=linux`) reports 8: its bright colours come from
    ///    bold, which `Theme.adapted(to: .ansi8)` relies on.
    public static func detect(env: [String: String], terminfoColors: Int) -> ColorDepth {
        if let noColor = env["NO_COLOR"], !noColor.isEmpty { return .mono }
        if let forced = env["WARROOM_COLORS"], let depth = ColorDepth(name: forced) { return depth }
        let term = trimmed(env["TERM"] ?? "").lowercased()
        let monochrome = ["dumb", "vt52", "vt100", "vt102", "vt220", "vt320"]
        if monochrome.contains(where: { term == $0 || term.hasPrefix($0 + "-") }) { return .mono }
        if terminfoColors < 8 { return .mono }
        let colorterm = trimmed(env["COLORTERM"] ?? "").lowercased()
        if (colorterm == "truecolor" || colorterm == "24bit") && terminfoColors >= 256 { return .truecolor }
        if terminfoColors >= 1 << 24 { return .truecolor }
        if terminfoColors >= 256 { return .indexed256 }
        if terminfoColors >= 16 { return .ansi16 }
        return .ansi8
    }
}
