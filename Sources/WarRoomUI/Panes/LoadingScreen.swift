import Foundation
import WarRoomCore

/// What a screen shows until its journal has been read to the end: that it is
/// loading, how far it has got, and (after 200 ms) a bar. It draws no
/// severity, no incident and no pane: the part not read yet may hold the
/// open SEV-1.
struct LoadingScreen {
    /// nil: nothing read yet (not even the journal's end).
    let loading: Loading?
    var label: String? = nil
    let now: Date
    let glyphs: Glyphs
    let timeZone: TimeZone
    var viewers: Viewers? = nil

    var line: String { loading?.text ?? "LOADING journal …" }

    func renderHeader(in area: Rect, into grid: inout Grid) {
        grid.fill(area, role: .header)
        var x = grid.put(" WARROOM ", in: area, role: .badge)
        if let label { x += grid.put(" \(label) ", in: area, dx: x, role: .danger) }
        x += grid.put(" " + line + " ", in: area, dx: x, role: .header)
        let context = ViewContext(state: WarRoomState(), now: now, glyphs: glyphs, timeZone: timeZone)
        let utc = "\(Format.wallTime(now)) UTC "
        let offset = context.localOffset
        let zone = context.localZoneName
        let local = offset != 0 || !["UTC", "GMT"].contains(zone) ? "│ \(Format.wallTime(now, offsetSeconds: offset)) \(zone) " : ""
        if let right = [utc + local, utc].first(where: { area.width - TextWidth.of($0) > x + 1 }) {
            grid.put(right, in: area, dx: area.width - TextWidth.of(right), role: .header)
        }
    }

    func renderBody(in body: Rect, into grid: inout Grid) {
        let width = min(body.width - 4, 96)
        let height = min(body.height, 8)
        let area = Rect(x: body.x + (body.width - width) / 2, y: body.y + max(0, (body.height - height) / 2), width: width, height: height)
        let inner = Box(title: "Loading the journal", role: .border, titleRole: .title, glyphs: glyphs).render(in: area, into: &grid)
        guard inner.height > 0 else { return }
        let journal = loading?.journal ?? "the journal"
        switch loading?.stage ?? .reading {
        case .reading:
            grid.put(TextWidth.truncate("Reading " + journal, to: inner.width - 2), in: inner, row: 0, dx: 1, role: .label)
            grid.put(line, in: inner, row: 1, dx: 1, role: .value)
        case .migrating(let format, let step):
            grid.put(
                TextWidth.truncate("Migrating \(journal) to journal format \(format), once: \(step)", to: inner.width - 2),
                in: inner, row: 0, dx: 1, role: .label)
            grid.put(
                TextWidth.truncate(line + "  (one transaction: if it stops, the journal stays as it was)", to: inner.width - 2),
                in: inner, row: 1, dx: 1, role: .value)
        }
        if let loading, loading.showsBar(at: now), let fraction = loading.fraction {
            let percent = " \(Int((fraction * 100).rounded(.down)))%"
            let room = max(0, inner.width - 2 - TextWidth.of(percent))
            let filled = Int((Double(room) * fraction).rounded(.down))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: room - filled)
            grid.put(bar + percent, in: inner, row: 3, dx: 1, role: .accent)
        }
        grid.put(
            TextWidth.truncate("Severity, incident and canary show once it is read to its end.", to: inner.width - 2),
            in: inner, row: 5, dx: 1, role: .dim)
        if let failure = loading?.failure {
            grid.put(TextWidth.truncate("✖ cannot read it: " + failure, to: inner.width - 2), in: inner, row: 4, dx: 1, role: .danger)
        }
    }
}
