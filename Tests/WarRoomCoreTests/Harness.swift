import Foundation

@testable import WarRoomCore

/// Drives the reducer the way the actor does: record effects are folded at
/// once (with the next seq), execute effects are collected.
struct Harness {
    var state = WarRoomState(seriesCapacity: 120)
    var now = Date(timeIntervalSince1970: 1_800_000_000)
    var seq: Int64 = 0
    var executed: [CommandRequest] = []
    var pages: [PageRequest] = []
    var recorded: [Recorded] = []

    /// The runbook plan without analysis, for tests of stepping alone.
    static let session = Harness.session(analysis: nil)

    static func session(analysis: AnalysisConfig?, steps: [CanaryStep] = CanaryPlan.runbookDefault.steps) -> SessionInfo {
        SessionInfo(
            service: "checkout", rules: .runbookDefaults, plan: CanaryPlan(steps: steps, analysis: analysis),
            roster: Roster(tiers: [EscalationTier(name: "Primary", person: Person(name: "Ana", handle: "@ana"), escalateAfter: 900)]),
            sources: [.init(name: "health", interval: 5)], mode: .other("test"), startedBy: "tester")
    }

    var cancelled: [Int] = []
    var trafficReads = 0

    /// A session, started (L pressed) unless `started` is false.
    init(session: SessionInfo? = Harness.session, started: Bool = true) {
        if let session { send(.sessionStarted(session)) }
        if session != nil, started { send(.launchStarted(by: "tester", reason: "test")) }
    }

    mutating func send(_ event: Event) {
        process([.record(event)])
    }

    mutating func tick() {
        process(state.tick(at: now))
    }

    mutating func advance(_ seconds: TimeInterval) {
        now += seconds
    }

    mutating func process(_ effects: [Effect]) {
        // The fold's own copy of the state, so the closure may count and keep what it records.
        var folding = state
        var seq = self.seq
        var fresh: [Recorded] = []
        let now = self.now
        let actions = folding.drive(effects) { event in
            seq += 1
            let r = Recorded(seq: seq, time: now, event: event)
            fresh.append(r)
            return r
        }
        state = folding
        self.seq = seq
        recorded += fresh
        for action in actions {
            switch action {
            case .execute(let request): executed.append(request)
            case .page(let request): pages.append(request)
            case .cancel(let id): cancelled.append(id)
            case .readTraffic: trafficReads += 1
            }
        }
    }

    mutating func samples(_ values: [(Cohort, MetricKind, Double)]) {
        send(.samples(source: "health", samples: values.map { Sample(SeriesKey($0.0, $0.1), $0.2) }))
    }

    /// Finish the last executed command.
    mutating func finishLast(ok: Bool = true, detail: String = "HTTP 200") {
        guard let last = executed.last else { return }
        send(.commandFinished(id: last.id, outcome: CommandOutcome(succeeded: ok, detail: detail, duration: 0.1)))
    }

    var texts: [String] { state.timeline.map(\.text) }
}
