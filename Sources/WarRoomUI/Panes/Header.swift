import Foundation
import WarRoomCore

/// The top row: the service, the severity, the incident and its clock, what is silent or firing, the time.
struct Header {
    let context: ViewContext
    let waiting: Bool
    var label: String? = nil
    var viewers: Viewers? = nil
    /// A follower's loudest news: nobody commands this war room.
    var noCommanderSince: Date? = nil

    func render(in area: Rect, into grid: inout Grid) {
        let state = context.state
        let severity = state.shownSeverity
        let alert = severity >= .sev2
        let base: Role = alert ? .headerAlert : .header
        grid.fill(area, role: base)
        var x = grid.put(" WARROOM ", in: area, role: .badge)
        if let label { x += grid.put(" \(label) ", in: area, dx: x, role: .danger) }
        if let since = noCommanderSince {
            x += grid.put(" ✖ NO COMMANDER since \(Format.wallTime(since)) ", in: area, dx: x + 1, role: .danger) + 1
        }
        x += grid.put(" " + (state.session?.service ?? (waiting ? "starting…" : "no session")) + " ", in: area, dx: x, role: base)
        x += grid.put("│ ", in: area, dx: x, role: base)
        x += grid.put("\(severity.glyph) \(severity.label) ", in: area, dx: x, role: severity == .none ? base : .badge)
        x += grid.put(" │ ", in: area, dx: x, role: base)
        if let incident = state.incident, incident.isOpen {
            x += grid.put(
                "INCIDENT #\(incident.number) \(incident.severity.label) \(incident.status.label.uppercased()) \(Format.clock(incident.duration(at: context.now)))",
                in: area, dx: x, role: base)
        } else if let incident = state.incident {
            x += grid.put(
                "incident #\(incident.number) resolved after \(Format.age(incident.duration(at: context.now)))", in: area, dx: x, role: base)
        } else if let start = state.launchStartedAt {
            x += grid.put("no incident · launch T+\(Format.clock(context.now.timeIntervalSince(start)))", in: area, dx: x, role: base)
        } else {
            x += grid.put("no incident", in: area, dx: x, role: base)
        }
        // Being blind is the worst news a war room can have: it goes in the header.
        if !state.silentSources.isEmpty {
            x += grid.put("  ✖ SILENT: \(state.silentSources.keys.sorted().joined(separator: ", ")) ", in: area, dx: x, role: .danger)
        }
        let firing = state.alerts.values.filter { $0.change != .silenced }.count
        if firing > 0 {
            x += grid.put("  ▲ \(firing) alert\(firing == 1 ? "" : "s") firing ", in: area, dx: x, role: .badge)
        }
        let utc = "\(Format.wallTime(context.now)) UTC "
        // Each asks the time zone (ICU) again: once each per frame.
        let offset = context.localOffset
        let zone = context.localZoneName
        let local =
            offset != 0 || !["UTC", "GMT"].contains(zone)
            ? "│ \(Format.wallTime(context.now, offsetSeconds: offset)) \(zone) " : ""
        var watching: [String] = []
        if let viewers, viewers.total > 0 {
            watching = [
                "\(viewers.total) watching" + (viewers.readOnly > 0 ? " (\(viewers.readOnly) read-only)" : "") + " │ ",
                "\(viewers.total) watching │ ",
            ]
        }
        // The widest that fits: viewers and both clocks, then less, down to the UTC clock alone.
        let candidates = watching.map { $0 + utc + local } + watching.map { $0 + utc } + [utc + local, utc]
        if let right = candidates.first(where: { area.width - TextWidth.of($0) > x + 1 }) {
            grid.put(right, in: area, dx: area.width - TextWidth.of(right), role: base)
        }
    }
}
