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
        let tierWidth = 11
        grid.put("Tier", in: inner, row: 0, role: .label)
        grid.put("On call", in: inner, row: 0, dx: tierWidth, role: .label)
        grid.put(TextWidth.pad("Paged", to: inner.width - tierWidth - 8, right: true), in: inner, row: 0, dx: tierWidth + 8, role: .label)
        var row = 1
        for (i, tier) in tiers.enumerated() where row < inner.height {
            let page = offsets[i] == 0 ? "first" : "+\(Format.duration(offsets[i]))"
            grid.put(TextWidth.truncate(tier.name, to: tierWidth - 1), in: inner, row: row, role: .title)
            let room = inner.width - tierWidth - TextWidth.of(page) - 1
            let who = [tier.person.name, tier.person.handle, tier.person.contact].filter { !$0.isEmpty }.joined(separator: " ")
            if room > 0 {
                let nameWidth = min(TextWidth.of(tier.person.name), room)
                grid.put(TextWidth.truncate(tier.person.name, to: nameWidth), in: inner, row: row, dx: tierWidth, role: .value)
                let rest = String(who.dropFirst(tier.person.name.count))
                grid.put(TextWidth.truncate(rest, to: room - nameWidth), in: inner, row: row, dx: tierWidth + nameWidth, role: .normal)
            }
            grid.put(TextWidth.pad(page, to: TextWidth.of(page) + 1, right: true), in: inner, row: row,
                     dx: inner.width - TextWidth.of(page) - 1, role: .dim)
            row += 1
        }
        row += 1
        if let incident = context.state.incident, incident.isOpen, row < inner.height {
            var x = grid.put("Roles ", in: inner, row: row, role: .label)
            for role in IncidentRole.allCases {
                let who = incident.roles[role]
                x += grid.put("\(role.short) ", in: inner, row: row, dx: x, role: .dim)
                x += grid.put((who ?? "—") + "  ", in: inner, row: row, dx: x, role: who == nil ? .sev3 : .value)
            }
            row += 2
        }
        if row < inner.height {
            let text = "Escalation: each tier has its time to acknowledge before the next is paged."
            grid.put(TextWidth.truncate(text, to: inner.width), in: inner, row: row, role: .dim)
        }
    }
}
