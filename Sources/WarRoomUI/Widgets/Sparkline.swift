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

    public func render(in area: Rect, into grid: inout Grid, role: Role) {
        guard !area.isEmpty else { return }
        grid.put(characters(width: area.width), in: area, role: role)
    }
}
