/// The characters the screen is drawn with: Unicode by default, ASCII when
/// the locale cannot show Unicode.
public struct Glyphs: Sendable, Equatable {
    public var topLeft, topRight, bottomLeft, bottomRight, horizontal, vertical: Unicode.Scalar
    /// Sparkline levels, lowest first.
    public var spark: [Unicode.Scalar]
    public var arrow: String
    public var ellipsis: String

    public static let unicode = Glyphs(
        topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘", horizontal: "─", vertical: "│",
        spark: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], arrow: "▸", ellipsis: "…")

    public static let ascii = Glyphs(
        topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+", horizontal: "-", vertical: "|",
        spark: ["_", ".", "-", "~", "=", "+", "*", "#"], arrow: ">", ellipsis: "~")
}
