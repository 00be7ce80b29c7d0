import Foundation
import Testing

@testable import WarRoomCore

@Suite("Incidents")
struct IncidentTests {
    @Test("declare, change severity, walk the statuses, assign roles: all recorded")
    func lifecycle() {
        var h = Harness()
        h.send(.incidentOpened(severity: .sev2, title: "checkout errors", by: "ana"))
        #expect(h.state.incident?.number == 1)
        #expect(h.state.incident?.status == .investigating)
        h.advance(60)
        h.send(.roleAssigned(role: .commander, person: "ana", by: "ana"))
        h.send(.roleAssigned(role: .scribe, person: "ben", by: "ana"))
        h.send(.severityChanged(to: .sev1, by: "ana", reason: "customers report failures"))
        h.send(.statusChanged(to: .identified, by: "ana"))
        h.send(.severityChanged(to: .sev3, by: "ana", reason: ""))
        h.advance(600)
        h.send(.statusChanged(to: .monitoring, by: "ana"))
        h.send(.statusChanged(to: .resolved, by: "ana"))
        let i = h.state.incident!
        #expect(i.roles == [.commander: "ana", .scribe: "ben"])
        #expect(i.severity == .sev3)
        #expect(i.peak == .sev1)
        #expect(!i.isOpen)
        #expect(i.duration(at: h.now + 3600) == 660)
        #expect(h.texts.last == "escalation stopped: incident resolved")
        #expect(
            h.texts.dropLast().suffix(7) == [
                "Incident commander: ana (assigned by ana)",
                "Scribe: ben (assigned by ana)",
                "severity SEV-2 → SEV-1 by ana: customers report failures",
                "status Investigating → Identified by ana",
                "severity SEV-1 → SEV-3 by ana",
                "status Identified → Monitoring by ana",
                "status Monitoring → Resolved by ana (lasted 11m00s)",
            ])
    }

    @Test("what cannot be done is refused with a reason, and nothing is recorded")
    func refusals() {
        var h = Harness()
        #expect(h.state.refusal(of: .statusChanged(to: .resolved, by: "a"))?.text == "no incident")
        #expect(h.state.refusal(of: .severityChanged(to: .sev1, by: "a", reason: ""))?.text == "no open incident")
        #expect(h.state.refusal(of: .incidentOpened(severity: .none, title: "x", by: "a"))?.text == "choose a severity from SEV-1 to SEV-4")
        #expect(h.state.refusal(of: .metricsPinned(samples: [], by: "a"))?.text == "no values to pin yet")
        h.send(.incidentOpened(severity: .sev2, title: "x", by: "a"))
        #expect(h.state.refusal(of: .incidentOpened(severity: .sev1, title: "y", by: "a"))?.text == "incident #1 is still open; resolve it first")
        #expect(h.state.refusal(of: .severityChanged(to: .sev2, by: "a", reason: ""))?.text == "the incident is already SEV-2")
        #expect(h.state.refusal(of: .statusChanged(to: .investigating, by: "a"))?.text == "the status is already Investigating")
        #expect(h.state.refusal(of: .note(text: "   ", by: "a"))?.text == "note not recorded: the text is empty")
        #expect(
            h.state.refusal(of: .note(text: "bell\u{7}", by: "a"))?.text
                == "note not recorded: the text has a control character (U+0007) at position 5")
        #expect(h.state.refusal(of: .note(text: String(repeating: "x", count: 501), by: "a"))?.text.contains("at most 500") == true)
        #expect(h.state.refusal(of: .incidentOpened(severity: .sev1, title: "y", by: "a")) == .incidentStillOpen(number: 1))
        #expect(h.state.refusal(of: .note(text: "bell\u{7}", by: "a")) == .note(.controlCharacter(7, at: 5)))
        #expect(h.state.refusal(of: .note(text: "fine, ünïcødé and 日本語", by: "a")) == nil)
    }

    @Test("a rule firing opens an incident, raises an open one, and opens a new one after resolution")
    func automatic() {
        var h = Harness()
        h.samples([(.canary, .latencyAvg, 3.5)])
        #expect(h.state.incident?.severity == .sev3)
        #expect(h.state.incident?.openedBy == "warroom (automatic)")
        h.samples([(.canary, .errorRate, 0.25)])
        #expect(h.state.incident?.severity == .sev1)
        #expect(h.texts.contains("severity SEV-3 → SEV-1 by warroom (automatic): canary error rate 25.0% above 20.0%"))
        // A person lowers it; the same level firing again does not raise it back.
        h.send(.severityChanged(to: .sev2, by: "ana", reason: "only the canary"))
        h.samples([(.canary, .errorRate, 0.26)])
        #expect(h.state.incident?.severity == .sev2)
        h.send(.statusChanged(to: .resolved, by: "ana"))
        h.samples([(.canary, .errorRate, 0.01), (.canary, .latencyAvg, 0.1)])
        h.samples([(.stable, .errorRate, 0.12)])
        #expect(h.state.incident?.number == 2)
        #expect(h.state.incident?.isOpen == true)
    }

    @Test("pinned values are written into the timeline")
    func pin() {
        var h = Harness()
        h.samples([(.canary, .errorRate, 0.012), (.stable, .latencyAvg, 0.2)])
        h.send(.metricsPinned(samples: h.state.latestValues(at: h.now).samples, by: "ana"))
        #expect(h.texts.last == "ana pinned: canary errors 1.20%, stable latency 200 ms")
    }
}
