import Foundation
import WarRoomCore

/// The armed command: exactly what will be sent, where, why, and when.
struct ArmedOverlay {
    let armed: Armed
    let panel: CommandPanel
    let state: WarRoomState
    let now: Date
    let glyphs: Glyphs

    func render(in body: Rect, into grid: inout Grid) {
        let width = min(body.width - 4, 100)
        let area = Rect(x: body.x + (body.width - width) / 2, y: body.y + max(0, (body.height - 9) / 2), width: width, height: min(9, body.height))
        let title = "ARMED: \(armed.what)" + (panel.dryRun ? " (DRY RUN: will not be sent)" : "")
        let inner = Box(title: title, role: .danger, titleRole: .danger, glyphs: glyphs).render(in: area, into: &grid)
        var target = "\(panel.service): canary \(Format.weight(state.canary.weight))"
        if let p = armed.what.previewAction?.percent { target += " → \(Format.weight(p))" }
        let preview: String
        if let action = armed.what.previewAction {
            preview = CommandSpec.preview(action, reason: armed.reason, by: panel.user, service: panel.service, in: panel.specs)
        } else if case .overrideHolds(let holds) = armed.what {
            target = "lift until the next step: " + holds.text
            preview = "(nothing is sent: the canary may take more traffic despite these holds; recorded with your reason)"
        } else {
            preview = ""
        }
        grid.put("Target  ", in: inner, row: 0, role: .label)
        grid.put(target, in: inner, row: 0, dx: 8, role: .value)
        grid.put("Sends   ", in: inner, row: 1, role: .label)
        grid.put(TextWidth.truncate(preview, to: inner.width - 8), in: inner, row: 1, dx: 8, role: .accent)
        if TextWidth.of(preview) > inner.width - 8 {
            grid.put(
                TextWidth.truncate(String(preview.dropFirst(max(0, inner.width - 9))), to: inner.width - 8), in: inner, row: 2, dx: 8, role: .accent)
        }
        grid.put("By      ", in: inner, row: 3, role: .label)
        grid.put(panel.user, in: inner, row: 3, dx: 8, role: .normal)
        grid.put("Reason  ", in: inner, row: 4, role: .label)
        if let fires = armed.firesAt {
            grid.put(armed.reason, in: inner, row: 4, dx: 8, role: .value)
            let left = max(0, fires.timeIntervalSince(now))
            grid.put("Sending in " + Format.fixed(left, decimals: 1) + " s · Esc aborts", in: inner, row: 6, role: .danger)
        } else {
            grid.put(armed.reason + "█", in: inner, row: 4, dx: 8, role: .selection)
            let then =
                armed.what.countsDown && panel.abortWindow > 0
                ? "Enter confirms, then \(Format.duration(panel.abortWindow)) to abort · Esc aborts now"
                : "Enter sends · Esc aborts"
            grid.put(then, in: inner, row: 6, role: .dim)
        }
    }
}
