/// A bordered pane with a title in its top edge.
public struct Box {
    public var title: String
    public var role: Role
    public var titleRole: Role
    public var glyphs: Glyphs

    public init(title: String, role: Role = .border, titleRole: Role = .title, glyphs: Glyphs = .unicode) {
        self.title = title
        self.role = role
        self.titleRole = titleRole
        self.glyphs = glyphs
    }

    /// Draw the border and title; returns the inner area.
    @discardableResult
    public func render(in area: Rect, into grid: inout Grid) -> Rect {
        guard area.width >= 2, area.height >= 2 else {
            grid.fill(area)
            return Rect(x: area.x, y: area.y, width: 0, height: 0)
        }
        let g = glyphs
        grid[area.x, area.y] = Cell(scalar: g.topLeft, role: role)
        grid[area.maxX - 1, area.y] = Cell(scalar: g.topRight, role: role)
        grid[area.x, area.maxY - 1] = Cell(scalar: g.bottomLeft, role: role)
        grid[area.maxX - 1, area.maxY - 1] = Cell(scalar: g.bottomRight, role: role)
        for x in area.x + 1 ..< area.maxX - 1 {
            grid[x, area.y] = Cell(scalar: g.horizontal, role: role)
            grid[x, area.maxY - 1] = Cell(scalar: g.horizontal, role: role)
        }
        for y in area.y + 1 ..< area.maxY - 1 {
            grid[area.x, y] = Cell(scalar: g.vertical, role: role)
            grid[area.maxX - 1, y] = Cell(scalar: g.vertical, role: role)
        }
        if area.width > 4, !title.isEmpty {
            let t = " " + TextWidth.truncate(title, to: area.width - 4) + " "
            grid.put(t, x: area.x + 1, y: area.y, role: titleRole, limit: area.maxX - 1)
        }
        let inner = area.inner
        grid.fill(inner)
        // One column of padding on each side when there is room for it.
        return inner.width > 4 ? inner.inset(dx: 1, dy: 0) : inner
    }
}
