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
        let x0 = max(r.x, 0), y0 = max(r.y, 0)
        let x1 = min(r.maxX, width), y1 = min(r.maxY, height)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// Write text at (x, y), never past `limit` (an absolute column, default the
    /// grid's width). Control characters become "?"; a wide character that
    /// does not fit is replaced by a space. Returns the columns used.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: Role, limit: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let end = min(limit ?? width, width)
        let width = width
        var col = x
        // col + w <= end <= width below, so every write is inside the row.
        cells.withUnsafeMutableBufferPointer { cells in
            for scalar in text.unicodeScalars {
                let w = TextWidth.of(scalar)
                if w == 0 { continue }
                if col + w > end { break }
                let shown: Unicode.Scalar = w < 0 ? "?" : scalar
                if col >= 0 {
                    cells[y * width + col] = Cell(scalar: shown, role: role)
                    if w == 2, col + 1 < width {
                        cells[y * width + col + 1] = Cell(scalar: Cell.continuation, role: role)
                    }
                }
                col += max(w, 1)
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

/// Display width of a scalar in a terminal: 0 for combining marks, 2 for East
/// Asian wide and emoji, -1 for control characters, otherwise 1.
public enum TextWidth {
    public static func of(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return -1 }
        if v < 0x300 { return 1 }
        if (0x300...0x36F).contains(v) || (0x200B...0x200F).contains(v) || (0xFE00...0xFE0F).contains(v) { return 0 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1F64F).contains(v) || (0x1F900...0x1F9FF).contains(v)
            || (0x20000...0x3FFFD).contains(v) {
            return 2
        }
        return 1
    }

    public static func of(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + max(of($1), $1.value < 0x20 ? 1 : 0) }
    }

    /// Cut `text` to at most `width` columns, ending in "…" when cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        // One pass that stops as soon as the text is known not to fit: the
        // width as `of(text)` counts it, and where the cut before "…" falls
        // (control characters count 1 in the first and 0 in the second).
        var total = 0
        var used = 0
        var cut: Int?  // in UTF-8 code units
        var offset = 0
        for s in text.unicodeScalars {
            let w = of(s)
            if cut == nil {
                if used + max(w, 0) > width - 1 { cut = offset } else { used += max(w, 0) }
            }
            total += max(w, s.value < 0x20 ? 1 : 0)
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
        var rest = Substring(text)
        while !rest.isEmpty, out.count < lines {
            if out.count == lines - 1 || of(String(rest)) <= width {
                out.append(truncate(String(rest), to: width))
                break
            }
            var cut = rest.startIndex
            var used = 0
            var lastSpace: Substring.Index?
            for i in rest.indices {
                let w = max(of(String(rest[i])), 0)
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
