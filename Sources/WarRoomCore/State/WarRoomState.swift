public import Foundation

/// A side effect the reducer asks for. The actor performs it; its result
/// comes back as an event.
public enum Effect: Sendable, Equatable {
    /// Record this event in the journal, then fold it.
    case record(Event)
    /// Run this command (already recorded as issued).
    case execute(CommandRequest)
    /// Send this page (already recorded as issued).
    case page(PageRequest)
    /// Stop waiting for this command: kill its process group or abandon its
    /// request (its outcome is recorded as unknown by the same fold).
    case cancel(commandID: Int)
    /// Ask the traffic controller (`commands.read_traffic`) what is in force.
    case readTraffic
}

/// The last command issued, and how it ended once it has.
public struct LastCommand: Sendable, Equatable, Codable {
    public var request: CommandRequest
    public var outcome: CommandOutcome?
}

/// The latest value of every series and its age, as a person pins them.
public struct PinnedValues: Sendable, Equatable {
    public var samples: [Sample]
    public var ages: [TimeInterval]
}

/// A rule's value above a higher line, waiting out the rule's `for:`.
public struct PendingRise: Sendable, Equatable, Codable {
    /// The lowest level the value has held since `since`.
    public var level: Severity
    public var since: Date
}

/// The whole state of a war room: a pure fold of the journal's events.
/// Codable as a checkpoint (see Checkpoint.swift): a series keeps only its
/// newest point there; bump `checkpointVersion` when the stored shape changes.
public struct WarRoomState: Sendable, Codable, Equatable {
    public static let timelineLimit = 2000

    public private(set) var session: SessionInfo?
    /// When the first session in this journal started: the launch clock.
    public private(set) var launchStartedAt: Date?
    public private(set) var series: [SeriesKey: Series] = [:]
    public let seriesCapacity: Int
    public private(set) var ruleLevels: [RuleKey: Severity] = [:]
    public private(set) var incident: Incident?
    public private(set) var canary = CanaryState()
    /// Oldest first, bounded; the journal keeps everything.
    public private(set) var timeline: [TimelineEntry] = []
    public private(set) var sourcesDown: [String: SourceOutage] = [:]
    public private(set) var commandsInFlight: [Int: CommandRequest] = [:]
    public private(set) var lastCommand: LastCommand?
    /// Rules whose value is over a higher line but not yet for their `for:`.
    public private(set) var pendingRises: [RuleKey: PendingRise] = [:]
    public private(set) var nextCommandID = 1
    public private(set) var escalation: EscalationState?
    public private(set) var nextPageID = 1
    public private(set) var lastSeq: Int64 = 0
    /// Alertmanager alerts now firing or silenced, by fingerprint.
    public private(set) var alerts: [String: AlertNotice] = [:]
    /// Alerts known before the current session started, so a restart does not repeat them in the timeline.
    private var alertsBeforeSession: [String: AlertNotice] = [:]
    /// When each source last sent samples.
    public private(set) var lastSampleAt: [String: Date] = [:]
    /// Always-reporting sources whose dead-man's switch has tripped, and since when.
    public private(set) var silentSources: [String: Date] = [:]
    /// When the current session started.
    public private(set) var sessionStartedAt: Date?
    public private(set) var lastEventTime: Date?

    public struct SourceOutage: Sendable, Equatable, Codable {
        public var since: Date
        public var reason: String
    }

    public init(seriesCapacity: Int = 3600) {
        self.seriesCapacity = max(1, seriesCapacity)
    }

    /// The highest level any rule or firing alert is at now.
    public var severity: Severity {
        max(ruleLevels.values.max() ?? .none, alertLevel)
    }

    /// What the screen shows as the level now: an open incident's declared
    /// severity leads, and the rules and alerts can only add to it.
    public var shownSeverity: Severity {
        max(severity, incident.flatMap { $0.isOpen ? $0.severity : nil } ?? .none)
    }

    /// The worst level of the alerts firing now (silenced ones do not count).
    public var alertLevel: Severity {
        alerts.values.filter { $0.change != .silenced }.compactMap(\.level).max() ?? .none
    }

    public func severity(of cohort: Cohort) -> Severity {
        ruleLevels.filter { $0.key.cohort == cohort }.values.max() ?? .none
    }

    public var rules: SeverityRules { session?.rules ?? .runbookDefaults }
    public var plan: CanaryPlan { session?.plan ?? .runbookDefault }

    // MARK: - Fold

    /// Fold one recorded event into the state. Returns the effects it implies;
    /// a replay ignores them, a live war room performs them.
    @discardableResult
    public mutating func apply(_ recorded: Recorded) -> [Effect] {
        lastSeq = max(lastSeq, recorded.seq)
        lastEventTime = recorded.time
        let before = shownSeverity
        var effects = fold(recorded)
        let after = shownSeverity
        // The first breach starts the time to rollback; it ends when the trouble does.
        if after >= .sev3 || canary.lastCheck?.outcome == .fail {
            if canary.breachAt == nil { canary.breachAt = recorded.time }
        } else if canary.ttrTrigger == nil {
            canary.breachAt = nil
        }
        if after == .sev1, before < .sev1 { effects += respondToSev1() }
        return effects
    }

    /// Fold one source's readings, stored in the samples store (not the
    /// event log), exactly as a journal's `samples` event was folded: values,
    /// severity evaluation (crossings come back as events to record), the
    /// time to rollback, the dead-man's switch reset. Returns the effects.
    @discardableResult
    public mutating func apply(_ batch: SampleBatch) -> [Effect] {
        apply(batch.recorded)
    }

    /// Only the sparklines' points of batches the state has folded already
    /// (they came before a checkpoint), or of downsampled buckets: values for
    /// the history, older than what the series holds; no decision, no
    /// timeline entry, no newer `latest`. One merge per series; `past` holds
    /// each series' points oldest first and the source of its newest (a
    /// series it creates is that source's, as the newest point's source is in
    /// a fold; one with no points is created empty).
    public mutating func fillHistory(_ past: [SeriesKey: (source: String, points: [Series.Point])]) {
        for (key, past) in past {
            var s = series[key] ?? Series(capacity: seriesCapacity, source: past.source)
            s.merge(past.points, from: past.source)
            series[key] = s
        }
    }

    /// The router: each event goes to the part of the state that owns it
    /// (the session, the sources, the severity rules, the incident, the
    /// escalation, the canary, the commands, the notes), as Bubble Tea routes
    /// a message to its sub-model. The canary, the incident and the escalation
    /// fold their own events (`CanaryState.apply`, `Incident.apply`,
    /// `EscalationState.apply`); what crosses between them is decided here.
    private mutating func fold(_ recorded: Recorded) -> [Effect] {
        switch recorded.event {
        case .sessionStarted:
            return foldSession(recorded)
        case .samples, .sourceDown, .sourceUp, .history, .deadManSwitch, .alert:
            return foldSource(recorded)
        case .thresholdCrossed:
            return foldSeverity(recorded)
        case .incidentOpened, .severityChanged, .statusChanged, .roleAssigned:
            foldIncident(recorded)
        case .pageIssued, .pageFinished, .acknowledged:
            foldEscalation(recorded)
        case .analysisChecked:
            return foldAnalysis(recorded)
        case .awaitingApproval, .ttrMeasured, .launchStarted, .holdsChanged, .holdsOverridden, .trafficRead:
            var log = TimelineLog(recorded)
            canary.apply(recorded.event, at: recorded.time, plan: plan, log: &log)
            add(log)
        case .commandIssued, .commandFinished:
            return foldCommand(recorded)
        case .note, .metricsPinned, .commandHandedOver:
            foldNote(recorded)
        }
        return []
    }

    /// A session starts: what it watches, and what an earlier one left in flight.
    private mutating func foldSession(_ recorded: Recorded) -> [Effect] {
        let time = recorded.time
        var effects: [Effect] = []
        switch recorded.event {
        case .sessionStarted(let info):
            let resuming = canary.started
            session = info
            sessionStartedAt = time
            if launchStartedAt == nil { launchStartedAt = time }
            alertsBeforeSession.merge(alerts) { $1 }
            alerts = [:]
            silentSources = [:]
            let sources = info.sources.map(\.name).joined(separator: ", ")
            add(
                recorded, .session, .info,
                "\(info.mode.text) session started by \(info.startedBy): watching \(info.service)"
                    + (sources.isEmpty ? "" : " via \(sources)"))
            // What an earlier session left in flight may or may not have happened: say so, loudly.
            for request in commandsInFlight.values.sorted(by: { $0.id < $1.id }) {
                effects.append(.record(.commandFinished(id: request.id, outcome: .unknown("warroom restarted while it was in flight"))))
            }
            if resuming {
                add(recorded, .canary, .info, "resuming the launch: canary at \(Format.weight(canary.weight))\(stageText), \(canary.phase.label)")
            } else if canary.phase == .pending {
                add(recorded, .canary, .info, "launch not started: press L to start (or --start)")
            }
        default:
            break
        }
        return effects
    }

    /// What the sources send: samples, outages, history, alerts, silence.
    private mutating func foldSource(_ recorded: Recorded) -> [Effect] {
        let time = recorded.time
        var effects: [Effect] = []
        switch recorded.event {
        case .samples(let source, let samples):
            lastSampleAt[source] = time
            if let since = silentSources.removeValue(forKey: source) {
                add(recorded, .source, .good, "source \(source) reporting again after \(Format.age(time.timeIntervalSince(since))) of silence")
            }
            for sample in samples {
                series[sample.key, default: Series(capacity: seriesCapacity, source: source)]
                    .append(sample.value, at: time, from: source)
                effects += evaluate(sample, at: time)
            }
            if let trigger = canary.ttrTrigger, canary.phase == .rolledBack, isHealthy(samples) {
                effects.append(.record(.ttrMeasured(seconds: time.timeIntervalSince(trigger), trigger: trigger, from: canary.ttrStart ?? .decision)))
            }

        case .sourceDown(let source, let reason):
            sourcesDown[source] = SourceOutage(since: time, reason: reason)
            add(recorded, .source, .bad, "source \(source) down: \(reason)")

        case .sourceUp(let source, let downFor):
            sourcesDown[source] = nil
            add(recorded, .source, .good, "source \(source) back after \(Format.age(downFor))")

        case .history(let source, let histories):
            for h in histories {
                series[h.key, default: Series(capacity: seriesCapacity, source: source)].merge(h.points, from: source)
            }
            let points = histories.reduce(0) { $0 + $1.points.count }
            add(recorded, .source, .info, "source \(source): \(points) past value\(points == 1 ? "" : "s") loaded for \(histories.count) series")

        case .alert(let notice):
            let known = alerts[notice.fingerprint] ?? alertsBeforeSession[notice.fingerprint]
            alertsBeforeSession[notice.fingerprint] = nil
            if notice.change == .resolved { alerts[notice.fingerprint] = nil } else { alerts[notice.fingerprint] = notice }
            let repeated = known?.change == notice.change || (known?.change == .unsilenced && notice.change == .firing)
            let level = notice.level.map { " (\($0.label))" } ?? ""
            let summary = notice.summary.map { ": \($0)" } ?? ""
            if !repeated {
                switch notice.change {
                case .firing, .unsilenced:
                    add(
                        recorded, .alert, notice.level.map { .warning($0) } ?? .bad,
                        "alert \(notice.name) \(notice.change == .firing ? "FIRING" : "unsilenced, firing")\(level)\(summary)")
                case .silenced:
                    add(recorded, .alert, .info, "alert \(notice.name) silenced\(level)\(summary)")
                case .resolved:
                    add(recorded, .alert, .good, "alert \(notice.name) resolved")
                }
            }
            if notice.change == .firing || notice.change == .unsilenced, let to = notice.level {
                effects += raise(to: to, why: "alert \(notice.name)\(summary)")
            }

        case .deadManSwitch(let source, let silentFor):
            silentSources[source] = time
            add(recorded, .source, .bad, "DEAD-MAN'S SWITCH: \(source) has sent nothing for \(Format.age(silentFor)) (it must always report)")
        default:
            break
        }
        return effects
    }

    /// A rule crossed a line: its level, and an incident opened or raised.
    private mutating func foldSeverity(_ recorded: Recorded) -> [Effect] {
        var effects: [Effect] = []
        switch recorded.event {
        case .thresholdCrossed(let c):
            ruleLevels[c.rule] = c.to
            let what = "\(c.rule.cohort.rawValue) \(c.rule.rule.label)"
            let value = c.rule.rule == .errorRate ? Format.percent(c.value) : Format.latency(c.value)
            let threshold = c.rule.rule == .errorRate ? Format.percent(c.threshold) : Format.latency(c.threshold)
            if c.to > c.from {
                add(
                    recorded, .threshold, .warning(c.to),
                    "\(what) \(value) above \(c.to.label) threshold \(threshold)")
            } else {
                let now = c.to == .none ? "back to normal" : "now \(c.to.label)"
                add(
                    recorded, .threshold, c.to == .none ? .good : .warning(c.to),
                    "\(what) \(value) below \(c.from.label) threshold \(threshold): \(now)")
            }
            if c.to > c.from {
                effects += raise(to: c.to, why: "\(what) \(value) above \(threshold)")
            }
        default:
            break
        }
        return effects
    }

    /// The incident: declared, raised, its status and roles (and what that does to the escalation).
    private mutating func foldIncident(_ recorded: Recorded) {
        let time = recorded.time
        switch recorded.event {
        case .incidentOpened(let severity, let title, let by):
            escalation = nil
            incident = Incident(number: (incident?.number ?? 0) + 1, title: title, severity: severity, openedAt: time, openedBy: by)
            add(recorded, .incident, .warning(severity), "incident #\(incident!.number) opened at \(severity.label) by \(by): \(title)")
            startEscalation(severity, at: time, recorded: recorded)

        case .severityChanged(let to, _, _):
            guard let from = incident?.severity else { break }
            var log = TimelineLog(recorded)
            incident?.apply(recorded.event, at: time, log: &log)
            add(log)
            if to > from { escalate(to: to, at: time, recorded: recorded) }

        case .statusChanged, .roleAssigned:
            guard incident != nil else { break }
            var log = TimelineLog(recorded)
            incident?.apply(recorded.event, at: time, log: &log)
            // A resolution stops the escalation too, after the incident's own line.
            escalation?.apply(recorded.event, at: time, log: &log)
            add(log)
        default:
            break
        }
    }

    /// An analysis check of the canary, and the rollback or pause it may call for.
    private mutating func foldAnalysis(_ recorded: Recorded) -> [Effect] {
        let time = recorded.time
        var effects: [Effect] = []
        switch recorded.event {
        case .analysisChecked(let check):
            canary.lastCheckAt = time
            canary.lastCheck = check
            guard let analysis = plan.analysis else { break }
            switch check.outcome {
            case .pass:
                canary.checksPassed += 1
                canary.inconclusiveInARow = 0
            case .fail:
                canary.checksFailed += 1
                canary.inconclusiveInARow = 0
                add(
                    recorded, .canary, .bad,
                    "analysis check FAILED (\(canary.checksFailed) failed, \(analysis.failureLimit) tolerated): \(check.reason)")
                if canary.checksFailed > analysis.failureLimit, canCarryTraffic {
                    let why = "analysis failed \(canary.checksFailed) check\(canary.checksFailed == 1 ? "" : "s"): \(check.reason)"
                    effects += issue(analysis.autoRollback ? .rollback : .pause, reason: why, trigger: time)
                }
            case .inconclusive:
                canary.inconclusiveInARow += 1
                add(recorded, .canary, .warning(.sev3), "analysis check inconclusive: \(check.reason)")
                if canary.inconclusiveInARow >= analysis.inconclusiveLimit, canCarryTraffic, canary.phase != .paused {
                    effects += issue(.pause, reason: "no data for \(canary.inconclusiveInARow) checks in a row: \(check.reason)", trigger: time)
                }
            }
        default:
            break
        }
        return effects
    }

    /// Commands issued and finished, and what they did to the canary.
    private mutating func foldCommand(_ recorded: Recorded) -> [Effect] {
        let time = recorded.time
        var effects: [Effect] = []
        switch recorded.event {
        case .commandIssued(let request):
            commandsInFlight[request.id] = request
            nextCommandID = max(nextCommandID, request.id + 1)
            lastCommand = LastCommand(request: request, outcome: nil)
            switch request.action {
            case .setTraffic, .promote: canary.phase = .changing
            case .rollback:
                canary.phase = .rollingBack
                // From the detection, not the decision, when a breach came first.
                let decided = request.trigger ?? time
                if let breach = canary.breachAt, breach <= decided {
                    canary.ttrTrigger = breach
                    canary.ttrStart = .breach
                } else {
                    canary.ttrTrigger = decided
                    canary.ttrStart = .decision
                }
                canary.ttr = nil
            case .pause, .resume: break
            }
            let who = request.automatic ? Self.automatic : request.by
            add(
                recorded, .command, request.action == .rollback ? .warning(.sev2) : .info,
                "\(who) issued \(request.action): \(request.reason)")

        case .commandFinished(let id, let outcome):
            guard let request = commandsInFlight.removeValue(forKey: id) else { break }
            lastCommand = LastCommand(request: request, outcome: outcome)
            let took = Format.fixed(outcome.duration, decimals: 1) + "s"
            if session?.readsTraffic == true, request.action.changesTraffic || outcome.isUnknown { effects.append(.readTraffic) }
            if outcome.isUnknown {
                // It may or may not have happened: never a success, and the canary waits for a person.
                add(recorded, .command, .bad, "\(request.action.description.uppercased()): \(outcome.detail.uppercased())")
                canary.phase = .paused
                canary.stop = .outcomeUnknown(action: request.action, why: outcome.detail)
                if request.action == .rollback { canary.ttrTrigger = nil }
            } else if outcome.succeeded {
                add(recorded, .command, .good, "\(request.action) done (\(outcome.detail), \(took))")
                applySuccess(of: request, at: time, recorded: recorded)
            } else {
                add(recorded, .command, .bad, "\(request.action) FAILED (\(outcome.detail), \(took))")
                switch request.action {
                case .rollback:
                    canary.phase = .paused
                    canary.ttrTrigger = nil
                    canary.stop = .rollbackFailed(detail: outcome.detail)
                case .setTraffic, .promote:
                    canary.phase = .paused
                    canary.stop = .commandFailed(action: request.action, detail: outcome.detail)
                case .pause, .resume:
                    break
                }
            }
        default:
            break
        }
        return effects
    }

    /// Pages and acknowledgements go to the escalation; a page with no
    /// escalation (it ended since) is still in the timeline.
    private mutating func foldEscalation(_ recorded: Recorded) {
        var log = TimelineLog(recorded)
        if case .pageIssued(let page) = recorded.event {
            nextPageID = max(nextPageID, page.id + 1)
            if escalation == nil { log.add(.incident, .warning(page.severity), page.timelineText) }
        }
        escalation?.apply(recorded.event, at: recorded.time, log: &log)
        add(log)
    }

    /// What people write into the timeline: notes, pinned values, hand-overs.
    private mutating func foldNote(_ recorded: Recorded) {
        switch recorded.event {
        case .note(let text, let by):
            add(recorded, .note, .info, "\(by): \(text)")

        case .metricsPinned(let samples, let by, let ages):
            let parts = samples.enumerated().map { i, s in
                let age = ages.flatMap { i < $0.count ? $0[i] : nil }.map { " (\(Format.age($0)) old)" } ?? ""
                return "\(s.key.cohort.rawValue) \(s.key.metric.label.lowercased()) \(Format.value(s.value, s.key.metric))\(age)"
            }
            add(recorded, .note, .info, "\(by) pinned: " + parts.joined(separator: ", "))

        case .commandHandedOver(let from, let to, let reason, let granted):
            add(
                recorded, .session, .info,
                "command handed from \(from.name) to \(to.name)"
                    + (granted ? "" : " (\(from.user)'s warroom was no longer running)") + ": \(reason)")
        default:
            break
        }
    }

    /// " (stage 2/4)", or " (off plan, between 5% and 25%)" for an off-plan weight.
    private var stageText: String {
        let steps = plan.steps
        guard canary.weight > 0 else { return "" }
        if !canary.isOffPlan(plan), let i = canary.stepIndex { return " (stage \(i + 1)/\(steps.count))" }
        let below = canary.stepIndex.map { Format.weight(steps[$0].weight) } ?? "0%"
        let above = plan.stepIndex(above: canary.weight).map { Format.weight(steps[$0].weight) } ?? "100%"
        return " (off plan, between \(below) and \(above))"
    }

    /// The canary carries traffic, or a traffic command is on its way.
    private var canCarryTraffic: Bool {
        ![.rolledBack, .rollingBack].contains(canary.phase) && (canary.weight > 0 || trafficInFlight != nil)
    }

    /// The runbooks' "Immediate rollback" for SEV-1 (or a pause, as configured).
    private func respondToSev1() -> [Effect] {
        guard session != nil, canCarryTraffic else { return [] }
        switch plan.sev1Action {
        case .rollback:
            return issue(.rollback, reason: "SEV-1: immediate rollback (runbook)", trigger: canary.breachAt)
        case .pause:
            guard canary.phase != .paused else { return [] }
            return issue(.pause, reason: "SEV-1: the canary waits for the commander")
        }
    }

    /// A worse severity widens the escalation. After an acknowledgement the
    /// tiers the new policy adds are paged (the ack answered only the pages
    /// sent before it), starting now.
    private mutating func escalate(to severity: Severity, at time: Date, recorded: Recorded) {
        guard var e = escalation else {
            startEscalation(severity, at: time, recorded: recorded)
            return
        }
        e.policy = policy(for: severity)
        e.severity = severity
        if case .acknowledged = e.stopped {
            let fresh = e.policy.tiers.filter { !e.answered.contains($0) }
            if !fresh.isEmpty {
                e.stopped = nil
                e.chainStartedAt = time
                let tiers = session?.roster.tiers ?? []
                let names = fresh.compactMap { tiers.indices.contains($0) ? tiers[$0].name : nil }
                add(
                    recorded, .incident, .warning(severity),
                    "escalation widened for \(severity.label) after the acknowledgement: paging \(names.joined(separator: ", "))")
            }
        }
        escalation = e
    }

    /// Open an incident at this level, or raise the open one; SEV-4 and below never page.
    private func raise(to level: Severity, why: String) -> [Effect] {
        guard level >= .sev3 else { return [] }
        if incident?.isOpen != true {
            return [.record(.incidentOpened(severity: level, title: why, by: Self.automatic))]
        } else if let open = incident, level > open.severity {
            return [.record(.severityChanged(to: level, by: Self.automatic, reason: why))]
        }
        return []
    }

    /// The escalation policy for a severity (the runbooks' unless configured).
    public func policy(for severity: Severity) -> EscalationPolicy {
        let roster = session?.roster ?? Roster(tiers: [])
        return roster.policies[severity.label] ?? EscalationPolicy.runbookDefault(for: severity, tierCount: roster.tiers.count)
    }

    private mutating func startEscalation(_ severity: Severity, at time: Date, recorded: Recorded) {
        let policy = policy(for: severity)
        guard !policy.tiers.isEmpty else { return }
        escalation = EscalationState(startedAt: time, policy: policy, severity: severity)
        add(
            recorded, .incident, .warning(severity),
            "escalation started for \(severity.label): \(policy.tiers.count) tier\(policy.tiers.count == 1 ? "" : "s")")
    }

    /// The time to rollback the runbooks allow: two minutes.
    public static let ttrTarget: TimeInterval = 120

    private mutating func applySuccess(of request: CommandRequest, at time: Date, recorded: Recorded) {
        let who = request.automatic ? Self.automatic : request.by
        switch request.action {
        case .setTraffic(let percent), .promote(let percent):
            // Any weight is a place in the plan: the step at or below it is done.
            canary.started = true
            canary.stepIndex = plan.stepIndex(atOrBelow: percent)
            canary.weight = percent
            canary.startStep(at: time)
            if percent <= 0 {
                canary.phase = .paused
                canary.stop = .trafficOff(by: who)
                add(recorded, .canary, .info, "canary at 0%: no traffic on the new version")
            } else {
                canary.phase = percent >= 100 ? .promoted : .progressing
                add(
                    recorded, .canary, percent >= 100 ? .good : .info,
                    percent >= 100 ? "canary promoted to 100%" : "canary at \(Format.weight(percent))\(stageText)")
            }
        case .pause:
            canary.phase = .paused
            canary.stop = .paused(by: who, reason: request.reason)
        case .resume:
            canary.startStep(at: time)
            canary.phase = .progressing
            add(recorded, .canary, .info, "canary resumed at \(Format.weight(canary.weight)); hold restarts")
        case .rollback:
            canary.weight = 0
            canary.stepStartedAt = time
            canary.phase = .rolledBack
            canary.stop = .rolledBack(by: who, reason: request.reason)
            add(recorded, .canary, .good, "canary rolled back: all traffic on stable")
            pendingRises = pendingRises.filter { $0.key.cohort != .canary }
            // A canary without traffic has no error rate or latency: its rules stop firing.
            let firing = ruleLevels.filter { $0.key.cohort == .canary && $0.value > .none }
            if !firing.isEmpty {
                for key in firing.keys { ruleLevels[key] = Severity.none }
                add(recorded, .threshold, .good, "canary rules cleared: the canary takes no traffic")
            }
        }
    }

    /// No watched value in the batch is at SEV-3 or worse.
    private func isHealthy(_ samples: [Sample]) -> Bool {
        let watched = samples.filter { rules.rule(watching: $0.key.metric) != nil }
        return !watched.isEmpty && watched.allSatisfy { rules.level(of: $0.key.metric, value: $0.value) == .none }
    }

    /// Does this sample move a severity rule across a threshold? A rise
    /// waits out the rule's `for:` (the lowest level held all that time is
    /// the one reached); a fall needs the value below the line by the clear
    /// margin, so a value hovering at a line does not flap.
    private mutating func evaluate(_ sample: Sample, at time: Date) -> [Effect] {
        guard let rule = rules.rule(watching: sample.key.metric), sample.value.isFinite else { return [] }
        let key = RuleKey(sample.key.cohort, rule)
        let thresholds = rules.thresholds(for: rule)
        let old = ruleLevels[key] ?? .none
        let raw = thresholds.level(for: sample.value)
        var new = old
        if raw > old {
            let wait = thresholds.forDuration ?? 0
            if wait <= 0 {
                new = raw
            } else if var pending = pendingRises[key] {
                pending.level = min(pending.level, raw)
                if time.timeIntervalSince(pending.since) >= wait {
                    new = pending.level
                    pendingRises[key] = nil
                } else {
                    pendingRises[key] = pending
                }
            } else {
                pendingRises[key] = PendingRise(level: raw, since: time)
            }
        } else {
            pendingRises[key] = nil
            if raw < old { new = min(old, thresholds.level(for: sample.value + max(0, thresholds.clearMargin ?? 0))) }
        }
        guard new != old else { return [] }
        let crossed = new > old ? thresholds.threshold(of: new) : thresholds.threshold(of: old)
        return [
            .record(
                .thresholdCrossed(
                    Crossing(
                        rule: key, from: old, to: new, value: sample.value, threshold: crossed ?? 0)))
        ]
    }

    private mutating func add(_ recorded: Recorded, _ kind: TimelineEntry.Kind, _ tone: TimelineEntry.Tone, _ text: String) {
        add(TimelineEntry(seq: recorded.seq, time: recorded.time, kind: kind, tone: tone, text: text))
    }

    /// The lines a sub-state's fold wrote, in order.
    private mutating func add(_ log: TimelineLog) {
        for entry in log.entries { add(entry) }
    }

    private mutating func add(_ entry: TimelineEntry) {
        timeline.append(entry)
        if timeline.count > Self.timelineLimit + Self.timelineLimit / 4 {
            timeline.removeFirst(timeline.count - Self.timelineLimit)
        }
    }

    /// Who automatic actions are recorded as.
    public static let automatic = "warroom (automatic)"

    /// The latest value of every series and its age at `now`: a pinned value keeps its age.
    public func latestValues(at now: Date) -> PinnedValues {
        var samples: [Sample] = []
        var ages: [TimeInterval] = []
        for cohort in Cohort.allCases {
            for metric in MetricKind.allCases {
                guard let latest = series[SeriesKey(cohort, metric)]?.latest else { continue }
                samples.append(Sample(SeriesKey(cohort, metric), latest.value))
                ages.append(max(0, now.timeIntervalSince(latest.time)))
            }
        }
        return PinnedValues(samples: samples, ages: ages)
    }

    /// Why a note cannot be recorded: it depends on its text alone, never on
    /// the state, so `warroom note` needs no fold.
    public static func noteRefusal(_ text: String) -> EventRefusal? {
        NoteRules.problem(with: text).map(EventRefusal.note)
    }

    /// Why a person's event cannot be recorded now, or nil when it can.
    /// Automatic events are never refused.
    public func refusal(of event: Event) -> EventRefusal? {
        switch event {
        case .note(let text, _):
            return Self.noteRefusal(text)
        case .incidentOpened(let severity, let title, _):
            if let open = incident, open.isOpen { return .incidentStillOpen(number: open.number) }
            if severity == .none { return .noSeverity }
            return NoteRules.problem(with: title).map(EventRefusal.title)
        case .severityChanged(let to, _, _):
            guard let open = incident, open.isOpen else { return .noOpenIncident }
            if to == open.severity { return .alreadyAtSeverity(to) }
            if to == .none { return .noSeverity }
            return nil
        case .statusChanged(let to, _):
            guard let open = incident else { return .noIncident }
            if !open.isOpen && to == .resolved { return .alreadyResolved(number: open.number) }
            if to == open.status { return .alreadyAtStatus(to) }
            return nil
        case .roleAssigned(_, let person, _):
            guard incident?.isOpen == true else { return .noOpenIncident }
            return NoteRules.problem(with: person).map(EventRefusal.roleName)
        case .metricsPinned(let samples, _, _):
            return samples.isEmpty ? .nothingToPin : nil
        case .acknowledged:
            guard let e = escalation else { return .nothingToAcknowledge }
            switch e.stopped {
            case .acknowledged(let by)?: return .alreadyAcknowledged(by: by)
            case .resolved?: return .escalationStopped
            case nil: return nil
            }
        default:
            return nil
        }
    }

    // MARK: - Time

    /// Decisions that depend only on time passing: analysis checks, the
    /// canary's next step, pages, silences, holds and the controller's weight.
    /// The actor calls this every second.
    public func tick(at now: Date, by user: String = "warroom") -> [Effect] {
        pagesDue(at: now) + canaryTick(at: now) + silencesDue(at: now) + trafficReadDue(at: now)
    }

    /// Always-reporting sources that have gone silent past their stale limit.
    func silencesDue(at now: Date) -> [Effect] {
        guard let session, let started = sessionStartedAt else { return [] }
        return session.sources.compactMap { source in
            guard source.alwaysReporting == true, source.reportsSamples, silentSources[source.name] == nil else { return nil }
            let last = max(lastSampleAt[source.name] ?? started, started)
            let silent = now.timeIntervalSince(last)
            return silent > source.staleLimit ? .record(.deadManSwitch(source: source.name, silentFor: silent)) : nil
        }
    }

    /// Ask the controller what is in force, every `trafficReadInterval`.
    func trafficReadDue(at now: Date) -> [Effect] {
        guard let session, session.readsTraffic == true else { return [] }
        let every = session.trafficReadInterval ?? 15
        guard let last = canary.controllerReadAt else { return [.readTraffic] }
        return now.timeIntervalSince(last) >= every ? [.readTraffic] : []
    }

    /// The traffic command in flight, if any (pause and resume are not traffic).
    public var trafficInFlight: CommandRequest? {
        commandsInFlight.values.filter(\.action.changesTraffic).min { $0.id < $1.id }
    }

    /// Is the canary in a phase where holds matter (it could take more traffic)?
    private var holdsMatter: Bool {
        switch canary.phase {
        case .pending: canary.started
        case .progressing, .awaitingApproval: true
        default: false
        }
    }

    private func canaryTick(at now: Date) -> [Effect] {
        guard session != nil else { return [] }
        var effects: [Effect] = []
        let all = holds(at: now)
        if holdsMatter {
            let trouble = all.filter(\.isRecorded)
            if trouble != canary.recordedHolds { effects.append(.record(.holdsChanged(holds: trouble))) }
        }
        guard commandsInFlight.isEmpty else { return effects }
        let steps = plan.steps
        guard !steps.isEmpty else { return effects }
        let blocking = blockingHolds(all)
        switch canary.phase {
        case .pending:
            guard canary.started, blocking.isEmpty else { return effects }
            return effects
                + issue(
                    .setTraffic(percent: steps[0].weight),
                    reason: "launch started: first step \(Format.weight(steps[0].weight))")
        case .progressing:
            if let analysis = plan.analysis, let started = canary.stepStartedAt,
                now.timeIntervalSince(canary.lastCheckAt ?? started) >= analysis.interval
            {
                let freshness = 2 * (session?.sources.filter(\.reportsSamples).map(\.interval).max() ?? 5) + 1
                return effects + [.record(.analysisChecked(AnalysisCheck.evaluate(analysis, series: series, now: now, freshness: freshness)))]
            }
            guard let nextIndex = plan.stepIndex(above: canary.weight), let hold = currentHold,
                canary.elapsedInStep(at: now) >= hold, blocking.isEmpty
            else { return effects }
            let next = steps[nextIndex]
            if next.approval { return effects + [.record(.awaitingApproval(step: nextIndex))] }
            return effects
                + issue(
                    .setTraffic(percent: next.weight),
                    reason: "held \(Format.weight(canary.weight)) for \(Format.duration(hold)); next step")
        case .changing, .paused, .promoted, .rolledBack, .rollingBack, .awaitingApproval:
            return effects
        }
    }

    /// How long the canary holds where it is: its step's hold (for an
    /// off-plan weight, the step below it; below the first step, the first's).
    public var currentHold: TimeInterval? {
        let steps = plan.steps
        guard !steps.isEmpty else { return nil }
        return steps[canary.stepIndex ?? 0].hold
    }

    /// The next page of a running escalation, when it is due; or a reminder
    /// to the acknowledger when the policy has `repage_after`.
    func pagesDue(at now: Date) -> [Effect] {
        guard let e = escalation, let roster = session?.roster, let incident, incident.isOpen else { return [] }
        if e.isActive, let next = e.next(roster: roster), next.at <= now {
            let tier = roster.tiers[next.tier]
            let request = PageRequest(
                id: nextPageID, tier: next.tier, tierName: tier.name, person: roster.onCall(tier: next.tier, at: now),
                severity: e.severity, title: incident.title, round: next.round)
            return [.record(.pageIssued(request)), .page(request)]
        }
        if case .acknowledged = e.stopped, let after = e.policy.repageAfter, after > 0,
            let tierIndex = e.acknowledgedTier, roster.tiers.indices.contains(tierIndex), let acked = e.acknowledgedAt,
            now.timeIntervalSince(max(acked, e.lastRepageAt ?? acked)) >= after
        {
            let tier = roster.tiers[tierIndex]
            let request = PageRequest(
                id: nextPageID, tier: tierIndex, tierName: tier.name, person: roster.onCall(tier: tierIndex, at: now),
                severity: e.severity, title: incident.title, round: 0, repage: true)
            return [.record(.pageIssued(request)), .page(request)]
        }
        return []
    }

    /// Checks left to fail before the automatic rollback (or pause).
    public var failuresLeft: Int? {
        plan.analysis.map { max(0, $0.failureLimit + 1 - canary.checksFailed) }
    }

    // MARK: - Holds

    /// Everything that keeps the canary from taking more traffic now.
    public func holds(at now: Date) -> [Hold] {
        var out: [Hold] = []
        if let busy = trafficInFlight { out.append(.commandInFlight(action: busy.action)) }
        let level = max(severity, severity(of: .canary))
        if let open = incident, open.isOpen, shownSeverity >= plan.holdAt {
            out.append(.incident(number: open.number, severity: shownSeverity))
        } else if level >= plan.holdAt || severity(of: .canary) >= .sev3 {
            out.append(.severity(level))
        }
        out += sourceHolds(at: now)
        let placed = canary.weight > 0 && canary.phase != .pending
        if placed, let analysis = plan.analysis {
            if let check = canary.lastCheck, check.outcome != .pass {
                out.append(.lastCheck(outcome: check.outcome))
            }
            if canary.checksPassed < analysis.minChecks { out.append(.needsChecks(required: analysis.minChecks)) }
        }
        if let d = canary.drift { out.append(.drift(plan: d.plan, controller: d.controller)) }
        return out
    }

    /// The holds still in force once a person's override is taken into account.
    public func blockingHolds(at now: Date) -> [Hold] { blockingHolds(holds(at: now)) }

    private func blockingHolds(_ all: [Hold]) -> [Hold] {
        guard let override = canary.override else { return all }
        return all.filter { !$0.canOverride || !override.holds.contains($0) }
    }

    /// Sources feeding a watched series that are down, or whose values went
    /// stale. Before the first step only stable is judged: a canary without
    /// traffic may well report nothing.
    private func sourceHolds(at now: Date) -> [Hold] {
        guard let session else { return [] }
        var metrics: Set<MetricKind> = [.errorRate, rules.latencyMetric]
        for m in plan.analysis?.metrics ?? [] { metrics.insert(m.metric) }
        let cohorts: [Cohort] = canary.weight > 0 ? [.canary, .stable] : [.stable]
        var down: [String] = []
        var stale: [String] = []
        for cohort in cohorts {
            for metric in metrics.sorted(by: { $0.rawValue < $1.rawValue }) {
                guard let s = series[SeriesKey(cohort, metric)] else { continue }
                let source = s.source
                if sourcesDown[source] != nil {
                    if !down.contains(source) { down.append(source) }
                } else if let latest = s.latest, let info = session.sources.first(where: { $0.name == source }),
                    now.timeIntervalSince(latest.time) > info.staleLimit, !stale.contains(source)
                {
                    stale.append(source)
                }
            }
        }
        return down.sorted().map { .sourceDown(source: $0) } + stale.sorted().filter { !down.contains($0) }.map { .sourceStale(source: $0) }
    }

    // MARK: - Commands

    /// Why a person's command cannot be issued now, or nil when it can.
    /// A rollback is refused only when already rolled back (or in flight);
    /// it and a pause pre-empt what is in flight.
    public func refusal(of action: CommandAction, at now: Date) -> CommandRefusal? {
        let inFlight = commandsInFlight.values.sorted { $0.id < $1.id }
        switch action {
        case .rollback:
            if let busy = inFlight.first(where: { $0.action == .rollback }) { return .inFlight(busy.action) }
            if canary.phase == .rolledBack { return .alreadyRolledBack }
            return nil
        case .pause:
            if let busy = inFlight.first(where: { !$0.action.changesTraffic || $0.action == .rollback }) { return .inFlight(busy.action) }
            if ![.progressing, .awaitingApproval, .pending, .changing].contains(canary.phase) { return .nothingToPause(canary.phase) }
            return nil
        case .resume, .setTraffic, .promote:
            if let busy = inFlight.first { return .inFlight(busy.action) }
        }
        switch action {
        case .setTraffic(let p):
            if !(0 ... 100).contains(p) { return .outOfRange }
            if p == canary.weight, canary.phase != .rolledBack { return .alreadyAt(p) }
            if p > canary.weight, case let held = blockingHolds(at: now), !held.isEmpty { return .held(held) }
        case .promote(let p):
            if canary.phase == .promoted { return .alreadyPromoted }
            if canary.phase == .rolledBack { return .rolledBack }
            if p <= canary.weight { return .alreadyAt(canary.weight) }
            if case let held = blockingHolds(at: now), !held.isEmpty { return .held(held) }
        case .resume:
            if canary.phase != .paused { return .notPaused }
        case .pause, .rollback:
            break
        }
        return nil
    }

    /// Why the holds cannot be overridden now (nothing to override, or only a command in flight).
    public func overrideRefusal(at now: Date) -> CommandRefusal? {
        let held = blockingHolds(at: now)
        if let busy = trafficInFlight { return .inFlight(busy.action) }
        return held.contains(where: \.canOverride) ? nil : .nothingToOverride
    }

    /// Why the launch cannot be started now.
    public var startRefusal: CommandRefusal? {
        canary.started || canary.phase != .pending ? .alreadyStarted : nil
    }

    /// The step a promotion goes to: the first step above the weight in force
    /// (never below it), or 100% for `full`.
    public func promotionTarget(full: Bool) -> Double? {
        if full { return 100 }
        return plan.stepIndex(above: canary.weight).map { plan.steps[$0].weight }
    }

    /// What a command does to commands in flight, then the command itself.
    /// A rollback pre-empts every other command; a pause pre-empts stepping.
    /// The pre-empted command's outcome is unknown, and recorded so.
    public func commandEffects(_ request: CommandRequest) -> [Effect] {
        var effects: [Effect] = []
        let victims = commandsInFlight.values.sorted { $0.id < $1.id }.filter { busy in
            switch request.action {
            case .rollback: busy.action != .rollback
            case .pause: busy.action.changesTraffic && busy.action != .rollback
            default: false
            }
        }
        for busy in victims {
            effects.append(.cancel(commandID: busy.id))
            effects.append(.record(.commandFinished(id: busy.id, outcome: .unknown("pre-empted by \(request.action)"))))
        }
        return effects + [.record(.commandIssued(request)), .execute(request)]
    }

    private func issue(_ action: CommandAction, reason: String, trigger: Date? = nil) -> [Effect] {
        // An automatic decision never repeats one already on its way.
        let busy = commandsInFlight.values.map(\.action)
        switch action {
        case .rollback:
            if busy.contains(.rollback) || [.rolledBack, .rollingBack].contains(canary.phase) { return [] }
        case .pause:
            if busy.contains(.rollback) || busy.contains(.pause) || [.paused, .rolledBack, .rollingBack].contains(canary.phase) { return [] }
        default:
            break
        }
        return commandEffects(CommandRequest(id: nextCommandID, action: action, by: "warroom", reason: reason, automatic: true, trigger: trigger))
    }
}
