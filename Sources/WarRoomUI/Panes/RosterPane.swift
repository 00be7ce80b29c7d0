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
        let roster = context.state.session?.roster ?? Roster(tiers: [])
        let escalation = context.state.escalation
        let next = escalation?.next(roster: roster)
        for (i, tier) in tiers.enumerated() where row < inner.height {
            var page = offsets[i] == 0 ? "first" : "+\(Format.duration(offsets[i]))"
            var pageRole: Role = .dim
            if let e = escalation {
                let sent = e.pages.last { $0.request.tier == i }
                if let sent {
                    switch sent.outcome {
                    case .none: (page, pageRole) = ("paging…", .sev3)
                    case .some(let o) where o.succeeded: (page, pageRole) = ("✓ paged \(Format.wallTime(sent.sentAt).prefix(5))", .ok)
                    case .some: (page, pageRole) = ("✖ PAGE FAILED", .sev1)
                    }
                } else if let next, next.tier == i {
                    (page, pageRole) = ("in \(Format.clock(max(0, next.at.timeIntervalSince(context.now))))", .sev3)
                } else if !e.policy.tiers.contains(i) {
                    (page, pageRole) = ("not paged at \(e.severity.label)", .dim)
                } else {
                    (page, pageRole) = (e.isActive ? "later" : "—", .dim)
                }
            }
            grid.put(TextWidth.truncate(tier.name, to: tierWidth - 1), in: inner, row: row, role: .title)
            let room = inner.width - tierWidth - TextWidth.of(page) - 1
            let person = roster.tiers.indices.contains(i) ? roster.onCall(tier: i, at: context.now) : tier.person
            var who = [person.name, person.handle, person.contact].filter { !$0.isEmpty }.joined(separator: " ")
            if let handoff = roster.tiers.indices.contains(i) ? roster.nextHandoff(tier: i, after: context.now) : nil {
                who += " · \(handoff.to.name) in \(Format.age(handoff.at.timeIntervalSince(context.now)))"
            }
            if room > 0 {
                let nameWidth = min(TextWidth.of(person.name), room)
                grid.put(TextWidth.truncate(person.name, to: nameWidth), in: inner, row: row, dx: tierWidth, role: .value)
                let rest = String(who.dropFirst(person.name.count))
                grid.put(TextWidth.truncate(rest, to: room - nameWidth), in: inner, row: row, dx: tierWidth + nameWidth, role: .normal)
            }
            grid.put(
                TextWidth.pad(page, to: TextWidth.of(page) + 1, right: true), in: inner, row: row,
                dx: inner.width - TextWidth.of(page) - 1, role: pageRole)
            row += 1
        }
        if let e = escalation, row < inner.height {
            row += 1
            let text: String
            let role: Role
            if !e.isActive, let by = e.acknowledgedBy, let at = e.acknowledgedAt {
                (text, role) = ("✓ Acknowledged by \(by) at \(Format.wallTime(at)) after \(Format.age(at.timeIntervalSince(e.startedAt)))", .ok)
            } else if let stopped = e.stopped {
                (text, role) = ("Escalation stopped: \(stopped.text)", .dim)
            } else if let next {
                let who = roster.tiers[next.tier]
                (text, role) = (
                    "▲ \(e.severity.label): next page \(who.name) (\(who.person.name)) in \(Format.clock(max(0, next.at.timeIntervalSince(context.now)))) · A acknowledges",
                    .sev2
                )
            } else {
                (text, role) = ("▲ \(e.severity.label): every tier paged, no acknowledgement · A acknowledges", .sev1)
            }
            grid.put(TextWidth.truncate(text, to: inner.width), in: inner, row: row, role: role)
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
