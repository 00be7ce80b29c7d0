import Foundation
import Testing

@testable import WarRoomCore

@Suite("Escalation")
struct EscalationTests {
    static func harness(policies: [String: EscalationPolicy] = [:]) -> Harness {
        let roster = Roster(
            tiers: [
                EscalationTier(name: "Primary", person: Person(name: "Ana", handle: "@ana"), escalateAfter: 900),
                EscalationTier(name: "Secondary", person: Person(name: "Ben", handle: "@ben"), escalateAfter: 1800),
                EscalationTier(name: "Lead", person: Person(name: "Chen", handle: "@chen"), escalateAfter: 3600),
                EscalationTier(name: "CTO", person: Person(name: "Dana", handle: "@dana"), escalateAfter: 7200),
            ], policies: policies)
        var info = Harness.session
        info.roster = roster
        return Harness(session: info)
    }

    /// Page everything due, answering each page with `ok`.
    static func run(_ h: inout Harness, ok: Bool = true) {
        h.tick()
        while let last = h.state.escalation?.pages.last, last.outcome == nil {
            h.send(.pageFinished(id: last.request.id, outcome: CommandOutcome(succeeded: ok, detail: ok ? "exit 0" : "exit 1", duration: 0.1)))
            h.tick()
        }
    }

    static func paged(_ h: Harness) -> [String] {
        h.state.escalation?.pages.map { "\($0.request.person.name)@\(Int($0.sentAt.timeIntervalSince(h.state.incident!.openedAt)))" } ?? []
    }

    @Test("SEV-1 pages the primary at once, then each tier after the one before has had its time, then repeats once", arguments: [1])
    func sev1(_: Int) {
        var h = Self.harness()
        h.send(.incidentOpened(severity: .sev1, title: "down", by: "ana"))
        Self.run(&h)
        #expect(Self.paged(h) == ["Ana@0"])
        for _ in 0 ..< (6 * 3600 / 60) {
            h.advance(60)
            Self.run(&h)
        }
        // 0, +15m, +45m, +1h45m; the repeat starts after the CTO's 2h: +3h45m, ...
        #expect(Self.paged(h) == ["Ana@0", "Ben@900", "Chen@2700", "Dana@6300", "Ana@13500", "Ben@14400", "Chen@16200", "Dana@19800"])
        for _ in 0 ..< 200 {
            h.advance(600)
            Self.run(&h)
        }
        #expect(h.state.escalation?.pages.count == 8, "repeats stop at their count")
    }

    @Test("SEV-2 pages primary then secondary; SEV-3 the primary only; SEV-4 no one")
    func bySeverity() {
        var h2 = Self.harness()
        h2.send(.incidentOpened(severity: .sev2, title: "x", by: "a"))
        for _ in 0 ..< 300 {
            Self.run(&h2)
            h2.advance(60)
        }
        #expect(Self.paged(h2) == ["Ana@0", "Ben@900"])
        var h3 = Self.harness()
        h3.send(.incidentOpened(severity: .sev3, title: "x", by: "a"))
        for _ in 0 ..< 300 {
            Self.run(&h3)
            h3.advance(60)
        }
        #expect(Self.paged(h3) == ["Ana@0"])
        var h4 = Self.harness()
        h4.send(.incidentOpened(severity: .sev4, title: "x", by: "a"))
        Self.run(&h4)
        #expect(h4.state.escalation == nil)
    }

    @Test("a configured policy decides who is paged and how often")
    func configured() {
        var h = Self.harness(policies: ["SEV-2": EscalationPolicy(tiers: [2, 3], repeats: 0)])
        h.send(.incidentOpened(severity: .sev2, title: "x", by: "a"))
        for _ in 0 ..< 300 {
            Self.run(&h)
            h.advance(60)
        }
        #expect(Self.paged(h) == ["Chen@0", "Dana@3600"])
    }

    @Test("acknowledging stops the escalation and records who; a second ack is refused")
    func ack() {
        var h = Self.harness()
        h.send(.incidentOpened(severity: .sev1, title: "x", by: "a"))
        Self.run(&h)
        h.advance(600)
        #expect(h.state.refusal(of: .acknowledged(by: "ana")) == nil)
        h.send(.acknowledged(by: "ana"))
        for _ in 0 ..< 300 {
            Self.run(&h)
            h.advance(60)
        }
        #expect(Self.paged(h) == ["Ana@0"])
        #expect(h.state.escalation?.acknowledgedBy == "ana")
        #expect(h.texts.contains("acknowledged by ana after 10m00s; escalation stopped"))
        #expect(h.state.refusal(of: .acknowledged(by: "ben")) == .alreadyAcknowledged(by: "ana"))
        #expect(h.state.refusal(of: .acknowledged(by: "ben"))?.text == "already acknowledged by ana")
    }

    @Test("resolving the incident stops the escalation")
    func resolve() {
        var h = Self.harness()
        h.send(.incidentOpened(severity: .sev1, title: "x", by: "a"))
        Self.run(&h)
        h.send(.statusChanged(to: .resolved, by: "ana"))
        for _ in 0 ..< 300 {
            Self.run(&h)
            h.advance(60)
        }
        #expect(Self.paged(h) == ["Ana@0"])
        #expect(h.state.escalation?.stopped == .resolved)
        #expect(h.state.escalation?.stopped?.text == "incident resolved")
    }

    @Test("a worse severity widens the chain; tiers already due are paged at once")
    func upgrade() {
        var h = Self.harness()
        h.send(.incidentOpened(severity: .sev3, title: "x", by: "a"))
        Self.run(&h)
        h.advance(1800)
        Self.run(&h)
        #expect(Self.paged(h) == ["Ana@0"])
        h.send(.severityChanged(to: .sev1, by: "a", reason: "worse"))
        Self.run(&h)
        #expect(Self.paged(h) == ["Ana@0", "Ben@1800"])
    }

    @Test("a failed page is loud in the timeline, and escalation goes on")
    func failedPage() {
        var h = Self.harness()
        h.send(.incidentOpened(severity: .sev2, title: "x", by: "a"))
        Self.run(&h, ok: false)
        #expect(h.texts.contains("PAGE TO ANA FAILED (exit 1)"))
        h.advance(900)
        Self.run(&h)
        #expect(Self.paged(h) == ["Ana@0", "Ben@900"])
    }
}
