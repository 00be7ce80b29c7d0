import Foundation
import WarRoomCore

/// Every key, its help and its config name, over the panes (`?`); on a
/// commander, the break-glass rollback for when warroom itself is down.
struct HelpOverlay {
    let glyphs: Glyphs
    let keyMap: KeyMap
    let readOnly: Bool
    var breakGlass: String? = nil

    func render(in body: Rect, into grid: inout Grid) {
        let actions = KeyAction.allCases.filter { !readOnly || $0.isViewOnly }
        let extra = breakGlass == nil ? 0 : 3
        let hint = "Rebind in the config by the names on the right: keys: {rollback: R}"
        let wanted = actions.count + 3 + extra  // the box, the keys, the rebinding hint, break glass
        let height = min(body.height - 2, wanted)
        // Too many keys for the rows: two columns (help cut to fit, names left out).
        let rows = height - 2 - extra
        let columns = actions.count > rows && body.width >= 100 ? 2 : 1
        let width = min(body.width - 4, columns == 2 ? 160 : 92)
        let area = Rect(x: body.x + (body.width - width) / 2, y: body.y + (body.height - height) / 2, width: width, height: height)
        let title = (readOnly ? "Keys (read-only screen)" : "Keys") + " · any key closes this help"
        let inner = Box(title: title, role: .accent, titleRole: .accent, glyphs: glyphs).render(in: area, into: &grid)
        let perColumn = columns == 2 ? (actions.count + 1) / 2 : actions.count
        let columnWidth = inner.width / columns
        for (i, action) in actions.enumerated() {
            let row = i % perColumn
            let column = i / perColumn
            guard row < inner.height - extra else { continue }
            let dx = column * columnWidth
            grid.put(TextWidth.pad(keyMap.label(action), to: 12), in: inner, row: row, dx: dx + 1, role: .footerKey)
            grid.put(TextWidth.truncate(action.help, to: max(0, columnWidth - 15)), in: inner, row: row, dx: dx + 14, role: .normal)
            // The name a config's `keys:` uses to rebind it.
            let name = action.rawValue
            if columns == 1, inner.width - 14 - TextWidth.of(action.help) > TextWidth.of(name) + 2 {
                grid.put(name, in: inner, row: row, dx: inner.width - TextWidth.of(name) - 1, role: .dim)
            }
        }
        if let breakGlass, inner.height > extra + 1 {
            // Cut into two rows, nothing dropped: the two rows together are the
            // line to paste when warroom is down (`warroom status` prints it whole).
            let room = max(1, inner.width - 2)
            grid.put("If warroom is down, roll back by hand (also in `warroom status`):", in: inner, row: inner.height - 3, dx: 1, role: .danger)
            let first = String(breakGlass.prefix(room))
            let rest = String(breakGlass.dropFirst(room))
            grid.put(first, in: inner, row: inner.height - 2, dx: 1, role: .accent)
            if !rest.isEmpty { grid.put(TextWidth.truncate(rest, to: room), in: inner, row: inner.height - 1, dx: 1, role: .accent) }
        }
        if perColumn + extra < inner.height, columns == 1 {
            grid.put(hint, in: inner, row: inner.height - 1 - extra, dx: 1, role: .dim)
        }
    }
}
