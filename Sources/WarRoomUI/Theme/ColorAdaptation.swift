/// The standard xterm palette, and nearest-colour searches in it.
public enum XTermPalette {
    /// xterm's RGB values for ANSI 0...15.
    public static let ansi: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
        (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The six levels of each channel of the 6×6×6 cube (16...231).
    public static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// The RGB value of 256-colour index `n` (0...255; others are clamped).
    public static func rgb(_ n: Int) -> (UInt8, UInt8, UInt8) {
        let i = min(max(n, 0), 255)
        if i < 16 { return ansi[i] }
        if i < 232 {
            let c = i - 16
            return (cubeLevels[c / 36], cubeLevels[(c / 6) % 6], cubeLevels[c % 6])
        }
        let grey = UInt8(8 + 10 * (i - 232))
        return (grey, grey, grey)
    }

    static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let dr = Int(a.0) - Int(b.0)
        let dg = Int(a.1) - Int(b.1)
        let db = Int(a.2) - Int(b.2)
        return dr * dr + dg * dg + db * db
    }

    static func nearest(_ c: (UInt8, UInt8, UInt8), in range: ClosedRange<Int>) -> Int {
        var best = range.lowerBound
        var bestDistance = Int.max
        for i in range {
            let d = distance(c, rgb(i))
            if d < bestDistance {
                best = i
                bestDistance = d
            }
        }
        return best
    }

    /// The nearest entry of the cube and grey ramp (16...255) by squared RGB
    /// distance; ties go to the lower index. ANSI 0...15 are left out: their
    /// look varies between terminals.
    public static func nearest256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        nearest((r, g, b), in: 16 ... 255)
    }

    /// The nearest ANSI colour (0...15) to 256-colour index `n`.
    public static func nearest16(index n: Int) -> Int {
        let i = min(max(n, 0), 255)
        return i < 16 ? i : nearest(rgb(i), in: 0 ... 15)
    }
}

extension TermColor {
    /// This colour at `depth`. `bright` is set when an ANSI bright colour
    /// (8...15) was folded to 0...7 for an 8-colour terminal: foregrounds get
    /// it back through bold. Chain: rgb → nearest 256 → nearest 16 → 8 → none.
    public func reduced(to depth: ColorDepth) -> (color: TermColor, bright: Bool) {
        let c = normalized
        switch depth {
        case .truecolor:
            return (c, false)
        case .indexed256:
            if case .rgb(let r, let g, let b) = c { return (.indexed(XTermPalette.nearest256(r, g, b)), false) }
            return (c, false)
        case .ansi16:
            return (c.ansi16, false)
        case .ansi8:
            guard case .ansi(let n) = c.ansi16 else { return (.default, false) }
            return n >= 8 ? (.ansi(n - 8), true) : (.ansi(n), false)
        case .mono:
            return (.default, false)
        }
    }

    /// Out-of-range values made valid: `.indexed(3)` is `.ansi(3)`,
    /// `.ansi(200)` is `.indexed(200)`, anything outside 0...255 is default.
    public var normalized: TermColor {
        switch self {
        case .ansi(let n), .indexed(let n): .index(n)
        case .default, .rgb: self
        }
    }

    /// Black or white, whichever reads better on `background`, at `depth`.
    static func contrasting(_ background: TermColor, at depth: ColorDepth) -> TermColor {
        let (r, g, b): (UInt8, UInt8, UInt8)
        switch background.normalized {
        case .rgb(let x, let y, let z): (r, g, b) = (x, y, z)
        case .ansi(let n), .indexed(let n): (r, g, b) = XTermPalette.rgb(n)
        case .default: return .default
        }
        let light = 299 * Int(r) + 587 * Int(g) + 114 * Int(b) > 128_000
        switch depth {
        case .truecolor: return light ? .rgb(0, 0, 0) : .rgb(255, 255, 255)
        case .indexed256: return light ? .indexed(16) : .indexed(231)
        case .ansi16: return light ? .ansi(0) : .ansi(15)
        case .ansi8: return light ? .ansi(0) : .ansi(7)
        case .mono: return .default
        }
    }

    private var ansi16: TermColor {
        switch normalized {
        case .default: .default
        case .ansi(let n): .ansi(n)
        case .indexed(let n): .ansi(XTermPalette.nearest16(index: n))
        case .rgb(let r, let g, let b): .ansi(XTermPalette.nearest16(index: XTermPalette.nearest256(r, g, b)))
        }
    }
}

extension Style {
    /// This style at `depth`. With 8 colours a bright foreground becomes its
    /// dark twin plus bold (a bright background just loses brightness). In
    /// mono colours go and bold/dim/reverse/underline stay.
    ///
    /// A style that stands out by its background (bg neither default nor
    /// `canvas`, the background of the whole screen) gets reverse video when
    /// that difference is lost at this depth: always in mono (so sev1, header,
    /// danger and badge stay visible), and with few colours when bg and
    /// canvas fall on the same colour (e.g. two dark greys both becoming
    /// ANSI black).
    public func adapted(to depth: ColorDepth, canvas: TermColor = .default) -> Style {
        var s = self
        let fg = self.fg.reduced(to: depth)
        s.fg = fg.color
        if fg.bright { s.bold = true }
        s.bg = self.bg.reduced(to: depth).color
        let bg = self.bg.normalized
        let screen = canvas.normalized
        if bg != .default, bg != screen, s.bg == screen.reduced(to: depth).color {
            s.reverse = true
        }
        // Distinct colours that fell on the same one would hide the text
        // (a bright foreground at 8 colours is still told apart by bold).
        if s.fg != .default, s.fg == s.bg, !fg.bright, self.fg.normalized != self.bg.normalized {
            s.fg = TermColor.contrasting(s.bg, at: depth)
        }
        return s
    }
}

extension Theme {
    /// Every colour lowered to what `depth` can show (see
    /// `Style.adapted(to:canvas:)`). The canvas is the `normal` role's
    /// background: a theme that paints the whole screen (bg on every role)
    /// does not turn into all reverse video in mono, and `normal` itself
    /// never gets reverse from this. Pure; at `.truecolor` only out-of-range
    /// colours change (`TermColor.normalized`).
    public func adapted(to depth: ColorDepth) -> Theme {
        let canvas = style(.normal).bg
        var out = self
        for (role, style) in styles {
            out.styles[role] = style.adapted(to: depth, canvas: role == .normal ? style.bg : canvas)
        }
        return out
    }
}
