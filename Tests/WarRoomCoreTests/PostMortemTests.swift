import Foundation
import Testing

@testable import WarRoomCore

/// Export snapshots, kept as files beside the tests. Re-record with
/// WARROOM_RECORD_SNAPSHOTS=1 swift test --filter PostMortemTests
@Suite("Post-mortem and messages")
struct PostMortemTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    /// A whole incident: a launch, a SEV-1, an automatic rollback, notes, roles, resolution.
    static func incident() -> (events: [Recorded], now: Date) {
        var h = Harness(
            session: Harness.session(analysis: AnalysisConfig(metrics: AnalysisConfig.runbookDefault.metrics, interval: 60, failureLimit: 0)))
        h.tick()
        h.finishLast()
        h.samples([(.canary, .errorRate, 0.004), (.stable, .errorRate, 0.004), (.canary, .latencyAvg, 0.13), (.stable, .latencyAvg, 0.12)])
        h.advance(45)
        h.samples([(.canary, .errorRate, 0.24), (.stable, .errorRate, 0.004), (.canary, .latencyAvg, 0.9), (.stable, .latencyAvg, 0.12)])
        h.send(.roleAssigned(role: .commander, person: "ana", by: "ana"))
        h.send(.note(text: "canary errors after the 1% step", by: "ben"))
        h.advance(15)
        h.samples([(.canary, .errorRate, 0.22), (.stable, .errorRate, 0.004), (.canary, .latencyAvg, 0.8), (.stable, .latencyAvg, 0.12)])
        h.tick()
        h.advance(2)
        h.finishLast()
        h.advance(3)
        h.samples([(.stable, .errorRate, 0.004), (.stable, .latencyAvg, 0.12)])
        h.send(.statusChanged(to: .identified, by: "ana"))
        h.advance(600)
        h.send(.statusChanged(to: .monitoring, by: "ana"))
        h.advance(900)
        h.send(.statusChanged(to: .resolved, by: "ana"))
        return (h.recorded, h.now + 60)
    }

    func check(_ name: String, _ text: String) throws {
        let file = Self.folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["WARROOM_RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(text == expected, "\(name) differs; re-record with WARROOM_RECORD_SNAPSHOTS=1 if intended")
    }

    @Test(
        "peaks: a series with no data (NaN) during the incident has no peak, never -inf; stored peaks merge with the events' samples, the worst winning"
    )
    func peaksLeaveOutNaN() throws {
        let (events, now) = Self.incident()
        let dark = SeriesKey(.canary, .latencyAvg)
        let blanked = events.map { e -> Recorded in
            guard case .samples(let source, let samples) = e.event else { return e }
            return Recorded(
                seq: e.seq, time: e.time, event: .samples(source: source, samples: samples.map { $0.key == dark ? Sample(dark, .nan) : $0 }))
        }
        let pm = PostMortem(events: blanked, now: now)
        #expect(!pm.peaks.isEmpty)
        #expect(!pm.peaks.contains { $0.key == dark }, "\(pm.peaks)")
        #expect(!pm.impact.contains("inf") && !pm.impact.contains("nan"), "\(pm.impact)")
        let full = PostMortem(events: events, now: now)
        let canaryErrors = try #require(full.peaks.first { $0.key == SeriesKey(.canary, .errorRate) }?.value)
        let merged = PostMortem(
            state: pm.state, events: blanked, now: now,
            storedPeaks: [dark: .nan, SeriesKey(.canary, .errorRate): canaryErrors + 0.5, SeriesKey(.stable, .errorRate): -1])
        #expect(!merged.peaks.contains { $0.key == dark }, "a NaN stored peak is left out too")
        #expect(merged.peaks.first { $0.key == SeriesKey(.canary, .errorRate) }?.value == canaryErrors + 0.5)
        #expect(
            merged.peaks.first { $0.key == SeriesKey(.stable, .errorRate) }?.value == 0.004, "the events' worse value wins over a lower stored one")
    }

    @Test("markdown: the runbooks' post-mortem template and the three messages")
    func markdown() throws {
        let (events, now) = Self.incident()
        let md = PostMortem(events: events, now: now).markdown()
        try check("postmortem.md", md)
        for heading in [
            "## Incident Summary", "## Timeline (UTC)", "## Root Cause", "## Actions Taken", "## Time to Rollback (TTR)",
            "## Lessons Learned", "## Action Items", "### Initial alert", "### Update", "### Resolution",
        ] {
            #expect(md.contains(heading), "\(heading)")
        }
        #expect(md.contains("- **Severity**: SEV-1 (peak SEV-1)"))
        #expect(md.contains("- **Duration**: 25m20s"))
        #expect(md.contains("rollback by warroom (automatic)"))
        #expect(md.contains("Rollback issued"))
    }

    @Test("json: every event but the samples, the incident, actions and messages")
    func json() throws {
        let (events, now) = Self.incident()
        let data = try PostMortem(events: events, now: now).json(includeSamples: false)
        try check("postmortem.json", String(decoding: data, as: UTF8.self) + "\n")
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let list = try #require(root["events"] as? [[String: Any]])
        #expect(list.count == events.filter { $0.event.kind != "samples" }.count)
        #expect(list.allSatisfy { $0["kind"] as? String != "samples" })
        let incident = try #require(root["incident"] as? [String: Any])
        #expect(incident["status"] as? String == "resolved")
        let actions = try #require(root["actions"] as? [[String: Any]])
        #expect(actions.last?["action"] as? String == "rollback")
        #expect(actions.last?["automatic"] as? Bool == true)
        // Slashes as they are; non-finite numbers as the journal writes them, never an error.
        let odd =
            events + [
                Recorded(seq: 9_001, time: now, event: .note(text: "see runbooks/rollback.md", by: "ana")),
                Recorded(
                    seq: 9_002, time: now,
                    event: .samples(
                        source: "h",
                        samples: [
                            Sample(SeriesKey(.canary, .latencyP99), .infinity),
                            Sample(SeriesKey(.stable, .latencyP99), .nan),
                        ])),
            ]
        let oddText = String(decoding: try PostMortem(events: odd, now: now).json(includeSamples: true), as: UTF8.self)
        #expect(oddText.contains("runbooks/rollback.md"))
        #expect(oddText.contains("\"+Inf\"") && oddText.contains("\"NaN\""))
        let all = try PostMortem(events: events, now: now).json(includeSamples: true)
        let withSamples = try #require(try JSONSerialization.jsonObject(with: all) as? [String: Any])
        #expect((withSamples["events"] as? [[String: Any]])?.count == events.count)
    }
}
