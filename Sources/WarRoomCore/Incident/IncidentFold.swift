import Foundation

extension Incident {
    /// Fold one of the open incident's own events: its severity, status and
    /// roles. Declaring one, and what a change does to the escalation, is
    /// `WarRoomState`'s (it numbers incidents and knows the roster).
    mutating func apply(_ event: Event, at time: Date, log: inout TimelineLog) {
        switch event {
        case .severityChanged(let to, let by, let reason):
            let from = severity
            severity = to
            peak = max(peak, to)
            log.add(.incident, .warning(to), "severity \(from.label) → \(to.label) by \(by)" + (reason.isEmpty ? "" : ": \(reason)"))

        case .statusChanged(let to, let by):
            let from = status
            status = to
            resolvedAt = to == .resolved ? time : nil
            let tone: TimelineEntry.Tone = to == .resolved ? .good : .info
            log.add(
                .incident, tone,
                "status \(from.label) → \(to.label) by \(by)"
                    + (to == .resolved ? " (lasted \(Format.age(duration(at: time))))" : ""))

        case .roleAssigned(let role, let person, let by):
            roles[role] = person
            log.add(.incident, .info, "\(role.label): \(person) (assigned by \(by))")

        default:
            break
        }
    }
}
