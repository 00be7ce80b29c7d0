import Foundation

/// A side effect the reducer asks for. The actor performs it; its result
/// comes back as an event.
public enum Effect: Sendable, Equatable {
    /// Record this event in the journal, then fold it.
    case record(Event)
    /// Run this command (already recorded as issued).
    case execute(CommandRequest)
    /// Send this page (already recorded as issued).
    case page(PageRequest)
}

/// The whole state of a war room: a pure fold of the journal's events.
public struct WarRoomState: Sendable {
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
    public private(set) var lastCommand: (request: CommandRequest, outcome: CommandOutcome?)?
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

    public struct SourceOutage: Sendable, Equatable {
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
        let time = recorded.time
        var effects: [Effect] = []

        switch recorded.event {
        case .sessionStarted(let info):
            session = info
            sessionStartedAt = time
            if launchStartedAt == nil { launchStartedAt = time }
            alertsBeforeSession.merge(alerts) { $1 }
            alerts = [:]
            silentSources = [:]
            let sources = info.sources.map(\.name).joined(separator: ", ")
            add(recorded, .session, .info,
                "\(info.mode) session started by \(info.startedBy): watching \(info.service)"
                + (sources.isEmpty ? "" : " via \(sources)"))

        case .samples(let source, let samples):
            lastSampleAt[source] = time
            if let since = silentSources.removeValue(forKey: source) {
                add(recorded, .source, .good, "source \(source) reporting again after \(Format.age(time.timeIntervalSince(since))) of silence")
            }
            for sample in samples {
                series[sample.key, default: Series(capacity: seriesCapacity, source: source)]
                    .append(sample.value, at: time, from: source)
                effects += evaluate(sample)
            }
            if let trigger = canary.ttrTrigger, canary.phase == .rolledBack, isHealthy(samples) {
                effects.append(.record(.ttrMeasured(seconds: time.timeIntervalSince(trigger), trigger: trigger)))
            }

        case .sourceDown(let source, let reason):
            sourcesDown[source] = SourceOutage(since: time, reason: reason)
            add(recorded, .source, .bad, "source \(source) down: \(reason)")

        case .sourceUp(let source, let downFor):
            sourcesDown[source] = nil
            add(recorded, .source, .good, "source \(source) back after \(Format.age(downFor))")

        case .thresholdCrossed(let c):
            ruleLevels[c.rule] = c.to
            let what = "\(c.rule.cohort.rawValue) \(c.rule.rule.label)"
            let value = c.rule.rule == .errorRate ? Format.percent(c.value) : Format.latency(c.value)
            let threshold = c.rule.rule == .errorRate ? Format.percent(c.threshold) : Format.latency(c.threshold)
            if c.to > c.from {
                add(recorded, .threshold, .warning(c.to),
                    "\(what) \(value) above \(c.to.label) threshold \(threshold)")
            } else {
                let now = c.to == .none ? "back to normal" : "now \(c.to.label)"
                add(recorded, .threshold, c.to == .none ? .good : .warning(c.to),
                    "\(what) \(value) below \(c.from.label) threshold \(threshold): \(now)")
            }
            if c.to > c.from {
                effects += raise(to: c.to, why: "\(what) \(value) above \(threshold)")
            }

        case .incidentOpened(let severity, let title, let by):
            incident = Incident(number: (incident?.number ?? 0) + 1, title: title, severity: severity, openedAt: time, openedBy: by)
            add(recorded, .incident, .warning(severity), "incident #\(incident!.number) opened at \(severity.label) by \(by): \(title)")
            startEscalation(severity, at: time, recorded: recorded)

        case .severityChanged(let to, let by, let reason):
            guard var open = incident else { break }
            let from = open.severity
            open.severity = to
            open.peak = max(open.peak, to)
            incident = open
            add(recorded, .incident, .warning(to), "severity \(from.label) → \(to.label) by \(by)" + (reason.isEmpty ? "" : ": \(reason)"))
            if to > from {
                if var e = escalation, e.isActive {
                    // A worse severity widens the chain; tiers already due are paged at once.
                    e.policy = policy(for: to)
                    e.severity = to
                    escalation = e
                } else if escalation?.acknowledgedBy == nil {
                    startEscalation(to, at: time, recorded: recorded)
                }
            }

        case .statusChanged(let to, let by):
            guard var open = incident else { break }
            let from = open.status
            open.status = to
            open.resolvedAt = to == .resolved ? time : nil
            incident = open
            let tone: TimelineEntry.Tone = to == .resolved ? .good : .info
            add(recorded, .incident, tone, "status \(from.label) → \(to.label) by \(by)"
                + (to == .resolved ? " (lasted \(Format.age(open.duration(at: time))))" : ""))
            if to == .resolved, escalation?.isActive == true {
                escalation?.stopped = "incident resolved"
                add(recorded, .incident, .good, "escalation stopped: incident resolved")
            }

        case .roleAssigned(let role, let person, let by):
            guard incident != nil else { break }
            incident?.roles[role] = person
            add(recorded, .incident, .info, "\(role.label): \(person) (assigned by \(by))")

        case .pageIssued(let page):
            escalation?.pages.append((page, time, nil))
            nextPageID = max(nextPageID, page.id + 1)
            add(recorded, .incident, .warning(page.severity),
                "paging \(page.person.name) \(page.person.handle) (\(page.tierName)\(page.round > 0 ? ", repeat \(page.round)" : "")) for \(page.severity.label)")

        case .pageFinished(let id, let outcome):
            guard var e = escalation, let i = e.pages.firstIndex(where: { $0.request.id == id }) else { break }
            e.pages[i].outcome = outcome
            escalation = e
            let page = e.pages[i].request
            if outcome.succeeded {
                add(recorded, .incident, .good, "page to \(page.person.name) delivered (\(outcome.detail))")
            } else {
                add(recorded, .incident, .bad, "PAGE TO \(page.person.name.uppercased()) FAILED (\(outcome.detail))")
            }

        case .acknowledged(let by):
            guard var e = escalation, e.acknowledgedBy == nil else { break }
            e.acknowledgedBy = by
            e.acknowledgedAt = time
            if e.stopped == nil { e.stopped = "acknowledged by \(by)" }
            escalation = e
            add(recorded, .incident, .good, "acknowledged by \(by) after \(Format.age(time.timeIntervalSince(e.startedAt))); escalation stopped")

        case .metricsPinned(let samples, let by):
            let parts = samples.map { "\($0.key.cohort.rawValue) \($0.key.metric.label.lowercased()) \(Format.value($0.value, $0.key.metric))" }
            add(recorded, .note, .info, "\(by) pinned: " + parts.joined(separator: ", "))

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
                add(recorded, .canary, .bad, "analysis check FAILED (\(canary.checksFailed) failed, \(analysis.failureLimit) tolerated): \(check.reason)")
                if canary.checksFailed > analysis.failureLimit, commandsInFlight.isEmpty {
                    let why = "analysis failed \(canary.checksFailed) check\(canary.checksFailed == 1 ? "" : "s"): \(check.reason)"
                    effects += issue(analysis.autoRollback ? .rollback : .pause, reason: why, trigger: time)
                }
            case .inconclusive:
                canary.inconclusiveInARow += 1
                add(recorded, .canary, .warning(.sev3), "analysis check inconclusive: \(check.reason)")
                if canary.inconclusiveInARow >= analysis.inconclusiveLimit, commandsInFlight.isEmpty {
                    effects += issue(.pause, reason: "no data for \(canary.inconclusiveInARow) checks in a row: \(check.reason)", trigger: time)
                }
            }

        case .awaitingApproval(let step):
            canary.phase = .awaitingApproval
            let weight = step < plan.steps.count ? Format.weight(plan.steps[step].weight) : "the next step"
            canary.reason = "waiting for approval to go to \(weight) (promote to approve)"
            add(recorded, .canary, .warning(.sev4), "hold passed; \(weight) needs approval")

        case .ttrMeasured(let seconds, _):
            canary.ttrTrigger = nil
            canary.ttr = seconds
            let met = seconds <= Self.ttrTarget
            add(recorded, .canary, met ? .good : .bad,
                "time to rollback \(Format.clock(seconds)) (target \(Format.clock(Self.ttrTarget))\(met ? ", met" : ", MISSED"))")

        case .commandIssued(let request):
            commandsInFlight[request.id] = request
            nextCommandID = max(nextCommandID, request.id + 1)
            lastCommand = (request, nil)
            switch request.action {
            case .setTraffic, .promote: canary.phase = .changing
            case .rollback:
                canary.phase = .rollingBack
                canary.ttrTrigger = request.trigger ?? time
                canary.ttr = nil
            case .pause, .resume: break
            }
            let who = request.automatic ? Self.automatic : request.by
            add(recorded, .command, request.action == .rollback ? .warning(.sev2) : .info,
                "\(who) issued \(request.action): \(request.reason)")

        case .commandFinished(let id, let outcome):
            guard let request = commandsInFlight.removeValue(forKey: id) else { break }
            lastCommand = (request, outcome)
            let took = String(format: "%.1fs", outcome.duration)
            if outcome.succeeded {
                add(recorded, .command, .good, "\(request.action) done (\(outcome.detail), \(took))")
                applySuccess(of: request, at: time, recorded: recorded)
            } else {
                add(recorded, .command, .bad, "\(request.action) FAILED (\(outcome.detail), \(took))")
                switch request.action {
                case .rollback:
                    canary.phase = .paused
                    canary.ttrTrigger = nil
                    canary.reason = "ROLLBACK FAILED: \(outcome.detail)"
                case .setTraffic, .promote:
                    canary.phase = .paused
                    canary.reason = "\(request.action) failed: \(outcome.detail)"
                case .pause, .resume:
                    break
                }
            }

        case .note(let text, let by):
            add(recorded, .note, .info, "\(by): \(text)")

        case .commandHandedOver(let from, let to, let reason, let granted):
            add(recorded, .session, .info, "command handed from \(from.name) to \(to.name)"
                + (granted ? "" : " (\(from.user)'s warroom was no longer running)") + ": \(reason)")

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
                    add(recorded, .alert, notice.level.map { .warning($0) } ?? .bad,
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
        }
        return effects
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
        add(recorded, .incident, .warning(severity), "escalation started for \(severity.label): \(policy.tiers.count) tier\(policy.tiers.count == 1 ? "" : "s")")
    }

    /// The time to rollback the runbooks allow: two minutes.
    public static let ttrTarget: TimeInterval = 120

    private mutating func applySuccess(of request: CommandRequest, at time: Date, recorded: Recorded) {
        let who = request.automatic ? Self.automatic : request.by
        switch request.action {
        case .setTraffic(let percent), .promote(let percent):
            let from = canary.stepIndex.map { $0 + 1 } ?? 0
            let index = plan.steps.indices.dropFirst(from).first { plan.steps[$0].weight == percent }
                ?? plan.steps.firstIndex { $0.weight == percent }
            canary.stepIndex = index
            canary.weight = percent
            canary.startStep(at: time)
            canary.phase = percent >= 100 ? .promoted : .progressing
            let stage = index.map { " (stage \($0 + 1)/\(plan.steps.count))" } ?? ""
            add(recorded, .canary, percent >= 100 ? .good : .info,
                percent >= 100 ? "canary promoted to 100%" : "canary at \(Format.weight(percent))\(stage)")
        case .pause:
            canary.phase = .paused
            canary.reason = "paused by \(who): \(request.reason)"
        case .resume:
            canary.startStep(at: time)
            canary.phase = .progressing
            add(recorded, .canary, .info, "canary resumed at \(Format.weight(canary.weight)); hold restarts")
        case .rollback:
            canary.weight = 0
            canary.stepStartedAt = time
            canary.phase = .rolledBack
            canary.reason = "rolled back by \(who): \(request.reason)"
            add(recorded, .canary, .good, "canary rolled back: all traffic on stable")
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

    /// Does this sample move a severity rule across a threshold?
    private func evaluate(_ sample: Sample) -> [Effect] {
        guard let rule = rules.rule(watching: sample.key.metric), sample.value.isFinite else { return [] }
        let key = RuleKey(sample.key.cohort, rule)
        let thresholds = rules.thresholds(for: rule)
        let old = ruleLevels[key] ?? .none
        let new = thresholds.level(for: sample.value)
        guard new != old else { return [] }
        let crossed = new > old ? thresholds.threshold(of: new) : thresholds.threshold(of: old)
        return [.record(.thresholdCrossed(Crossing(
            rule: key, from: old, to: new, value: sample.value, threshold: crossed ?? 0)))]
    }

    private mutating func add(_ recorded: Recorded, _ kind: TimelineEntry.Kind, _ tone: TimelineEntry.Tone, _ text: String) {
        timeline.append(TimelineEntry(seq: recorded.seq, time: recorded.time, kind: kind, tone: tone, text: text))
        if timeline.count > Self.timelineLimit + Self.timelineLimit / 4 {
            timeline.removeFirst(timeline.count - Self.timelineLimit)
        }
    }

    /// Who automatic actions are recorded as.
    public static let automatic = "warroom (automatic)"

    /// The latest value of every series, for pinning.
    public var latestSamples: [Sample] {
        Cohort.allCases.flatMap { cohort in
            MetricKind.allCases.compactMap { metric in
                series[SeriesKey(cohort, metric)]?.latest.map { Sample(SeriesKey(cohort, metric), $0.value) }
            }
        }
    }

    /// Why a person's event cannot be recorded now, or nil when it can.
    /// Automatic events are never refused.
    public func refusal(of event: Event) -> String? {
        switch event {
        case .note(let text, _):
            return NoteRules.problem(with: text).map { "note not recorded: \($0)" }
        case .incidentOpened(let severity, let title, _):
            if let open = incident, open.isOpen { return "incident #\(open.number) is still open; resolve it first" }
            if severity == .none { return "choose a severity from SEV-1 to SEV-4" }
            return NoteRules.problem(with: title).map { "incident not declared: \($0)" }
        case .severityChanged(let to, _, _):
            guard let open = incident, open.isOpen else { return "no open incident" }
            if to == open.severity { return "the incident is already \(to.label)" }
            if to == .none { return "choose a severity from SEV-1 to SEV-4" }
            return nil
        case .statusChanged(let to, _):
            guard let open = incident else { return "no incident" }
            if !open.isOpen && to == .resolved { return "incident #\(open.number) is already resolved" }
            if to == open.status { return "the status is already \(to.label)" }
            return nil
        case .roleAssigned(_, let person, _):
            guard incident?.isOpen == true else { return "no open incident" }
            return NoteRules.problem(with: person).map { "role not assigned: \($0)" }
        case .metricsPinned(let samples, _):
            return samples.isEmpty ? "no values to pin yet" : nil
        case .acknowledged:
            guard let e = escalation else { return "nothing to acknowledge: no one has been paged" }
            if let by = e.acknowledgedBy { return "already acknowledged by \(by)" }
            if !e.isActive { return "the escalation already stopped (\(e.stopped ?? ""))" }
            return nil
        default:
            return nil
        }
    }

    // MARK: - Time

    /// Decisions that depend only on time passing: analysis checks and the
    /// canary's next step. The actor calls this every second.
    public func tick(at now: Date, by user: String = "warroom") -> [Effect] {
        pagesDue(at: now) + canaryTick(at: now) + silencesDue(at: now)
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

    private func canaryTick(at now: Date) -> [Effect] {
        guard session != nil, commandsInFlight.isEmpty else { return [] }
        let steps = plan.steps
        guard !steps.isEmpty else { return [] }
        switch canary.phase {
        case .pending:
            return issue(.setTraffic(percent: steps[0].weight),
                         reason: "launch plan: first step \(Format.weight(steps[0].weight))")
        case .progressing:
            guard let index = canary.stepIndex else { return [] }
            if let analysis = plan.analysis, let started = canary.stepStartedAt,
               now.timeIntervalSince(canary.lastCheckAt ?? started) >= analysis.interval {
                let freshness = 2 * (session?.sources.filter(\.reportsSamples).map(\.interval).max() ?? 5) + 1
                return [.record(.analysisChecked(AnalysisCheck.evaluate(analysis, series: series, now: now, freshness: freshness)))]
            }
            guard index + 1 < steps.count, let hold = steps[index].hold,
                  canary.elapsedInStep(at: now) >= hold, holdReason == nil
            else { return [] }
            let next = steps[index + 1]
            if next.approval { return [.record(.awaitingApproval(step: index + 1))] }
            return issue(.setTraffic(percent: next.weight),
                         reason: "held \(Format.weight(steps[index].weight)) for \(Format.duration(hold)); next step")
        case .changing, .paused, .promoted, .rolledBack, .rollingBack, .awaitingApproval:
            return []
        }
    }

    /// The next page of a running escalation, when it is due.
    func pagesDue(at now: Date) -> [Effect] {
        guard let e = escalation, e.isActive, let roster = session?.roster, let incident, incident.isOpen,
              let next = e.next(roster: roster), next.at <= now else { return [] }
        let tier = roster.tiers[next.tier]
        let request = PageRequest(id: nextPageID, tier: next.tier, tierName: tier.name, person: roster.onCall(tier: next.tier, at: now),
                                  severity: e.severity, title: incident.title, round: next.round)
        return [.record(.pageIssued(request)), .page(request)]
    }

    /// Checks left to fail before the automatic rollback (or pause).
    public var failuresLeft: Int? {
        plan.analysis.map { max(0, $0.failureLimit + 1 - canary.checksFailed) }
    }

    /// Why a person's command cannot be issued now, or nil when it can.
    public func refusal(of action: CommandAction) -> String? {
        if let busy = commandsInFlight.values.first { return "\(busy.action) is still in flight; one command at a time" }
        switch action {
        case .setTraffic(let p):
            if !(0 ... 100).contains(p) { return "traffic must be from 0% to 100%" }
            if p == canary.weight { return "the canary is already at \(Format.weight(p))" }
        case .promote:
            if canary.phase == .promoted { return "the canary is already at 100%" }
            if canary.phase == .rolledBack { return "the canary was rolled back; set traffic to start again" }
        case .pause:
            if ![.progressing, .awaitingApproval, .pending].contains(canary.phase) { return "the canary is \(canary.phase.label); nothing to pause" }
        case .resume:
            if canary.phase != .paused { return "the canary is not paused" }
        case .rollback:
            if canary.phase == .rolledBack { return "the canary is already rolled back" }
        }
        return nil
    }

    /// The step a promotion goes to: the next one, or 100% for `full`.
    public func promotionTarget(full: Bool) -> Double? {
        let steps = plan.steps
        if full { return 100 }
        let next = (canary.stepIndex ?? -1) + 1
        return next < steps.count ? steps[next].weight : nil
    }

    /// Why the canary must not step forward now, if it must not.
    public var holdReason: String? {
        if let check = canary.lastCheck, check.outcome != .pass {
            return "holding: last analysis check \(check.outcome == .fail ? "failed" : "had no data")"
        }
        let level = severity(of: .canary)
        guard level >= .sev3 else { return nil }
        return "holding: canary at \(level.label)"
    }

    private func issue(_ action: CommandAction, reason: String, trigger: Date? = nil) -> [Effect] {
        let request = CommandRequest(id: nextCommandID, action: action, by: "warroom", reason: reason, automatic: true, trigger: trigger)
        return [.record(.commandIssued(request)), .execute(request)]
    }
}
