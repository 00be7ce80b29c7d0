import Foundation
import WarRoomCore

/// Who is on call at each tier, and when each tier would be paged.
public struct RosterPane {
    let context: ViewContext
    public init(_ context: ViewContext) { self.context = context }

    public func render(in area: Rect, into grid: inout Grid) {
        let inner = Box(title: "Escalation roster", glyphs: context.glyphs).render(in: area, into: &grid)
        guard !inner.isEmpty else { return }
        let tiers = context.state.session?.roster.tiers ?? []
        guard !tiers.isEmpty else {
            grid.put("No roster configured.", in: inner, role: .dim)
            return
        }
        let offsets = context.state.session?.roster.pageOffsets ?? []
        let nameWidth = min(18, max(8, inner.width / 4))
        grid.put(TextWidth.pad("Tier", to: 11) + TextWidth.pad("On call", to: nameWidth) + " Handle / contact",
                 in: inner, row: 0, role: .label)
        var row = 1
        for (i, tier) in tiers.enumerated() where row < inner.height {
            let page = offsets[i] == 0 ? "paged first" : "paged at +\(Format.duration(offsets[i]))"
            var x = grid.put(TextWidth.pad(tier.name, to: 11), in: inner, row: row, role: .title)
            x += grid.put(TextWidth.pad(tier.person.name, to: nameWidth), in: inner, row: row, dx: x, role: .value)
            let reach = [tier.person.handle, tier.person.contact].filter { !$0.isEmpty }.joined(separator: " ")
            let rest = " " + reach
            let tail = "  \(page)"
            let room = inner.width - x - TextWidth.of(tail)
            x += grid.put(TextWidth.truncate(rest, to: max(0, room)), in: inner, row: row, dx: x, role: .normal)
            if room > 0 {
                grid.put(TextWidth.pad(tail, to: inner.width - x, right: true), in: inner, row: row, dx: x, role: .dim)
            }
            row += 1
        }
        row += 1
        if row < inner.height {
            let text = "Escalation: each tier has its time to acknowledge before the next is paged."
            grid.put(TextWidth.truncate(text, to: inner.width), in: inner, row: row, role: .dim)
        }
    }
}
