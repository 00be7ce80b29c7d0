/// A one-row chart of the newest values, scaled between `floor` and the
/// larger of the data's maximum and `ceiling`.
public struct Sparkline {
    public var values: [Double]
    /// The bottom of the scale (0 for rates and latencies).
    public var floor: Double
    /// A minimum top of the scale, so a flat 0.2% does not fill the cell.
    public var ceiling: Double
    public var glyphs: Glyphs

    public init(values: [Double], floor: Double = 0, ceiling: Double = 0, glyphs: Glyphs = .unicode) {
        self.values = values
        self.floor = floor
        self.ceiling = ceiling
        self.glyphs = glyphs
    }

    /// The characters for `width` columns, newest at the right, blank-padded on the left.
    public func characters(width: Int) -> String {
        guard width > 0 else { return "" }
        if glyphs.brailleSparks { return braille(width: width) }
        let shown = values.suffix(width).filter(\.isFinite)
        let top = max(shown.max() ?? floor, ceiling)
        let levels = glyphs.spark
        var out = String(repeating: " ", count: max(0, width - shown.count))
        for v in shown {
            let span = top - floor
            let t = span > 0 ? (v - floor) / span : 0
            let i = min(levels.count - 1, max(0, Int((t * Double(levels.count - 1)).rounded())))
            out.unicodeScalars.append(levels[i])
        }
        return out
    }

    /// Two values a cell, each one to four dots high from the bottom.
    func braille(width: Int) -> String {
        let shown = Array(values.suffix(2 * width).filter(\.isFinite))
        let top = max(shown.max() ?? floor, ceiling)
        let span = top - floor
        func height(_ v: Double) -> Int {
            let t = span > 0 ? (v - floor) / span : 0
            return 1 + min(3, max(0, Int((t * 3).rounded())))
        }
        let left: [UInt32] = [0x40, 0x04, 0x02, 0x01]
        let right: [UInt32] = [0x80, 0x20, 0x10, 0x08]
        // Pad on the left so the newest value is always in the right-hand column of the last cell.
        let padded: [Double?] = Array(repeating: nil, count: 2 * width - shown.count) + shown.map { Optional($0) }
        var out = ""
        for cell in 0 ..< width {
            var bits: UInt32 = 0
            if let v = padded[2 * cell] { for i in 0 ..< height(v) { bits |= left[i] } }
            if let v = padded[2 * cell + 1] { for i in 0 ..< height(v) { bits |= right[i] } }
            out.unicodeScalars.append(bits == 0 ? " " : Unicode.Scalar(0x2800 + bits)!)
        }
        return out
    }

    public func render(in area: Rect, into grid: inout Grid, role: Role) {
        guard !area.isEmpty else { return }
        grid.put(characters(width: area.width), in: area, role: role)
    }
}
