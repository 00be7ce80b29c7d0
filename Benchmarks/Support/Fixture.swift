import Foundation
import WarRoomCore

/// Realistic, deterministic inputs shared by the benchmarks: an hour of a
/// canary launch as recorded events, the state they fold to, and helpers.
///
/// Only event cases whose shape is settled are used (session, samples,
/// source outages, threshold crossings, commands, notes), so that the
/// fixture keeps compiling while the incident events grow.
public enum Fixture {
    /// 2027-01-15 08:00:00 UTC: a round, fixed launch time.
    public static let start = Date(timeIntervalSince1970: 1_800_000_000)
    public static let healthSource = "health"
    public static let promSource = "prometheus"

    public static let session = SessionInfo(
        service: "promptforge-web",
        rules: .runbookDefaults,
        plan: .runbookDefault,
        roster: Roster(tiers: [
            EscalationTier(name: "Primary", person: Person(name: "Ana Ruiz", handle: "@ana", contact: "+1 555 0101"), escalateAfter: 900),
            EscalationTier(name: "Secondary", person: Person(name: "Ben Okafor", handle: "@ben", contact: "+1 555 0102"), escalateAfter: 1800),
            EscalationTier(name: "Eng lead", person: Person(name: "Chen Wei", handle: "@chen", contact: "+1 555 0103"), escalateAfter: 3600),
            EscalationTier(name: "CTO", person: Person(name: "Dana Levi", handle: "@dana", contact: "+1 555 0104"), escalateAfter: 7200),
        ]),
        sources: [
            .init(name: healthSource, interval: 1),
            .init(name: promSource, interval: 15),
        ],
        mode: .run,
        startedBy: "ana")

    /// Deterministic noise in -1...1 (splitmix64).
    public static func noise(_ i: Int, _ channel: UInt64) -> Double {
        var x = UInt64(bitPattern: Int64(i)) &* 0x9E37_79B9_7F4A_7C15 &+ channel &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 30
        x = x &* 0xBF58_476D_1CE4_E5B9
        x ^= x >> 27
        x = x &* 0x94D0_49BB_1331_11EB
        x ^= x >> 31
        return Double(x % 20_001) / 10_000 - 1
    }

    /// The eight readings (both cohorts, four metrics) of second `s`, with
    /// `canaryPercent` of the traffic on the canary. Values stay inside the
    /// runbook thresholds, so folding them asks for no effects.
    public static func samples(second s: Int, canaryPercent: Double = 5) -> [Sample] {
        var out: [Sample] = []
        out.reserveCapacity(8)
        let total = 1200 * (1 + 0.1 * sin(Double(s) / 60))
        for (c, cohort) in Cohort.allCases.enumerated() {
            let ch = UInt64(c * 8)
            let base = cohort == .canary ? 0.005 : 0.004
            let latency = (cohort == .canary ? 0.135 : 0.120) * (1 + 0.05 * noise(s, ch + 2))
            let share = cohort == .canary ? canaryPercent / 100 : 1 - canaryPercent / 100
            out.append(Sample(SeriesKey(cohort, .errorRate), base * (1 + 0.08 * noise(s, ch + 1))))
            out.append(Sample(SeriesKey(cohort, .latencyAvg), latency))
            out.append(Sample(SeriesKey(cohort, .latencyP95), latency * 2.03))
            out.append(Sample(SeriesKey(cohort, .throughput), total * share))
        }
        return out
    }

    static let notes = [
        "checked the canary dashboards in Grafana, nothing unusual",
        "support reports one slow page load from EU, watching",
        "DB replica lag at 40 ms, within normal range",
        "paged nobody; holding at current step as planned",
        "CDN cache hit ratio steady at 93%",
        "p95 wobble is the nightly batch job, not the canary",
        "status page still green; no customer reports",
        "error budget burn 0.3x for the last 15 minutes",
    ]

    /// An hour (by default) of a launch as the journal records it: a session,
    /// the first two canary steps with their commands, one samples event per
    /// second for all 8 series, a note every 12 s, a flapping Prometheus
    /// source and two short threshold excursions. About 3 900 events, of which
    /// ~320 make timeline lines.
    public static func launchEvents(seconds: Int = 3600, firstSeq: Int64 = 1) -> [Recorded] {
        var out: [Recorded] = []
        out.reserveCapacity(seconds + 400)
        var seq = firstSeq
        func record(_ t: Double, _ event: Event) {
            out.append(Recorded(seq: seq, time: start.addingTimeInterval(t), event: event))
            seq += 1
        }
        record(0, .sessionStarted(session))
        var commandID = 1
        var canary = 0.0
        func step(_ t: Double, to percent: Double, reason: String) {
            let request = CommandRequest(
                id: commandID, action: .setTraffic(percent: percent), by: "warroom",
                reason: reason, automatic: true)
            record(t, .commandIssued(request))
            record(
                t + 0.4,
                .commandFinished(
                    id: commandID,
                    outcome: CommandOutcome(
                        succeeded: true, detail: "HTTP 200", duration: 0.4, output: #"{"canary_percent":\#(percent)}"#)))
            commandID += 1
            canary = percent
        }
        for s in 0 ..< seconds {
            let t = Double(s)
            if s == 1 { step(t + 0.1, to: 1, reason: "launch plan: first step 1%") }
            if s == 1801 { step(t + 0.1, to: 5, reason: "held 1% for 30m; next step") }
            record(t + 0.5, .samples(source: healthSource, samples: samples(second: s, canaryPercent: canary)))
            if s % 12 == 6 {
                record(t + 0.7, .note(text: notes[(s / 12) % notes.count] + " (#\(s / 12))", by: ["ana", "ben", "chen"][s % 3]))
            }
            if s % 600 == 300 {
                record(t + 0.8, .sourceDown(source: promSource, reason: "connection refused"))
            }
            if s % 600 == 345 {
                record(t + 0.8, .sourceUp(source: promSource, downFor: 45))
            }
            if s == 2400 || s == 3000 {
                let rule = RuleKey(.canary, s == 2400 ? .latency : .errorRate)
                let (value, threshold) = s == 2400 ? (3.4, 3.0) : (0.061, 0.05)
                record(t + 0.9, .thresholdCrossed(Crossing(rule: rule, from: .none, to: .sev3, value: value, threshold: threshold)))
            }
            if s == 2460 || s == 3090 {
                let rule = RuleKey(.canary, s == 2460 ? .latency : .errorRate)
                let (value, threshold) = s == 2460 ? (1.2, 3.0) : (0.012, 0.05)
                record(t + 0.9, .thresholdCrossed(Crossing(rule: rule, from: .sev3, to: .none, value: value, threshold: threshold)))
            }
        }
        return out
    }

    /// The state an hour of launch folds to (series full at capacity 3600).
    public static func state(seconds: Int = 3600, seriesCapacity: Int = 3600) -> WarRoomState {
        var state = WarRoomState(seriesCapacity: seriesCapacity)
        for recorded in launchEvents(seconds: seconds) { state.apply(recorded) }
        return state
    }

    /// One samples event per second after `state`'s last event, ready to fold.
    public static func followingSamples(after state: WarRoomState, count: Int) -> [Recorded] {
        let first = Int((state.lastEventTime ?? start).timeIntervalSince(start).rounded(.down)) + 1
        return (0 ..< count).map { i in
            Recorded(
                seq: state.lastSeq + 1 + Int64(i), time: start.addingTimeInterval(Double(first + i) + 0.5),
                event: .samples(source: healthSource, samples: samples(second: first + i)))
        }
    }

    /// A fresh, empty scratch directory under the system temporary directory.
    public static func scratchDirectory(_ label: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("warroom-bench-\(label)-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// This process's resident set size in bytes, from /proc/self/status (0 if unknown).
    public static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kb * 1024
        }
        return 0
    }
}
