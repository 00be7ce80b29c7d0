import WarRoomCore

/// One character cell. A wide character occupies its cell and a
/// continuation cell to its right.
public struct Cell: Sendable, Equatable {
    public var scalar: Unicode.Scalar
    public var role: Role

    public static let continuation: Unicode.Scalar = "\u{0}"
    public static let blank = Cell(scalar: " ", role: .normal)

    public init(scalar: Unicode.Scalar, role: Role) {
        self.scalar = scalar
        self.role = role
    }

    public var isContinuation: Bool { scalar == Self.continuation }
}

public struct Rect: Sendable, Equatable {
    public var x: Int, y: Int, width: Int, height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    /// The area inside a one-cell border.
    public var inner: Rect { Rect(x: x + 1, y: y + 1, width: width - 2, height: height - 2) }

    public func inset(dx: Int, dy: Int) -> Rect {
        Rect(x: x + dx, y: y + dy, width: width - 2 * dx, height: height - 2 * dy)
    }

    /// Split off `rows` rows at the top.
    public func splitTop(_ rows: Int) -> (top: Rect, rest: Rect) {
        let r = min(max(rows, 0), height)
        return (Rect(x: x, y: y, width: width, height: r), Rect(x: x, y: y + r, width: width, height: height - r))
    }

    /// Split off `cols` columns at the left.
    public func splitLeft(_ cols: Int) -> (left: Rect, rest: Rect) {
        let c = min(max(cols, 0), width)
        return (Rect(x: x, y: y, width: c, height: height), Rect(x: x + c, y: y, width: width - c, height: height))
    }

    /// One row of this rect, or nil past its bottom.
    public func row(_ i: Int) -> Rect? {
        guard i >= 0, i < height else { return nil }
        return Rect(x: x, y: y + i, width: width, height: 1)
    }
}

/// An in-memory screen: widgets draw into it, tests read it as text, the
/// terminal backend writes the cells that differ from the last frame.
public struct Grid: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// Blank every cell, keeping the storage (no allocation when this grid is
    /// the only owner of its cells).
    public mutating func clear() {
        cells.withUnsafeMutableBufferPointer { $0.update(repeating: .blank) }
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            cells[y * width + x] = newValue
        }
    }

    public func contains(x: Int, y: Int) -> Bool { x >= 0 && y >= 0 && x < width && y < height }

    public mutating func fill(_ rect: Rect, with scalar: Unicode.Scalar = " ", role: Role = .normal) {
        let r = clip(rect)
        guard !r.isEmpty else { return }
        let cell = Cell(scalar: scalar, role: role)
        let width = width
        cells.withUnsafeMutableBufferPointer { p in
            for y in r.y ..< r.maxY {
                (p.baseAddress! + y * width + r.x).update(repeating: cell, count: r.width)
            }
        }
    }

    private func clip(_ r: Rect) -> Rect {
        let x0 = max(r.x, 0)
        let y0 = max(r.y, 0)
        let x1 = min(r.maxX, width)
        let y1 = min(r.maxY, height)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// Write text at (x, y), never past `limit` (an absolute column, default the
    /// grid's width). Text is made inert first (`InertText`: ESC shows as
    /// `\x1b`, U+202E as `\u202e`); a scalar the terminal cannot print shows
    /// as U+FFFD; zero-width scalars (combining marks, variation selectors)
    /// are not drawn, so "⚠️" takes the one column ncurses and tmux give "⚠";
    /// a wide character that does not fit is not drawn. Returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: Role, limit: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let end = min(limit ?? width, width)
        let width = width
        let text = InertText.clean(text)
        var col = x
        // col + w <= end <= width below, so every write is inside the row.
        cells.withUnsafeMutableBufferPointer { cells in
            for scalar in text.unicodeScalars {
                let w = TextWidth.of(scalar)
                if w == 0 { continue }
                if col + w > end { break }
                let shown: Unicode.Scalar = TextWidth.terminal(scalar) < 0 ? TextWidth.unprintable : scalar
                if col >= 0 {
                    cells[y * width + col] = Cell(scalar: shown, role: role)
                    if w == 2, col + 1 < width {
                        cells[y * width + col + 1] = Cell(scalar: Cell.continuation, role: role)
                    }
                }
                col += w
            }
        }
        return max(0, col - x)
    }

    /// Write text inside `rect` on its row `row`, clipped to the rect.
    @discardableResult
    public mutating func put(_ text: String, in rect: Rect, row: Int = 0, dx: Int = 0, role: Role) -> Int {
        guard row >= 0, row < rect.height, dx < rect.width else { return 0 }
        return put(text, x: rect.x + dx, y: rect.y + row, role: role, limit: rect.maxX)
    }

    /// The grid as text, one string per row, wide characters once.
    public var lines: [String] {
        (0 ..< height).map { y in
            var s = String.UnicodeScalarView()
            for x in 0 ..< width {
                let c = cells[y * width + x]
                if !c.isContinuation { s.append(c.scalar) }
            }
            return String(s)
        }
    }

    /// Rows joined by newlines with trailing spaces removed: snapshot text.
    public var text: String {
        lines.map { line in
            var l = line
            while l.last == " " { l.removeLast() }
            return l
        }.joined(separator: "\n")
    }

    /// The role of every cell of a row, for tests of colour meaning.
    public func roles(row y: Int) -> [Role] {
        (0 ..< width).map { cells[y * width + $0].role }
    }
}

/// Display width of text in the terminal, in agreement with ncurses and tmux
/// (both use glibc's wcwidth here; see `WidthTable`), for text as `Grid.put`
/// draws it: hostile scalars as their `InertText` escapes, unprintable ones
/// as U+FFFD.
public enum TextWidth {
    /// What the grid draws for a scalar the terminal cannot print.
    public static let unprintable: Unicode.Scalar = "\u{FFFD}"

    /// The terminal's own width of a scalar, as wcwidth(3) gives it: -1 for
    /// controls and unprintable scalars, 0 for combining marks and format
    /// characters, 2 for wide ones, otherwise 1.
    public static func terminal(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return -1 }
        if v < 0x300 { return 1 }
        if contains(WidthTable.zero, v) { return 0 }
        if contains(WidthTable.wide, v) { return 2 }
        if contains(WidthTable.unprintable, v) { return -1 }
        return 1
    }

    /// Binary search in a flat list of inclusive ranges.
    @inline(__always)
    static func contains(_ table: [UInt32], _ v: UInt32) -> Bool {
        var lo = 0
        var hi = table.count / 2 - 1
        if hi < 0 || v < table[0] || v > table[table.count - 1] { return false }
        while lo <= hi {
            let mid = (lo + hi) / 2
            if v < table[2 * mid] { hi = mid - 1 } else if v > table[2 * mid + 1] { lo = mid + 1 } else { return true }
        }
        return false
    }

    /// Columns a scalar takes when the grid draws it: the length of its
    /// escape when it is hostile, 1 when unprintable (U+FFFD), else its
    /// terminal width.
    public static func of(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v >= 0x20, v < 0x7F { return 1 }
        if InertText.isHostile(s) { return InertText.escape(s).unicodeScalars.count }
        let w = terminal(s)
        return w < 0 ? 1 : w
    }

    public static func of(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + of($1) }
    }

    /// Cut `text` to at most `width` columns, ending in "…" when cut. The
    /// result is inert (hostile scalars replaced by their escapes).
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        let text = InertText.clean(text)
        // One pass that stops as soon as the text is known not to fit.
        var total = 0
        var used = 0
        var cut: Int?  // in UTF-8 code units
        var offset = 0
        for s in text.unicodeScalars {
            let w = of(s)
            if cut == nil {
                if used + w > width - 1 { cut = offset } else { used += w }
            }
            total += w
            if total > width, cut != nil { break }
            offset += UTF8.width(s)
        }
        if total <= width { return text }
        let end = text.utf8.index(text.utf8.startIndex, offsetBy: cut ?? text.utf8.count)
        return String(text.unicodeScalars[..<end]) + "…"
    }

    /// Break text into at most `lines` lines of `width` columns at spaces; the
    /// last line ends in "…" when text is left over.
    public static func wrap(_ text: String, width: Int, lines: Int) -> [String] {
        guard width > 0, lines > 0 else { return [] }
        var out: [String] = []
        var rest = Substring(InertText.clean(text))
        while !rest.isEmpty, out.count < lines {
            if out.count == lines - 1 || of(String(rest)) <= width {
                out.append(truncate(String(rest), to: width))
                break
            }
            var cut = rest.startIndex
            var used = 0
            var lastSpace: Substring.Index?
            for i in rest.indices {
                let w = of(String(rest[i]))
                if used + w > width { break }
                used += w
                if rest[i] == " " { lastSpace = i }
                cut = rest.index(after: i)
            }
            let end = lastSpace ?? cut
            out.append(String(rest[..<end]))
            rest = rest[end...].drop { $0 == " " }
        }
        return out
    }

    /// Pad with spaces on the right (or left) to `width` columns, cutting if longer.
    public static func pad(_ text: String, to width: Int, right: Bool = false) -> String {
        let t = truncate(text, to: width)
        let gap = String(repeating: " ", count: max(0, width - of(t)))
        return right ? gap + t : t + gap
    }
}
