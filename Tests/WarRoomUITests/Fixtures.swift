import Foundation
import WarRoomCore
import WarRoomUI

/// War room states for rendering tests, built by folding real events.
enum Fixture {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00:00 UTC

    static let session = SessionInfo(
        service: "checkout-api", rules: .runbookDefaults,
        plan: CanaryPlan(steps: [
            CanaryStep(weight: 1, hold: 30 * 60), CanaryStep(weight: 5, hold: 3600),
            CanaryStep(weight: 25, hold: 7200), CanaryStep(weight: 100, hold: nil),
        ]),
        roster: Roster(tiers: [
            EscalationTier(name: "Primary", person: Person(name: "Ana Ruiz", handle: "@ana", contact: "+1 555 0101"), escalateAfter: 900),
            EscalationTier(name: "Secondary", person: Person(name: "Ben Okafor", handle: "@ben"), escalateAfter: 1800),
            EscalationTier(name: "Eng lead", person: Person(name: "Chen Wei", handle: "@chen"), escalateAfter: 3600),
            EscalationTier(name: "CTO", person: Person(name: "Dana Levi", handle: "@dana"), escalateAfter: 7200),
        ]),
        sources: [.init(name: "health", interval: 5)], mode: .other("test"), startedBy: "ana")

    /// A launch at its second step, with `samples` seconds of healthy history,
    /// then (if `fault`) a canary error spike to SEV-1.
    static func launch(samples: Int = 30, fault: Bool = false) -> (state: WarRoomState, now: Date) {
        let (state, now, _) = build(samples: samples, fault: fault)
        return (state, now)
    }

    /// The recorded events behind `launch`, as a journal would hold them.
    static func events(samples: Int = 30, fault: Bool = false) -> [Recorded] {
        build(samples: samples, fault: fault).events
    }

    static func build(samples: Int, fault: Bool) -> (state: WarRoomState, now: Date, events: [Recorded]) {
        var state = WarRoomState(seriesCapacity: 600)
        var seq: Int64 = 0
        var time = t0
        var events: [Recorded] = []
        func record(_ event: Event) {
            // Commands and pages are not run here: their outcomes are recorded below.
            _ = state.drive([.record(event)]) { event in
                seq += 1
                let r = Recorded(seq: seq, time: time, event: event)
                events.append(r)
                return r
            }
        }
        record(.sessionStarted(session))
        record(
            .commandIssued(
                CommandRequest(id: 1, action: .setTraffic(percent: 1), by: "warroom", reason: "launch plan: first step 1%", automatic: true)))
        record(.commandFinished(id: 1, outcome: CommandOutcome(succeeded: true, detail: "HTTP 200", duration: 0.1)))
        time += 1800
        record(
            .commandIssued(
                CommandRequest(id: 2, action: .setTraffic(percent: 5), by: "warroom", reason: "held 1% for 30m; next step", automatic: true)))
        record(.commandFinished(id: 2, outcome: CommandOutcome(succeeded: true, detail: "HTTP 200", duration: 0.1)))
        for i in 0 ..< samples {
            if i == 12, let analysis = session.plan.analysis {
                // A minute into the step, a passing check (the step may then take more traffic).
                record(.analysisChecked(AnalysisCheck.evaluate(analysis, series: state.series, now: time, freshness: 11)))
            }
            time += 5
            let wobble = Double(i % 5) / 1000
            let spike = fault && i > samples - 6
            record(
                .samples(
                    source: "health",
                    samples: [
                        Sample(SeriesKey(.canary, .errorRate), spike ? 0.24 + wobble : 0.005 + wobble),
                        Sample(SeriesKey(.canary, .latencyAvg), 0.13 + wobble),
                        Sample(SeriesKey(.canary, .latencyP95), 0.31),
                        Sample(SeriesKey(.canary, .throughput), 60),
                        Sample(SeriesKey(.stable, .errorRate), 0.004),
                        Sample(SeriesKey(.stable, .latencyAvg), 0.12 + wobble),
                        Sample(SeriesKey(.stable, .latencyP95), 0.29),
                        Sample(SeriesKey(.stable, .throughput), 1140),
                    ]))
        }
        record(.note(text: "watching the canary closely", by: "ana"))
        return (state, time + 2, events)
    }

    static func context(fault: Bool = false) -> ViewContext {
        let (state, now) = launch(fault: fault)
        return ViewContext(state: state, now: now, timeZone: TimeZone(identifier: "UTC")!)
    }
}
