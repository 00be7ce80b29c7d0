import Foundation
import Testing
import WarRoomTestSupport

@testable import WarRoomCore

/// Journals for checkpoint tests: random ones driven through the reducer as
/// the actor drives it (effects recorded, commands finished, time passing).
enum RandomJournal {
    static let roster = Roster(tiers: [
        EscalationTier(name: "Primary", person: Person(name: "Ana", handle: "@ana"), escalateAfter: 60),
        EscalationTier(name: "Secondary", person: Person(name: "Ben", handle: "@ben"), escalateAfter: 120),
        EscalationTier(name: "Lead", person: Person(name: "Chen", handle: "@chen"), escalateAfter: 300),
    ])

    static func session() -> SessionInfo {
        var s = Harness.session(
            analysis: AnalysisConfig(metrics: AnalysisConfig.runbookDefault.metrics, interval: 30, failureLimit: 2),
            steps: [CanaryStep(weight: 1, hold: 120), CanaryStep(weight: 5, hold: 240), CanaryStep(weight: 25, hold: 600)])
        s.roster = roster
        var alerts = SessionInfo.SourceInfo(name: "am", interval: 15)
        alerts.kind = .alertmanager
        var health = SessionInfo.SourceInfo(name: "health", interval: 5)
        health.alwaysReporting = true
        s.sources = [health, alerts]
        s.readsTraffic = true
        return s
    }

    static func make(seed: UInt64, steps: Int) -> (events: [Recorded], now: Date) {
        let h = drive(seed: seed, steps: steps)
        return (h.recorded, h.now)
    }

    /// A war room driven the way the actor drives it (`WarRoomState.drive`)
    /// through `steps` random inputs: samples, time, command and page
    /// outcomes, people's events. Its `state` is the live state, its
    /// `recorded` what a journal would hold.
    static func drive(seed: UInt64, steps: Int) -> Harness {
        var rng = SplitMix(seed: seed)
        var h = Harness(session: nil)
        h.state = WarRoomState(seriesCapacity: 50)
        h.send(.sessionStarted(session()))
        h.send(.launchStarted(by: "tester", reason: "test"))
        var commandID = 0
        for _ in 0 ..< steps {
            let roll = Int.random(in: 0 ..< 100, using: &rng)
            switch roll {
            case 0 ..< 40:
                let bad = Double.random(in: 0 ..< 1, using: &rng) < 0.15
                let canary = bad ? Double.random(in: 0.05 ... 0.3, using: &rng) : Double.random(in: 0 ... 0.02, using: &rng)
                var values: [(Cohort, MetricKind, Double)] = [
                    (.canary, .errorRate, canary), (.stable, .errorRate, 0.004),
                    (.canary, .latencyAvg, Double.random(in: 0.1 ... 4, using: &rng)),
                    (.stable, .latencyAvg, 0.12), (.stable, .throughput, Double(Int.random(in: 900 ... 1200, using: &rng))),
                ]
                if Int.random(in: 0 ..< 50, using: &rng) == 0 { values.append((.stable, .latencyP95, .nan)) }
                h.samples(values)
            case 40 ..< 55:
                h.advance(Double(Int.random(in: 1 ... 40, using: &rng)))
                h.tick()
            case 55 ..< 62:
                if let last = h.executed.last, last.id > commandID {
                    commandID = last.id
                    h.finishLast(ok: Int.random(in: 0 ..< 5, using: &rng) > 0)
                }
            case 62 ..< 66:
                if let page = h.pages.last {
                    h.send(.pageFinished(id: page.id, outcome: CommandOutcome(succeeded: Bool.random(using: &rng), detail: "exit 0", duration: 0.2)))
                }
            case 66 ..< 69: h.send(.note(text: "note \(Int.random(in: 0 ..< 1000, using: &rng)) ✅", by: "ben"))
            case 69 ..< 71: h.send(.acknowledged(by: "ana"))
            case 71 ..< 73:
                let to = IncidentStatus.allCases.randomElement(using: &rng)!
                if h.state.refusal(of: .statusChanged(to: to, by: "ana")) == nil { h.send(.statusChanged(to: to, by: "ana")) }
            case 73 ..< 75:
                let sev = [Severity.sev1, .sev2, .sev3, .sev4].randomElement(using: &rng)!
                let declare = Event.incidentOpened(severity: sev, title: "declared \(sev.label)", by: "ana")
                let raise = Event.severityChanged(to: sev, by: "ana", reason: "worse")
                if h.state.refusal(of: declare) == nil { h.send(declare) } else if h.state.refusal(of: raise) == nil { h.send(raise) }
            case 75 ..< 77:
                let role = IncidentRole.allCases.randomElement(using: &rng)!
                if h.state.refusal(of: .roleAssigned(role: role, person: "dana", by: "ana")) == nil {
                    h.send(.roleAssigned(role: role, person: "dana", by: "ana"))
                }
            case 77 ..< 80:
                let change = [AlertNotice.Change.firing, .silenced, .resolved, .unsilenced].randomElement(using: &rng)!
                let fp = ["a1", "b2"].randomElement(using: &rng)!
                h.send(
                    .alert(
                        AlertNotice(
                            source: "am", fingerprint: fp, name: "HighErrors", change: change,
                            level: change == .silenced ? nil : .sev3, summary: "errors", labels: ["severity": "warning"])))
            case 80 ..< 83:
                if h.state.sourcesDown["health"] == nil {
                    h.send(.sourceDown(source: "health", reason: "timeout"))
                } else {
                    h.send(.sourceUp(source: "health", downFor: 12))
                }
            case 83 ..< 86:
                h.send(.trafficRead(TrafficReading(percent: [h.state.canary.weight, 5, nil].randomElement(using: &rng)!, detail: "read")))
            case 86 ..< 88:
                let held = h.state.blockingHolds(at: h.now).filter(\.canOverride)
                if !held.isEmpty { h.send(.holdsOverridden(holds: held, by: "ana", reason: "accepted")) }
            case 88 ..< 90:
                let action = [CommandAction.rollback, .pause, .resume, .setTraffic(percent: 5), .promote(percent: 25)].randomElement(using: &rng)!
                if h.state.refusal(of: action, at: h.now) == nil {
                    h.process(
                        h.state.commandEffects(
                            CommandRequest(
                                id: h.state.nextCommandID, action: action, by: "ana", reason: "because",
                                automatic: false, trigger: h.now)))
                }
            case 90 ..< 92:
                h.send(.metricsPinned(samples: h.state.latestValues(at: h.now).samples, by: "ana", ages: h.state.latestValues(at: h.now).ages))
            case 92 ..< 93:
                h.send(
                    .history(
                        source: "health",
                        series: [
                            SeriesHistory(
                                key: SeriesKey(.stable, .errorRate),
                                points: [Series.Point(time: h.now - 600, value: 0.003), Series.Point(time: h.now - 300, value: 0.005)])
                        ]))
            case 93 ..< 94:
                h.send(.sessionStarted(session()))  // a restart: in-flight commands become unknown
            case 94 ..< 95:
                // A handover of command to another commander (granted, or taken from one that was gone).
                let a = CommanderIdentity(user: "ana", host: "laptop", pid: 100, startedAt: h.now - 60)
                let b = CommanderIdentity(user: "ben", host: "desk", pid: 200, startedAt: h.now)
                h.send(.commandHandedOver(from: a, to: b, reason: "shift change", granted: Bool.random(using: &rng)))
            case 95 ..< 96:
                h.send(.awaitingApproval(step: Int.random(in: 0 ..< 3, using: &rng)))
            default:
                h.advance(Double.random(in: 0.001 ..< 2, using: &rng))
            }
        }
        return h
    }
}

@Suite("Checkpoints")
struct CheckpointTests {
    func fold(_ events: some Sequence<Recorded>, capacity: Int = 50) -> WarRoomState {
        var s = WarRoomState(seriesCapacity: capacity)
        for e in events { s.apply(e) }
        return s
    }

    /// Values as bits, so a NaN equals itself.
    func bits(_ latest: PinnedValues) -> [String] {
        zip(latest.samples, latest.ages).map { "\($0.0.key) \($0.0.value.bitPattern) \($0.1.bitPattern)" }
    }

    /// The state from a checkpoint after event `cut`, plus the events after it.
    func resumed(_ events: [Recorded], at cut: Int, capacity: Int = 50) throws -> WarRoomState {
        let payload = try fold(events.prefix(cut), capacity: capacity).checkpointPayload()
        var s = try #require(WarRoomState.fromCheckpoint(payload, version: WarRoomState.checkpointVersion, seriesCapacity: capacity))
        for e in events.dropFirst(cut) { s.apply(e) }
        return s
    }

    @Test(
        "a random journal folded from event 1 and from any checkpoint plus the tail gives the same state and the same decisions",
        arguments: 1 ... 24 as ClosedRange<UInt64>)
    func randomJournals(seed: UInt64) throws {
        let (events, now) = RandomJournal.make(seed: seed, steps: 500)
        let full = fold(events)
        let expected = try full.checkpointPayload()
        #expect(events.count > 300)
        for cut in Array(stride(from: 0, through: events.count, by: 23)) + [1, events.count - 1, events.count] {
            let s = try resumed(events, at: cut)
            try #require(try s.checkpointPayload() == expected, "seed \(seed), checkpoint after event \(cut) of \(events.count)")
            // The same decisions from here on: what time alone would do, what holds, what is refused.
            for later in [now, now + 30, now + 3600] {
                #expect(s.tick(at: later) == full.tick(at: later))
                #expect(s.holds(at: later) == full.holds(at: later))
                #expect(bits(s.latestValues(at: later)) == bits(full.latestValues(at: later)))
                for action in [CommandAction.rollback, .pause, .resume, .setTraffic(percent: 25), .promote(percent: 100)] {
                    #expect(s.refusal(of: action, at: later) == full.refusal(of: action, at: later))
                }
            }
            #expect(s.refusal(of: .acknowledged(by: "x")) == full.refusal(of: .acknowledged(by: "x")))
            #expect(s.timeline == full.timeline && s.canary == full.canary && s.incident == full.incident && s.escalation == full.escalation)
        }
    }

    @Test("the random journals reach what a checkpoint must carry: incidents, pages, acks, rollbacks, alerts, outages")
    func randomJournalsCoverTheState() {
        let kinds = Set((1 ... 24 as ClosedRange<UInt64>).flatMap { RandomJournal.make(seed: $0, steps: 500).events.map(\.event.kind) })
        for kind in [
            "incident_opened", "severity_changed", "page_issued", "page_finished", "acknowledged", "threshold_crossed",
            "command_issued", "command_finished", "analysis_checked", "alert", "source_down", "traffic_read", "holds_changed",
            "status_changed", "role_assigned", "history", "metrics_pinned", "dead_man_switch",
        ] {
            #expect(kinds.contains(kind), "\(kind)")
        }
    }

    @Test("the recorded incident of the post-mortem tests exports the same text from a checkpoint plus the tail")
    func postMortemFromCheckpoint() throws {
        let (events, now) = PostMortemTests.incident()
        let all = PostMortem(events: events, now: now)
        for cut in 0 ... events.count {
            let state = try resumed(events, at: cut, capacity: 3600)
            #expect(try state.checkpointPayload() == all.state.checkpointPayload())
            let pm = PostMortem(state: state, events: events, now: now)
            #expect(pm.markdown() == all.markdown(), "checkpoint after event \(cut)")
            #expect(try pm.json(includeSamples: false) == all.json(includeSamples: false))
        }
    }

    @Test("a series keeps its source and newest point exactly, not its history")
    func seriesKeepsNewestPoint() throws {
        var s = WarRoomState(seriesCapacity: 100)
        let odd = Date(timeIntervalSince1970: 1_800_000_000.123456789)
        for i in 1 ... 10 {
            s.apply(
                Recorded(
                    seq: Int64(i), time: odd + Double(i) / 3,
                    event: .samples(source: "health", samples: [Sample(SeriesKey(.canary, .errorRate), 0.1 / Double(i) + 1e-9)])))
        }
        let restored = try #require(
            WarRoomState.fromCheckpoint(try s.checkpointPayload(), version: WarRoomState.checkpointVersion, seriesCapacity: 100))
        let a = try #require(s.series[SeriesKey(.canary, .errorRate)])
        let b = try #require(restored.series[SeriesKey(.canary, .errorRate)])
        #expect(a.points.count == 10)
        #expect(b.points.count == 1)
        #expect(b.latest == a.latest)  // bit for bit: value and time
        #expect(b.source == "health")
        #expect(b.points.capacity == 100)
        #expect(restored.lastSampleAt == s.lastSampleAt)
        #expect(restored.lastSeq == 10)
    }

    @Test("a checkpoint of another version, another series capacity, or one that does not decode is ignored")
    func unusableCheckpointsAreIgnored() throws {
        let (events, _) = RandomJournal.make(seed: 7, steps: 200)
        let payload = try fold(events).checkpointPayload()
        #expect(WarRoomState.fromCheckpoint(payload, version: WarRoomState.checkpointVersion, seriesCapacity: 50) != nil)
        #expect(WarRoomState.fromCheckpoint(payload, version: WarRoomState.checkpointVersion + 1, seriesCapacity: 50) == nil)
        #expect(WarRoomState.fromCheckpoint(payload, version: WarRoomState.checkpointVersion - 1, seriesCapacity: 50) == nil)
        #expect(WarRoomState.fromCheckpoint(payload, version: WarRoomState.checkpointVersion, seriesCapacity: 3600) == nil)
        #expect(WarRoomState.fromCheckpoint(payload.prefix(payload.count / 2), version: WarRoomState.checkpointVersion, seriesCapacity: 50) == nil)
        #expect(WarRoomState.fromCheckpoint(Data("{}".utf8), version: WarRoomState.checkpointVersion, seriesCapacity: 50) == nil)
    }

    @Test("equal states encode to equal bytes, whatever order their dictionaries were filled in")
    func encodingIsCanonical() throws {
        var a = WarRoomState()
        var b = WarRoomState()
        let t = Date(timeIntervalSince1970: 1_800_000_000)
        let keys = SeriesKey.allForTests
        for (i, k) in keys.enumerated() {
            a.apply(Recorded(seq: Int64(i + 1), time: t, event: .samples(source: "s", samples: [Sample(k, 1)])))
        }
        for (i, k) in keys.reversed().enumerated() {
            b.apply(Recorded(seq: Int64(i + 1), time: t, event: .samples(source: "s", samples: [Sample(k, 1)])))
        }
        #expect(try a.checkpointPayload() == b.checkpointPayload())
    }

    @Test("the commander's checkpoint policy: every N events or every T seconds, whichever first, only with something new")
    func policy() {
        let p = CheckpointPolicy(everyEvents: 10_000, every: 60)
        #expect(!p.isDue(events: 0, elapsed: 3600))
        #expect(!p.isDue(events: 9_999, elapsed: 59.9))
        #expect(p.isDue(events: 10_000, elapsed: 0))
        #expect(p.isDue(events: 1, elapsed: 60))
        // Samples alone count as something new once the time has passed, never by their number.
        #expect(p.isDue(events: 0, sampleCommits: 1, elapsed: 60))
        #expect(!p.isDue(events: 0, sampleCommits: 1_000_000, elapsed: 59.9))
        #expect(!p.isDue(events: 0, sampleCommits: 0, elapsed: 3600))
        #expect(CheckpointPolicy.standard == CheckpointPolicy(everyEvents: 10_000, every: 60, keep: 3))
    }
}

extension SeriesKey {
    static let allForTests: [SeriesKey] = Cohort.allCases.flatMap { c in MetricKind.allCases.map { SeriesKey(c, $0) } }
}
