/// A grid as text with SGR colour escapes, the way a terminal at `depth`
/// would show it with `theme`: for docs, captures and tests, no terminal needed.
public enum ANSIText {
    public static func render(_ grid: Grid, theme: Theme, depth: ColorDepth) -> String {
        let adapted = theme.adapted(to: depth)
        var out = ""
        for y in 0 ..< grid.height {
            var current: Style?
            for x in 0 ..< grid.width {
                let cell = grid[x, y]
                if cell.isContinuation { continue }
                let style = adapted.style(cell.role)
                if style != current {
                    out += sgr(style, depth: depth)
                    current = style
                }
                out.unicodeScalars.append(cell.scalar)
            }
            out += "\u{1B}[0m\n"
        }
        return out
    }

    static func sgr(_ s: Style, depth: ColorDepth) -> String {
        var codes = ["0"]
        if s.bold { codes.append("1") }
        if s.dim { codes.append("2") }
        if s.underline { codes.append("4") }
        if s.reverse { codes.append("7") }
        if depth > .mono {
            if let fg = colour(s.fg, background: false) { codes.append(fg) }
            if let bg = colour(s.bg, background: true) { codes.append(bg) }
        }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }

    static func colour(_ c: TermColor, background: Bool) -> String? {
        switch c {
        case .default: nil
        case .ansi(let n): String((n < 8 ? 30 : 82) + n + (background ? 10 : 0))
        case .indexed(let n): (background ? "48;5;" : "38;5;") + String(n)
        case .rgb(let r, let g, let b): (background ? "48;2;" : "38;2;") + "\(r);\(g);\(b)"
        }
    }
}
