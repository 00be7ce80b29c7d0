import Foundation
import Testing

@testable import WarRoomCore

@Suite("Canary progression")
struct CanaryTests {
    @Test("the runbook plan runs step by step on an injected clock")
    func fullPlan() {
        var h = Harness()
        #expect(h.state.canary.phase == .pending)
        h.tick()
        #expect(h.executed.map(\.action) == [.setTraffic(percent: 1)])
        #expect(h.state.canary.phase == .changing)
        h.tick()  // one command in flight: nothing new
        #expect(h.executed.count == 1)
        h.finishLast()
        #expect(h.state.canary.phase == .progressing)
        #expect(h.state.canary.stepIndex == 0)
        #expect(h.state.canary.weight == 1)

        h.advance(29 * 60)
        h.tick()
        #expect(h.executed.count == 1, "the 30 minute hold has not passed")
        h.advance(60)
        h.tick()
        #expect(h.executed.last?.action == .setTraffic(percent: 5))
        #expect(h.executed.last?.reason == "held 1% for 30m; next step")
        h.finishLast()
        #expect(h.state.canary.stepIndex == 1)

        h.advance(3600)
        h.tick()
        h.finishLast()
        #expect(h.state.canary.weight == 25)
        h.advance(2 * 3600)
        h.tick()
        h.finishLast()
        #expect(h.state.canary.phase == .promoted)
        #expect(h.state.canary.weight == 100)
        h.advance(10 * 3600)
        h.tick()
        #expect(h.executed.count == 4)
        #expect(h.texts.contains("canary promoted to 100%"))
    }

    @Test("time to full promotion counts the holds left")
    func remaining() {
        let plan = CanaryPlan.runbookDefault
        #expect(plan.remaining(from: 0, elapsedInStep: 0) == 3.5 * 3600)
        #expect(plan.remaining(from: 1, elapsedInStep: 600) == 3 * 3600 - 600)
        #expect(plan.remaining(from: 3, elapsedInStep: 0) == 0)
    }

    @Test("a canary at SEV-3 or worse is not stepped forward, nor while its incident is open")
    func holdsWhenUnhealthy() {
        var h = Harness()
        h.tick()
        h.finishLast()
        h.samples([(.canary, .errorRate, 0.08)])
        h.advance(31 * 60)
        h.samples([(.canary, .errorRate, 0.08)])
        h.tick()
        #expect(h.executed.count == 1)
        #expect(h.state.holds(at: h.now) == [.incident(number: 1, severity: .sev3)])
        h.samples([(.canary, .errorRate, 0.01)])
        h.tick()
        #expect(h.executed.count == 1, "the incident the breach opened is still open")
        h.send(.statusChanged(to: .resolved, by: "ana"))
        h.tick()
        #expect(h.executed.last?.action == .setTraffic(percent: 5))
    }

    @Test("a failed traffic command pauses the canary and says why")
    func failedCommandPauses() {
        var h = Harness()
        h.tick()
        h.finishLast(ok: false, detail: "HTTP 500")
        #expect(h.state.canary.phase == .paused)
        #expect(h.state.canary.stop == .commandFailed(action: .setTraffic(percent: 1), detail: "HTTP 500"))
        #expect(h.state.canary.stop?.text == "set traffic 1% failed: HTTP 500")
        h.advance(3600)
        h.tick()
        #expect(h.executed.count == 1)
        #expect(h.texts.contains("set traffic 1% FAILED (HTTP 500, 0.1s)"))
    }

    @Test("a finished command nobody issued changes nothing")
    func unknownCommand() {
        var h = Harness()
        h.send(.commandFinished(id: 42, outcome: CommandOutcome(succeeded: true, detail: "x", duration: 0)))
        #expect(h.state.canary.phase == .pending)
    }

    @Test("a rollback puts all traffic on stable")
    func rollback() {
        var h = Harness()
        h.tick()
        h.finishLast()
        let request = CommandRequest(id: h.state.nextCommandID, action: .rollback, by: "ana", reason: "errors", automatic: false)
        h.send(.commandIssued(request))
        h.send(.commandFinished(id: request.id, outcome: CommandOutcome(succeeded: true, detail: "HTTP 200", duration: 0.2)))
        #expect(h.state.canary.phase == .rolledBack)
        #expect(h.state.canary.weight == 0)
        h.advance(7200)
        h.tick()
        #expect(h.executed.count == 1, "a rolled-back canary stays rolled back")
    }

    @Test("without a session nothing is issued")
    func noSession() {
        var h = Harness(session: nil)
        h.tick()
        #expect(h.executed.isEmpty)
    }
}
