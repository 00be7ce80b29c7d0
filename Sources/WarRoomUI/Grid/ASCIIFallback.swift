/// For terminals whose locale cannot show Unicode (LANG=C, a serial console):
/// every scalar the screen uses has an ASCII stand-in that keeps its meaning.
public enum ASCIIFallback {
    static let table: [Unicode.Scalar: Unicode.Scalar] = [
        "┌": "+", "┐": "+", "└": "+", "┘": "+", "─": "-", "│": "|",
        "▁": "_", "▂": ".", "▃": "-", "▄": "~", "▅": "=", "▆": "+", "▇": "*", "█": "#",
        "✓": "v", "✖": "x", "▲": "^", "·": ".", "▸": ">", "▶": ">", "…": "~", "↩": "<", "⏸": "=",
        "↓": "v", "↑": "^", "→": ">", "✎": "*", "—": "-", "≤": "<", "≥": ">", "~": "~", "?": "?",
    ]

    /// The ASCII stand-in for a scalar ("?" for anything without one).
    public static func scalar(_ s: Unicode.Scalar) -> Unicode.Scalar {
        if s.isASCII { return s }
        if (0x2801 ... 0x28FF).contains(s.value) { return "#" }  // braille sparkline cells
        return table[s] ?? "?"
    }

    /// A whole grid in ASCII; wide characters become "?" plus a space.
    public static func grid(_ grid: Grid) -> Grid {
        var out = grid
        for y in 0 ..< grid.height {
            for x in 0 ..< grid.width {
                let c = grid[x, y]
                out[x, y] = Cell(scalar: c.isContinuation ? " " : scalar(c.scalar), role: c.role)
            }
        }
        return out
    }
}
