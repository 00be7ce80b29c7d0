import Foundation
import Testing

@testable import WarRoomCore

@Suite("Sources: alerts, dead-man's switch, history")
struct SourceStateTests {
    func notice(_ name: String, _ change: AlertNotice.Change, level: Severity? = .sev2, fingerprint: String? = nil) -> AlertNotice {
        AlertNotice(
            source: "am", fingerprint: fingerprint ?? name, name: name, change: change, level: level, summary: "\(name) summary",
            labels: ["alertname": name])
    }

    @Test("a firing alert with a mapped severity opens an incident; a worse one raises it; silenced ones never count")
    func alertsRaiseSeverity() {
        var h = Harness()
        h.send(.alert(notice("Disk", .firing, level: .sev3)))
        #expect(h.state.incident?.severity == .sev3)
        h.send(.alert(notice("Flaky", .silenced, level: .sev1)))
        #expect(h.state.incident?.severity == .sev3, "a silenced alert must not raise severity")
        #expect(h.state.alertLevel == .sev3)
        h.send(.alert(notice("Errors", .firing, level: .sev1)))
        #expect(h.state.incident?.severity == .sev1)
        #expect(h.state.severity == .sev1)
        h.send(.alert(notice("Errors", .resolved, level: nil)))
        #expect(h.state.alertLevel == .sev3)
        #expect(h.state.timeline.map(\.text).contains("alert Errors resolved"))
        #expect(h.state.timeline.contains { $0.text == "alert Flaky silenced (SEV-1): Flaky summary" })
        // SEV-4 and unmapped alerts are shown, never paged.
        var quiet = Harness()
        quiet.send(.alert(notice("Info", .firing, level: nil)))
        quiet.send(.alert(notice("Low", .firing, level: .sev4)))
        #expect(quiet.state.incident == nil)
        #expect(quiet.state.timeline.contains { $0.text.hasPrefix("alert Info FIRING") })
    }

    @Test("after a restart the same alert reported again is not repeated in the timeline")
    func restartDoesNotRepeat() {
        var h = Harness()
        h.send(.alert(notice("Disk", .firing, level: .sev3)))
        let before = h.state.timeline.filter { $0.kind == .alert }.count
        h.send(.sessionStarted(Harness.session))
        h.send(.alert(notice("Disk", .firing, level: .sev3)))
        #expect(h.state.timeline.filter { $0.kind == .alert }.count == before)
        #expect(h.state.alerts["Disk"] != nil)
    }

    @Test("an always-reporting source silent past its stale limit trips the dead-man's switch once; samples clear it")
    func deadMan() {
        var info = SessionInfo.SourceInfo(name: "health", interval: 5)
        info.alwaysReporting = true
        info.staleAfter = 20
        var session = Harness.session
        session.sources = [info, .init(name: "other", interval: 5)]
        var h = Harness(session: session)
        h.send(.samples(source: "health", samples: [Sample(SeriesKey(.stable, .errorRate), 0.001)]))
        h.advance(19)
        h.tick()
        #expect(h.state.silentSources.isEmpty)
        h.advance(2)
        h.tick()
        #expect(h.state.silentSources["health"] != nil)
        #expect(h.state.silentSources["other"] == nil, "only always-reporting sources have a dead-man's switch")
        h.advance(30)
        h.tick()
        #expect(h.recorded.filter { $0.event.kind == "dead_man_switch" }.count == 1, "it trips once, not every tick")
        h.send(.samples(source: "health", samples: [Sample(SeriesKey(.stable, .errorRate), 0.001)]))
        #expect(h.state.silentSources.isEmpty)
        #expect(h.state.timeline.last?.text.hasPrefix("source health reporting again after") == true)
    }

    @Test("history fills the sparklines behind live values, never folds into severity")
    func history() {
        var h = Harness()
        let key = SeriesKey(.canary, .errorRate)
        h.send(.samples(source: "prom", samples: [Sample(key, 0.01)]))
        let past = (1 ... 5).map { Series.Point(time: h.now.addingTimeInterval(Double(-60 * $0)), value: 0.5) }
        h.send(.history(source: "prom", series: [SeriesHistory(key: key, points: past)]))
        let points = h.state.series[key]!.points.elements
        #expect(points.count == 6)
        #expect(points.last?.value == 0.01, "the live value stays the latest")
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.time <= $1.time })
        #expect(h.state.incident == nil, "past values above SEV-1 open nothing")
    }

    @Test("dim and stale limits default to two and five intervals and can be configured")
    func limits() {
        var info = SessionInfo.SourceInfo(name: "s", interval: 10)
        #expect(info.dimLimit == 20)
        #expect(info.staleLimit == 50)
        info.dimAfter = 5
        info.staleAfter = 12
        #expect(info.dimLimit == 5)
        #expect(info.staleLimit == 12)
        // Journals written before these fields existed still decode.
        let old = #"{"name":"health","interval":5}"#
        let decoded = try? JSONDecoder().decode(SessionInfo.SourceInfo.self, from: Data(old.utf8))
        #expect(decoded?.staleLimit == 25)
    }
}
