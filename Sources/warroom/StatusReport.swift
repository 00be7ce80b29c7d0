import Foundation
import WarRoomCore

/// What `warroom status` prints.
struct StatusReport {
    let state: WarRoomState
    let eventCount: Int
    let lastEvent: Date?
    let now: Date
    /// The manual rollback (from `--config`, else as the session recorded it).
    var breakGlass: String? = nil

    var manualRollback: String { breakGlass ?? state.session?.breakGlass ?? "(not recorded in this journal; give --config FILE)" }

    var values: [(key: SeriesKey, value: Double, age: TimeInterval)] {
        Cohort.allCases.flatMap { c in
            MetricKind.allCases.compactMap { m in
                state.series[SeriesKey(c, m)]?.latest.map { (SeriesKey(c, m), $0.value, now.timeIntervalSince($0.time)) }
            }
        }
    }

    /// Why the canary stopped, or what holds it.
    var canaryReason: String? { state.canaryReason(at: now)?.text }

    var text: String {
        var lines: [String] = []
        func row(_ k: String, _ v: String) { lines.append(k.padding(toLength: 10, withPad: " ", startingAt: 0) + v) }
        row("service", state.session?.service ?? "(no session recorded)")
        if let i = state.incident {
            let when = i.isOpen ? "open for \(Format.age(i.duration(at: now)))" : "resolved after \(Format.age(i.duration(at: now)))"
            row("incident", "#\(i.number) \(i.severity.label) \(i.status.label), \(when): \(i.title)")
            row("roles", IncidentRole.allCases.map { "\($0.short) \(i.roles[$0] ?? "—")" }.joined(separator: ", "))
        } else {
            row("incident", "none")
        }
        let firing = state.ruleLevels.filter { $0.value > .none }.map { "\($0.key.cohort.rawValue) \($0.key.rule.label) \($0.value.label)" }.sorted()
        // The same level the dashboard's header shows: an open incident's severity leads.
        row("severity", "\(state.shownSeverity.label)" + (firing.isEmpty ? "" : " (\(firing.joined(separator: ", ")))"))
        let c = state.canary
        var canary = "\(Format.weight(c.weight)) \(c.phase.label)"
        if let i = c.stepIndex { canary += ", stage \(i + 1)/\(state.plan.steps.count), in stage \(Format.age(c.elapsedInStep(at: now)))" }
        if let r = canaryReason { canary += " (\(r))" }
        row("canary", canary)
        if let d = c.drift { row("DRIFT", d.detail) }
        for v in values {
            row("", "")
            lines.removeLast()
            lines.append(
                "  \(v.key.cohort.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))\(v.key.metric.label.padding(toLength: 9, withPad: " ", startingAt: 0)) \(Format.value(v.value, v.key.metric)) (\(Format.age(v.age)) ago)"
            )
        }
        for s in state.session?.sources ?? [] {
            if let o = state.sourcesDown[s.name] {
                row("source", "\(s.name) DOWN for \(Format.age(now.timeIntervalSince(o.since))): \(o.reason)")
            } else {
                row("source", "\(s.name) ok, every \(Format.duration(s.interval))")
            }
        }
        for t in state.session?.roster.tiers ?? [] {
            row("on call", "\(t.name): \(t.person.name) \(t.person.handle)")
        }
        if let e = state.escalation {
            for p in e.pages {
                let result = p.outcome.map { $0.succeeded ? "delivered" : "FAILED: \($0.detail)" } ?? "sending"
                row("paged", "\(p.request.person.name) (\(p.request.tierName)) at \(Format.wallTime(p.sentAt)) UTC: \(result)")
            }
            if let by = e.acknowledgedBy { row("ack", "by \(by)") } else if e.isActive { row("ack", "not yet acknowledged") }
        }
        row("journal", "\(eventCount) events" + (lastEvent.map { ", last \(Format.age(now.timeIntervalSince($0))) ago" } ?? ""))
        // Break glass: what to run when warroom itself is down.
        row("rollback", manualRollback)
        return lines.joined(separator: "\n")
    }

    var json: [String: Any] {
        var root: [String: Any] = [
            "service": state.session?.service as Any? ?? NSNull(),
            "severity": state.shownSeverity.label,
            "events": eventCount,
            "canary": [
                "weight": state.canary.weight, "phase": state.canary.phase.rawValue,
                "stage": state.canary.stepIndex.map { $0 + 1 } as Any? ?? NSNull(),
                "stages": state.plan.steps.count,
                "reason": canaryReason as Any? ?? NSNull(),
                "holds": state.blockingHolds(at: now).map(\.text),
                "started": state.canary.started,
            ] as [String: Any],
            "values": values.map { ["cohort": $0.key.cohort.rawValue, "metric": $0.key.metric.rawValue, "value": $0.value, "age_seconds": $0.age] },
            "sources": (state.session?.sources ?? []).map { s -> [String: Any] in
                var item: [String: Any] = ["name": s.name, "up": state.sourcesDown[s.name] == nil]
                if let o = state.sourcesDown[s.name] {
                    item["reason"] = o.reason
                    item["down_since"] = Format.iso(o.since)
                }
                return item
            },
            "on_call": (state.session?.roster.tiers ?? []).map { ["tier": $0.name, "name": $0.person.name, "handle": $0.person.handle] },
            "paged": (state.escalation?.pages ?? []).map { p -> [String: Any] in
                [
                    "name": p.request.person.name, "tier": p.request.tierName, "at": Format.iso(p.sentAt),
                    "delivered": p.outcome?.succeeded as Any? ?? NSNull(), "detail": p.outcome?.detail as Any? ?? NSNull(),
                ]
            },
            "acknowledged_by": state.escalation?.acknowledgedBy as Any? ?? NSNull(),
            "manual_rollback": breakGlass ?? state.session?.breakGlass as Any? ?? NSNull(),
        ]
        if let i = state.incident {
            var roles: [String: String] = [:]
            for (r, p) in i.roles { roles[r.rawValue] = p }
            root["incident"] =
                [
                    "number": i.number, "title": i.title, "severity": i.severity.label, "status": i.status.rawValue,
                    "opened_at": Format.iso(i.openedAt), "duration_seconds": i.duration(at: now), "roles": roles,
                ] as [String: Any]
        } else {
            root["incident"] = NSNull()
        }
        return root
    }
}
