/// The characters the screen is drawn with: Unicode by default, ASCII when
/// the locale cannot show Unicode.
public struct Glyphs: Sendable, Equatable {
    public var topLeft, topRight, bottomLeft, bottomRight, horizontal, vertical: Unicode.Scalar
    /// Sparkline levels, lowest first.
    public var spark: [Unicode.Scalar]
    public var arrow: String
    public var ellipsis: String
    /// Sparklines in braille: two values a cell, four dots high (twice the history of blocks).
    public var brailleSparks = false

    public static let unicode = Glyphs(
        topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘", horizontal: "─", vertical: "│",
        spark: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], arrow: "▸", ellipsis: "…")

    /// Unicode with braille sparklines, where the terminal's font has braille
    /// (not the Linux console): braille, then blocks, then ASCII.
    public static var braille: Glyphs {
        var g = Glyphs.unicode
        g.brailleSparks = true
        return g
    }

    public static let ascii = Glyphs(
        topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+", horizontal: "-", vertical: "|",
        spark: ["_", ".", "-", "~", "=", "+", "*", "#"], arrow: ">", ellipsis: "~")
}
