public import Foundation

/// The runbooks' post-mortem and communication templates, filled from the
/// journal. Pure: the same events always give the same text.
public struct PostMortem: Sendable {
    public let state: WarRoomState
    public let events: [Recorded]
    /// When the export was made (for an incident still open).
    public let now: Date
    /// The worst values the samples store found within the incident (its
    /// samples are not among `events`): merged with those of the events.
    public let storedPeaks: [SeriesKey: Double]

    public init(events: [Recorded], now: Date) {
        var state = WarRoomState()
        for e in events { state.apply(e) }
        self.init(state: state, events: events, now: now)
    }

    /// From a state already folded (a checkpoint plus the tail) and the
    /// events the text quotes: every event but samples, and either the
    /// samples recorded while the incident was open or the peaks the samples
    /// store found among them (`storedPeaks`). Gives the same text as
    /// `init(events:now:)` with every event.
    public init(state: WarRoomState, events: [Recorded], now: Date, storedPeaks: [SeriesKey: Double] = [:]) {
        self.state = state
        self.events = events
        self.now = now
        self.storedPeaks = storedPeaks
    }

    var service: String { state.session?.service ?? "the service" }

    private func day(_ d: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: d)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    private func hm(_ d: Date) -> String { String(Format.wallTime(d).prefix(5)) }

    /// The worst value each watched series reached while the incident was open.
    public var peaks: [(key: SeriesKey, value: Double)] {
        guard let incident = state.incident else { return [] }
        func watched(_ key: SeriesKey) -> Bool { key.metric == .errorRate || key.metric == state.rules.latencyMetric }
        // A sample with no data (NaN) is no peak: never "peaked at -inf".
        var worst = storedPeaks.filter { watched($0.key) && !$0.value.isNaN }
        for e in events where e.time >= incident.openedAt && e.time <= (incident.resolvedAt ?? now) {
            if case .samples(_, let samples) = e.event {
                for s in samples where watched(s.key) && !s.value.isNaN {
                    worst[s.key] = max(worst[s.key] ?? -.infinity, s.value)
                }
            }
        }
        return worst.sorted { ($0.key.cohort.rawValue, $0.key.metric.rawValue) < ($1.key.cohort.rawValue, $1.key.metric.rawValue) }
            .map { ($0.key, $0.value) }
    }

    public var impact: String {
        let parts = peaks.map {
            "\($0.key.cohort.rawValue) \($0.key.metric == .errorRate ? "error rate" : "latency") peaked at \(Format.value($0.value, $0.key.metric))"
        }
        return parts.isEmpty ? "[DESCRIPTION]" : parts.joined(separator: "; ")
    }

    /// Commands and their outcomes, in order.
    public var actions: [(issued: Recorded, request: CommandRequest, outcome: CommandOutcome?)] {
        var out: [(Recorded, CommandRequest, CommandOutcome?)] = []
        for e in events {
            if case .commandIssued(let r) = e.event { out.append((e, r, nil)) }
            if case .commandFinished(let id, let o) = e.event, let i = out.lastIndex(where: { $0.1.id == id }) { out[i].2 = o }
        }
        return out
    }

    public func markdown() -> String {
        var md = ""
        let incident = state.incident
        let title = incident.map { Markdown.heading($0.title) } ?? "no incident declared"
        md += "# Incident Post-Mortem: \(incident.map { day($0.openedAt) } ?? day(now)) \(title)\n\n"
        md += "## Incident Summary\n"
        md += "- **Service**: \(Markdown.text(service))\n"
        if let incident {
            md += "- **Date**: \(day(incident.openedAt)), opened \(Format.wallTime(incident.openedAt)) UTC by \(Markdown.text(incident.openedBy))\n"
            let end = incident.resolvedAt.map { "resolved \(Format.wallTime($0)) UTC" } ?? "still open at \(Format.wallTime(now)) UTC"
            md += "- **Duration**: \(Format.age(incident.duration(at: now))) (\(end))\n"
            md += "- **Severity**: \(incident.severity.label) (peak \(incident.peak.label))\n"
            md += "- **Status**: \(incident.status.label)\n"
            md += "- **Impact**: \(Markdown.text(impact))\n"
            for role in IncidentRole.allCases {
                md += "- **\(role.label)**: \(incident.roles[role].map(Markdown.text) ?? "[NAME]")\n"
            }
        } else {
            md += "- **Date**: \(day(now))\n- **Duration**: no incident was opened\n- **Severity**: none\n- **Impact**: [DESCRIPTION]\n"
        }
        md += "\n## Timeline (UTC)\n"
        let epoch = incident?.openedAt ?? state.launchStartedAt
        for entry in state.timeline {
            let t = epoch.map { " (T" + (entry.time >= $0 ? "+" : "") + Format.clock(entry.time.timeIntervalSince($0)) + ")" } ?? ""
            md += "- \(day(entry.time)) \(Format.wallTime(entry.time))\(t) - \(Markdown.text(entry.text))\n"
        }
        md += "\n## Root Cause\n[DESCRIPTION: to be written by the team]\n"
        md += "\n## Actions Taken\n"
        let acts = actions
        if acts.isEmpty { md += "No commands were issued.\n" }
        for (i, a) in acts.enumerated() {
            let who = a.request.automatic ? PostMortem.automatic : a.request.by
            let result =
                a.outcome.map { "\($0.succeeded ? "succeeded" : "FAILED") (\(Markdown.text($0.detail)), \(String(format: "%.1fs", $0.duration)))" }
                ?? "no outcome recorded"
            md +=
                "\(i + 1). \(Format.wallTime(a.issued.time)) \(Markdown.text(a.request.action.description)) by \(Markdown.text(who)): \(Markdown.text(a.request.reason)) → \(result)\n"
        }
        md += "\n## Time to Rollback (TTR)\n"
        md += ttrText + "\n"
        md += "\n## Lessons Learned\n- [WHAT WENT WELL]\n- [WHAT COULD BE BETTER]\n"
        md += "\n## Action Items\n- [ ] [ITEM] - [ASSIGNEE] - [DUE DATE]\n"
        md += "\n---\n\n## Communication\n\n"
        md += "### Initial alert\n" + Markdown.fence(initialAlert) + "\n### Update\n" + Markdown.fence(update) + "\n### Resolution\n"
        if let resolution { md += Markdown.fence(resolution) } else { md += notResolved + "\n" }
        return md
    }

    static let automatic = "warroom (automatic)"

    /// Each rollback and the TTR measured after it (before the next rollback), if any.
    public var rollbackTTRs: [(request: CommandRequest, issued: Date, ttr: (seconds: TimeInterval, trigger: Date, from: TTRStart, healthyAt: Date)?)]
    {
        let rollbacks = actions.filter { $0.request.action == .rollback }
        return rollbacks.enumerated().map { n, rollback in
            let next = n + 1 < rollbacks.count ? rollbacks[n + 1].issued.seq : Int64.max
            for e in events where e.seq > rollback.issued.seq && e.seq < next {
                if case .ttrMeasured(let seconds, let trigger, let from) = e.event {
                    return (rollback.request, rollback.issued.time, (seconds, trigger, from ?? .decision, e.time))
                }
            }
            return (rollback.request, rollback.issued.time, nil)
        }
    }

    /// Every rollback with its own TTR (from the first breach, or the decision, to the first healthy reading).
    var ttrText: String {
        let rollbacks = actions.filter { $0.request.action == .rollback }
        guard !rollbacks.isEmpty else { return "No rollback was performed. Target: at most 2 minutes." }
        var lines: [String] = []
        for (n, rollback) in rollbacks.enumerated() {
            let label = rollbacks.count > 1 ? "Rollback \(n + 1)" : "Rollback"
            let who = rollback.request.automatic ? "automatically" : "by \(Markdown.text(rollback.request.by))"
            guard let outcome = rollback.outcome else {
                lines.append("\(label) issued \(Format.wallTime(rollback.issued.time)) UTC (\(who)); no outcome recorded.")
                continue
            }
            let result = outcome.succeeded ? "completed" : outcome.isUnknown ? "OUTCOME UNKNOWN" : "FAILED"
            var text =
                "\(label) issued \(Format.wallTime(rollback.issued.time)) UTC (\(who)), \(result) in \(Format.fixed(outcome.duration, decimals: 1))s."
            // The TTR measured after this rollback and before the next one is its own.
            let next = n + 1 < rollbacks.count ? rollbacks[n + 1].issued.seq : Int64.max
            let measured = events.first { e in
                guard e.seq > rollback.issued.seq, e.seq < next, case .ttrMeasured = e.event else { return false }
                return true
            }
            if let measured, case .ttrMeasured(let seconds, let trigger, let from) = measured.event {
                let met = seconds <= WarRoomState.ttrTarget
                text +=
                    " **TTR: \(Format.clock(seconds))** from the \((from ?? .decision).text) at \(Format.wallTime(trigger)) UTC to the first healthy reading at \(Format.wallTime(measured.time)) UTC; target 2 minutes: \(met ? "met" : "MISSED")."
            } else if outcome.succeeded {
                text += " No healthy reading was recorded after it, so TTR was not measured."
            }
            lines.append(text)
        }
        return lines.joined(separator: "\n")
    }

    /// The commander's handle, written once: "@ana" whether the role holds
    /// "ana", "@ana" or the roster name "Ana Ruiz"; a name not in the roster
    /// as it was given.
    var lead: String {
        guard let who = state.incident?.roles[.commander]?.trimmingCharacters(in: .whitespaces), !who.isEmpty else { return "[LEAD]" }
        let roster = state.session?.roster
        let people = (roster?.people ?? []) + (roster?.tiers.map(\.person) ?? [])
        if let person = Rotation.person(who, among: people), person.handle.hasPrefix("@") { return person.handle }
        if who.hasPrefix("@") { return who }
        return who.contains(" ") ? who : "@" + who
    }

    /// What the Resolution section says while the incident is open.
    var notResolved: String {
        guard let i = state.incident else { return "No incident declared." }
        return
            "Not resolved yet: the incident is \(i.status.label) at \(Format.wallTime(now)) UTC. The resolution message is written once it is resolved."
    }

    public var initialAlert: String {
        guard let i = state.incident else { return "No incident declared." }
        return """
            🚨 \(i.severity.label) INCIDENT: \(i.title)

            SERVICE: \(service)
            IMPACT: \(impact)
            STARTED: \(day(i.openedAt)) \(hm(i.openedAt)) UTC
            STATUS: Investigating
            LEAD: \(lead)

            Updates every 15 minutes
            """
    }

    public var update: String {
        guard let i = state.incident else { return "No incident declared." }
        let last =
            actions.last.map {
                "LAST ACTION: \($0.request.action) (\($0.outcome.map { $0.succeeded ? "succeeded" : "FAILED: \($0.detail)" } ?? "in progress"))\n"
            } ?? ""
        return """
            📢 Incident Update: \(i.status.label)

            INCIDENT: \(i.title) (\(i.severity.label))
            IMPACT: \(impact)
            DURATION SO FAR: \(Format.age(i.duration(at: now)))
            \(last)LEAD: \(lead)
            """
    }

    /// The resolution message, only once the incident is resolved.
    public var resolution: String? {
        guard let i = state.incident, !i.isOpen, let resolvedAt = i.resolvedAt else { return nil }
        let end = hm(resolvedAt)
        return """
            ✅ INCIDENT RESOLVED: \(i.title)

            ISSUE: [ROOT CAUSE]
            FIX: \(actions.last.map { "\($0.request.action): \($0.request.reason)" } ?? "[FIX]")
            DOWNTIME: \(Format.age(i.duration(at: now))) (\(hm(i.openedAt)) - \(end) UTC)
            AFFECTED: \(impact)

            Post-mortem: [LINK]
            """
    }

    /// The journal's events as JSON, with the timeline text each produced.
    public func json(includeSamples: Bool) throws -> Data {
        var texts: [Int64: [String]] = [:]
        for entry in state.timeline { texts[entry.seq, default: []].append(entry.text) }
        var list: [JSONValue] = []
        for e in events {
            if case .samples = e.event, !includeSamples { continue }
            var item: [String: JSONValue] = [
                "seq": .int(Int(e.seq)), "time": .string(Format.iso(e.time)), "kind": .string(e.event.kind), "event": .event(e.event),
            ]
            if let t = texts[e.seq] { item["timeline"] = .array(t.map(JSONValue.string)) }
            list.append(.object(item))
        }
        var root: [String: JSONValue] = ["service": .string(service), "exported_at": .string(Format.iso(now)), "events": .array(list)]
        if let i = state.incident {
            var roles: [String: JSONValue] = [:]
            for (r, p) in i.roles { roles[r.rawValue] = .string(p) }
            root["incident"] = [
                "number": .int(i.number), "title": .string(i.title), "severity": .string(i.severity.label), "peak": .string(i.peak.label),
                "status": .string(i.status.rawValue), "opened_at": .string(Format.iso(i.openedAt)), "opened_by": .string(i.openedBy),
                "resolved_at": .optional(i.resolvedAt.map { Format.iso($0) }),
                "duration_seconds": .double(i.duration(at: now)), "roles": .object(roles), "impact": .string(impact),
            ]
        }
        root["actions"] = .array(
            actions.map { a -> JSONValue in
                var item: [String: JSONValue] = [
                    "id": .int(a.request.id), "action": .string(a.request.action.description), "by": .string(a.request.by),
                    "automatic": .bool(a.request.automatic), "reason": .string(a.request.reason), "issued_at": .string(Format.iso(a.issued.time)),
                ]
                if let o = a.outcome {
                    item["succeeded"] = .bool(o.succeeded)
                    item["detail"] = .string(o.detail)
                    item["duration_seconds"] = .double(o.duration)
                    item["output"] = .string(o.output)
                    if o.isUnknown { item["outcome_unknown"] = true }
                }
                return .object(item)
            })
        // Each rollback with its own time to rollback.
        root["rollbacks"] = .array(
            rollbackTTRs.map { r -> JSONValue in
                var item: [String: JSONValue] = [
                    "id": .int(r.request.id), "issued_at": .string(Format.iso(r.issued)), "automatic": .bool(r.request.automatic),
                ]
                if let ttr = r.ttr {
                    item["ttr_seconds"] = .double(ttr.seconds)
                    item["ttr_from"] = .string(ttr.from.rawValue)
                    item["ttr_trigger"] = .string(Format.iso(ttr.trigger))
                    item["ttr_met"] = .bool(ttr.seconds <= WarRoomState.ttrTarget)
                }
                return .object(item)
            })
        root["messages"] = ["initial": .string(initialAlert), "update": .string(update), "resolution": .optional(resolution)]
        return try JSONValue.object(root).data()
    }
}
