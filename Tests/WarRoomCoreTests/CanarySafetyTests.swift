import Foundation
import Testing

@testable import WarRoomCore

/// Issue 12: the canary never takes more traffic into trouble, and a rollback always goes through.
@Suite("Canary safety: holds, start, pre-emption, drift, honest numbers")
struct CanarySafetyTests {
    static let analysis = AnalysisConfig(
        metrics: AnalysisConfig.runbookDefault.metrics, interval: 60,
        failureLimit: 1, inconclusiveLimit: 3, autoRollback: true)

    static func roster() -> Roster {
        Roster(tiers: [
            EscalationTier(name: "Primary", person: Person(name: "Ana", handle: "@ana"), escalateAfter: 900),
            EscalationTier(name: "Secondary", person: Person(name: "Ben", handle: "@ben"), escalateAfter: 1800),
            EscalationTier(name: "Lead", person: Person(name: "Chen", handle: "@chen"), escalateAfter: 3600),
            EscalationTier(name: "CTO", person: Person(name: "Dana", handle: "@dana"), escalateAfter: 7200),
        ])
    }

    static func session(
        analysis: AnalysisConfig? = nil, rules: SeverityRules = .runbookDefaults, readsTraffic: Bool = false,
        steps: [CanaryStep] = CanaryPlan.runbookDefault.steps, roster: Roster = CanarySafetyTests.roster()
    ) -> SessionInfo {
        var info = SessionInfo(
            service: "checkout", rules: rules, plan: CanaryPlan(steps: steps, analysis: analysis), roster: roster,
            sources: [.init(name: "health", interval: 5)], mode: .run, startedBy: "tester")
        if readsTraffic {
            info.readsTraffic = true
            info.trafficReadInterval = 15
        }
        return info
    }

    /// Started, at the first step (1%), its command done.
    static func atFirstStep(_ session: SessionInfo = CanarySafetyTests.session()) -> Harness {
        var h = Harness(session: session)
        h.tick()
        h.finishLast()
        return h
    }

    static func healthy(_ h: inout Harness, canaryError: Double = 0.004) {
        h.samples([
            (.canary, .errorRate, canaryError), (.canary, .latencyAvg, 0.13),
            (.stable, .errorRate, 0.004), (.stable, .latencyAvg, 0.12),
        ])
    }

    @Test("a new launch sends nothing until it is started; then the first step goes")
    func explicitStart() {
        var h = Harness(session: Self.session(), started: false)
        for _ in 0 ..< 10 {
            h.advance(60)
            h.tick()
        }
        #expect(h.executed.isEmpty, "opening the war room changes no traffic")
        #expect(h.state.canary.phase == .pending)
        #expect(h.state.startRefusal == nil)
        #expect(h.texts.contains("launch not started: press L to start (or --start)"))
        h.send(.launchStarted(by: "ana", reason: "go for launch"))
        #expect(h.state.startRefusal == .alreadyStarted)
        h.tick()
        #expect(h.executed.map(\.action) == [.setTraffic(percent: 1)])
        #expect(h.executed.first?.reason == "launch started: first step 1%")
    }

    @Test("a restarted commander resumes what was running and says so")
    func resumeAfterRestart() {
        var h = Self.atFirstStep()
        h.send(.sessionStarted(Self.session()))
        #expect(h.texts.last == "resuming the launch: canary at 1% (stage 1/4), progressing")
        #expect(h.state.startRefusal == .alreadyStarted)
    }

    @Test("an alert-opened SEV-1 holds the canary, and with auto_rollback rolls it back at once")
    func alertSev1RollsBack() {
        var h = Self.atFirstStep(Self.session(analysis: Self.analysis))
        Self.healthy(&h)
        h.send(
            .alert(
                AlertNotice(
                    source: "am", fingerprint: "f1", name: "CheckoutDown", change: .firing, level: .sev1,
                    summary: "checkout is down", labels: [:])))
        #expect(h.state.incident?.severity == .sev1)
        let rollback = h.executed.last
        #expect(rollback?.action == .rollback, "SEV-1: immediate rollback (runbook)")
        #expect(rollback?.automatic == true)
        #expect(h.state.holds(at: h.now).contains(.incident(number: 1, severity: .sev1)))
        // Nothing steps forward while the incident is open, whatever the hold.
        h.finishLast()
        #expect(h.state.canary.phase == .rolledBack)
        h.advance(4 * 3600)
        Self.healthy(&h)
        h.tick()
        #expect(h.executed.count == 2)
    }

    @Test("a SEV-1 pauses the canary when auto_rollback is off")
    func sev1Pauses() {
        var config = Self.analysis
        config.autoRollback = false
        var h = Self.atFirstStep(Self.session(analysis: config))
        h.send(.incidentOpened(severity: .sev1, title: "payments down", by: "ana"))
        #expect(h.executed.last?.action == .pause)
        h.finishLast(detail: "recorded only")
        #expect(h.state.canary.phase == .paused)
    }

    @Test("a declared SEV-2 holds both the automatic step and a person's set traffic; O overrides until the next step")
    func incidentHoldsAndOverride() {
        var h = Self.atFirstStep()
        h.send(.incidentOpened(severity: .sev2, title: "checkout slow", by: "ana"))
        h.advance(31 * 60)
        h.tick()
        #expect(h.executed.count == 1, "no step into an open SEV-2")
        let held = h.state.refusal(of: .setTraffic(percent: 5), at: h.now)
        #expect(held == .held([.incident(number: 1, severity: .sev2)]))
        #expect(held?.text == "held: incident #1 open at SEV-2; O overrides (armed, with a reason)")
        #expect(h.state.refusal(of: .setTraffic(percent: 0.5), at: h.now) == nil, "less traffic is never held")
        #expect(h.state.refusal(of: .rollback, at: h.now) == nil)
        // Recorded once, not every tick.
        h.tick()
        h.tick()
        #expect(h.recorded.filter { $0.event.kind == "holds_changed" }.count == 1)
        #expect(h.texts.contains("canary held: incident #1 open at SEV-2"))

        #expect(h.state.overrideRefusal(at: h.now) == nil)
        h.send(.holdsOverridden(holds: h.state.blockingHolds(at: h.now), by: "ana", reason: "SEV-2 is unrelated (search)"))
        #expect(h.state.blockingHolds(at: h.now).isEmpty)
        h.tick()
        #expect(h.executed.last?.action == .setTraffic(percent: 5))
        h.finishLast()
        #expect(h.state.canary.override == nil, "the override lasts until the next step")
        h.advance(61 * 60)
        h.tick()
        #expect(h.executed.count == 2, "held again at the next step")
    }

    @Test("a source that feeds a watched metric, down or stale, holds the canary")
    func sourceHolds() {
        var h = Self.atFirstStep()
        Self.healthy(&h)
        h.send(.sourceDown(source: "health", reason: "connection refused"))
        h.advance(31 * 60)
        h.tick()
        #expect(h.executed.count == 1)
        #expect(h.state.holds(at: h.now) == [.sourceDown(source: "health")])
        h.send(.sourceUp(source: "health", downFor: 60))
        #expect(h.state.holds(at: h.now) == [.sourceStale(source: "health")], "no fresh value since")
        Self.healthy(&h)
        #expect(h.state.holds(at: h.now).isEmpty)
        h.tick()
        #expect(h.executed.last?.action == .setTraffic(percent: 5))
        #expect(h.texts.contains("nothing holds the canary now"))
    }

    @Test("a step needs min_checks passing checks before it may take more traffic")
    func minimumChecks() {
        var config = Self.analysis
        config.minimumChecks = 2
        var h = Self.atFirstStep(Self.session(analysis: config, steps: [CanaryStep(weight: 1, hold: 60), CanaryStep(weight: 100, hold: nil)]))
        #expect(h.state.canary.checksPassed == 0)
        h.advance(60)
        Self.healthy(&h)
        h.tick()  // check 1
        h.tick()
        #expect(h.executed.count == 1, "one passing check of two")
        #expect(h.state.holds(at: h.now) == [.needsChecks(required: 2)])
        #expect(h.state.refusal(of: .promote(percent: 100), at: h.now) == .held([.needsChecks(required: 2)]))
        h.advance(60)
        Self.healthy(&h)
        h.tick()  // check 2
        h.tick()
        #expect(h.executed.last?.action == .setTraffic(percent: 100))
    }

    @Test("an off-plan weight sits between steps: the step below is done, analysis goes on, promote goes up")
    func offPlanWeight() {
        var h = Self.atFirstStep(Self.session(analysis: Self.analysis))
        let set = CommandRequest(id: h.state.nextCommandID, action: .setTraffic(percent: 10), by: "ana", reason: "more signal", automatic: false)
        h.process(h.state.commandEffects(set))
        h.finishLast()
        #expect(h.state.canary.weight == 10)
        #expect(h.state.canary.stepIndex == 1, "5% is done")
        #expect(h.state.canary.phase == .progressing)
        #expect(h.state.canary.isOffPlan(h.state.plan))
        #expect(h.texts.last == "canary at 10% (off plan, between 5% and 25%)")
        #expect(h.state.promotionTarget(full: false) == 25, "never a promote that lowers traffic")
        h.advance(60)
        Self.healthy(&h)
        h.tick()
        #expect(h.state.canary.checksPassed == 1, "analysis keeps running at the actual weight")
        #expect(h.state.refusal(of: .promote(percent: 5), at: h.now) == .alreadyAt(10))
        h.advance(3600)
        Self.healthy(&h)
        h.tick()  // a check
        h.tick()
        #expect(h.executed.last?.action == .setTraffic(percent: 25), "the next step above the weight")
    }

    @Test("a rollback pre-empts a hanging set traffic: cancelled, recorded as unknown, rollback sent at once")
    func rollbackPreempts() {
        var h = Self.atFirstStep()
        h.advance(31 * 60)
        h.tick()
        let hanging = h.executed.last!
        #expect(hanging.action == .setTraffic(percent: 5))
        let rollback = CommandRequest(id: h.state.nextCommandID, action: .rollback, by: "ana", reason: "errors", automatic: false)
        #expect(h.state.refusal(of: .rollback, at: h.now) == nil)
        h.process(h.state.commandEffects(rollback))
        #expect(h.cancelled == [hanging.id])
        #expect(h.executed.last?.action == .rollback)
        let unknown = h.recorded.compactMap { if case .commandFinished(let id, let o) = $0.event, id == hanging.id { o } else { nil } }
        #expect(unknown.first?.isUnknown == true)
        #expect(unknown.first?.detail == "outcome unknown (pre-empted by rollback)")
        #expect(h.state.commandsInFlight.keys.sorted() == [rollback.id])
        h.finishLast()
        #expect(h.state.canary.phase == .rolledBack)
        // A late answer from the pre-empted command changes nothing.
        h.send(.commandFinished(id: hanging.id, outcome: CommandOutcome(succeeded: true, detail: "HTTP 200", duration: 30)))
        #expect(h.state.canary.phase == .rolledBack)
    }

    @Test("a pause pre-empts stepping")
    func pausePreempts() {
        var h = Self.atFirstStep()
        h.advance(31 * 60)
        h.tick()
        let stepping = h.executed.last!
        #expect(h.state.refusal(of: .pause, at: h.now) == nil)
        h.process(h.state.commandEffects(CommandRequest(id: h.state.nextCommandID, action: .pause, by: "ana", reason: "wait", automatic: false)))
        #expect(h.cancelled == [stepping.id])
        h.finishLast(detail: "recorded only")
        #expect(h.state.canary.phase == .paused)
    }

    @Test("a restart closes what an earlier session left in flight as unknown, pauses, and still allows a rollback")
    func restartMidCommand() {
        var h = Self.atFirstStep()
        h.advance(31 * 60)
        h.tick()
        #expect(h.state.commandsInFlight.count == 1)
        // kill -9; a new commander opens the same journal.
        h.send(.sessionStarted(Self.session()))
        #expect(h.state.commandsInFlight.isEmpty)
        #expect(h.state.canary.phase == .paused)
        #expect(
            h.state.canary.stop == .outcomeUnknown(action: .setTraffic(percent: 5), why: "outcome unknown (warroom restarted while it was in flight)")
        )
        #expect(h.texts.contains("SET TRAFFIC 5%: OUTCOME UNKNOWN (WARROOM RESTARTED WHILE IT WAS IN FLIGHT)"))
        #expect(h.state.refusal(of: .rollback, at: h.now) == nil)
        #expect(h.state.refusal(of: .resume, at: h.now) == nil)
        h.advance(3600)
        h.tick()
        #expect(h.executed.count == 2, "nothing steps by itself after an unknown outcome")
    }

    @Test("a severity rise after an acknowledgement pages the tiers the new severity adds, and only those")
    func riseAfterAck() {
        var h = Harness(session: Self.session())
        h.send(.incidentOpened(severity: .sev3, title: "slow checkout", by: "ana"))
        h.tick()
        #expect(h.pages.map(\.person.name) == ["Ana"])
        h.send(.pageFinished(id: h.pages[0].id, outcome: CommandOutcome(succeeded: true, detail: "exit 0", duration: 0)))
        h.advance(60)
        h.send(.acknowledged(by: "ana"))
        h.advance(600)
        h.send(.severityChanged(to: .sev1, by: "ana", reason: "checkout down"))
        #expect(h.state.escalation?.severity == .sev1)
        #expect(h.state.escalation?.isActive == true)
        h.tick()
        #expect(h.pages.map(\.person.name) == ["Ana", "Ben"], "the secondary at once")
        h.advance(1800)
        h.tick()
        h.advance(3600)
        h.tick()
        #expect(h.pages.map(\.person.name) == ["Ana", "Ben", "Chen", "Dana"])
        #expect(!h.pages.dropFirst().contains { $0.person.name == "Ana" }, "the acknowledged primary is not paged again")
        #expect(h.state.refusal(of: .acknowledged(by: "ben")) == nil, "the new pages can be acknowledged")
        h.send(.acknowledged(by: "ben"))
        #expect(h.state.escalation?.isActive == false)
    }

    @Test("repage_after pages the acknowledger again while the incident stays open")
    func repage() {
        var roster = Self.roster()
        roster.policies["SEV-3"] = EscalationPolicy(tiers: [0], repeats: 0, repageAfter: 1800)
        var h = Harness(session: Self.session(roster: roster))
        h.send(.incidentOpened(severity: .sev3, title: "slow", by: "ana"))
        h.tick()
        h.send(.acknowledged(by: "ana"))
        h.advance(1799)
        h.tick()
        #expect(h.pages.count == 1)
        h.advance(1)
        h.tick()
        #expect(h.pages.count == 2)
        #expect(h.pages.last?.repage == true)
        #expect(h.pages.last?.person.name == "Ana")
        h.tick()
        #expect(h.pages.count == 2, "once per period")
        h.send(.statusChanged(to: .resolved, by: "ana"))
        h.advance(7200)
        h.tick()
        #expect(h.pages.count == 2, "no reminders once resolved")
    }

    @Test("a value hovering at a line with for: and a clear margin crosses once and pages once")
    func noFlapping() {
        var rules = SeverityRules.runbookDefaults
        rules.errorRate.forDuration = 30
        rules.errorRate.clearMargin = 0.01
        var h = Harness(session: Self.session(rules: rules))
        // 5% ± 0.2 points every 5 seconds for ten minutes.
        for i in 0 ..< 120 {
            h.samples([(.stable, .errorRate, i % 2 == 0 ? 0.052 : 0.049)])
            h.tick()
            h.advance(5)
        }
        let crossings = h.recorded.filter { $0.event.kind == "threshold_crossed" }
        #expect(crossings.isEmpty, "never 30 s above the line in a row")
        for _ in 0 ..< 10 {
            h.samples([(.stable, .errorRate, 0.052)])
            h.tick()
            h.advance(5)
        }
        for i in 0 ..< 60 {
            h.samples([(.stable, .errorRate, i % 2 == 0 ? 0.052 : 0.046)])
            h.tick()
            h.advance(5)
        }
        #expect(h.recorded.filter { $0.event.kind == "threshold_crossed" }.count == 1, "above for 30 s once; 4.6% is inside the margin")
        #expect(h.pages.count == 1)
        h.samples([(.stable, .errorRate, 0.039)])
        #expect(h.state.ruleLevels[RuleKey(.stable, .errorRate)] == Severity.none, "cleared below the line minus the margin")
    }

    @Test("without for: a rule rises at once, as the runbooks' thresholds do")
    func forZero() {
        var h = Harness(session: Self.session())
        h.samples([(.stable, .errorRate, 0.051)])
        #expect(h.state.ruleLevels[RuleKey(.stable, .errorRate)] == .sev3)
        h.samples([(.stable, .errorRate, 0.049)])
        #expect(h.state.ruleLevels[RuleKey(.stable, .errorRate)] == Severity.none)
    }

    @Test("the controller's weight is read after traffic commands and on a timer; drift holds and is loud")
    func drift() {
        var h = Harness(session: Self.session(readsTraffic: true))
        h.tick()
        #expect(h.trafficReads == 1, "read at the first tick")
        h.send(.trafficRead(TrafficReading(percent: 0, detail: "HTTP 200")))
        h.finishLast()
        #expect(h.trafficReads == 2, "read back after the traffic command")
        h.send(.trafficRead(TrafficReading(percent: 1, detail: "HTTP 200")))
        #expect(h.state.canary.drift == nil)
        h.advance(15)
        h.tick()
        #expect(h.trafficReads == 3)
        // Someone moves the weight behind warroom's back.
        h.send(.trafficRead(TrafficReading(percent: 25, detail: "HTTP 200")))
        #expect(h.state.canary.drift?.controller == 25)
        #expect(h.texts.last == "DRIFT: plan says 1%, controller says 25%")
        h.advance(31 * 60)
        h.send(.trafficRead(TrafficReading(percent: 25, detail: "HTTP 200")))
        h.tick()
        #expect(h.executed.count == 1, "no step while plan and controller disagree")
        #expect(h.state.holds(at: h.now).contains(.drift(plan: 1, controller: 25)))
        #expect(h.texts.filter { $0.hasPrefix("DRIFT") }.count == 1, "said once")
        h.send(.trafficRead(TrafficReading(percent: 1, detail: "HTTP 200")))
        #expect(h.texts.last == "controller agrees: 1% in force")
    }

    @Test("controller answers: a number, a percent, or JSON")
    func parseReading() {
        #expect(TrafficReading.parse("5") == 5)
        #expect(TrafficReading.parse(" 25%\n") == 25)
        #expect(TrafficReading.parse(#"{"percent": 2.5}"#) == 2.5)
        #expect(TrafficReading.parse(#"{"canary_percent":1,"rolled_back":false}"#) == 1)
        #expect(TrafficReading.parse("nan") == nil)
        #expect(TrafficReading.parse("ok") == nil)
    }

    @Test("pinned values keep their ages")
    func pinnedAges() {
        var h = Harness(session: Self.session())
        h.samples([(.canary, .errorRate, 0.02)])
        h.advance(12)
        let latest = h.state.latestValues(at: h.now)
        #expect(latest.ages == [12])
        h.send(.metricsPinned(samples: latest.samples, by: "ana", ages: latest.ages))
        #expect(h.texts.last == "ana pinned: canary errors 2.00% (12s old)")
    }

    @Test("a replay of every event folds to the same canary and escalation as the live war room")
    func replayAgrees() {
        var h = Self.atFirstStep(Self.session(analysis: Self.analysis, readsTraffic: true))
        Self.healthy(&h)
        h.send(.incidentOpened(severity: .sev2, title: "t", by: "ana"))
        h.tick()
        h.send(.acknowledged(by: "ana"))
        h.send(.trafficRead(TrafficReading(percent: 3, detail: "HTTP 200")))
        h.send(.severityChanged(to: .sev1, by: "ana", reason: ""))
        h.tick()
        var replay = WarRoomState(seriesCapacity: 120)
        for r in h.recorded { replay.apply(r) }
        #expect(replay == h.state, "the whole state, by synthesised ==")
        #expect(replay.canary == h.state.canary)
        #expect(replay.escalation == h.state.escalation)
        #expect(replay.commandsInFlight.keys.sorted() == h.state.commandsInFlight.keys.sorted())
    }
}
