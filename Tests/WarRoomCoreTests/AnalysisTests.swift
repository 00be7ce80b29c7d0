import Foundation
import Testing

@testable import WarRoomCore

@Suite("Canary analysis, approval, rollback and TTR")
struct AnalysisTests {
    static let analysis = AnalysisConfig(
        metrics: AnalysisConfig.runbookDefault.metrics, interval: 60,
        failureLimit: 1, inconclusiveLimit: 2, autoRollback: true)

    func started(_ analysis: AnalysisConfig? = AnalysisTests.analysis, steps: [CanaryStep] = CanaryPlan.runbookDefault.steps) -> Harness {
        var h = Harness(session: Harness.session(analysis: analysis, steps: steps))
        h.tick()
        h.finishLast()
        return h
    }

    mutating func healthy(_ h: inout Harness, canaryError: Double = 0.004) {
        h.samples([
            (.canary, .errorRate, canaryError), (.canary, .latencyAvg, 0.13),
            (.stable, .errorRate, 0.004), (.stable, .latencyAvg, 0.12),
        ])
    }

    @Test("verdicts: pass, marginal, fail against min(max, stable + increase); stale is no data")
    func verdicts() {
        let now = Date(timeIntervalSince1970: 1000)
        func series(_ canary: Double?, _ stable: Double, age: TimeInterval = 0) -> [SeriesKey: Series] {
            var s: [SeriesKey: Series] = [:]
            if let canary {
                s[SeriesKey(.canary, .errorRate), default: Series(capacity: 4, source: "h")].append(canary, at: now - age, from: "h")
            }
            s[SeriesKey(.stable, .errorRate), default: Series(capacity: 4, source: "h")].append(stable, at: now, from: "h")
            return s
        }
        let config = AnalysisConfig(metrics: [AnalysisMetric(metric: .errorRate, max: 0.05, maxIncrease: 0.02)])
        func verdict(_ c: Double?, _ s: Double, age: TimeInterval = 0) -> Verdict {
            AnalysisCheck.evaluate(config, series: series(c, s, age: age), now: now, freshness: 10).verdicts[0].verdict
        }
        #expect(verdict(0.01, 0.005) == .pass)  // limit 2.5%
        #expect(verdict(0.021, 0.005) == .marginal)  // ≥ 80% of 2.5%
        #expect(verdict(0.026, 0.005) == .fail)
        #expect(verdict(0.049, 0.04) == .marginal)  // limit capped at 5%
        #expect(verdict(0.051, 0.04) == .fail)
        #expect(verdict(nil, 0.005) == .noData)
        #expect(verdict(0.001, 0.005, age: 11) == .noData, "a stale value never passes")
    }

    @Test("checks run every interval; one failure is tolerated, the next rolls back automatically")
    mutating func autoRollback() {
        var h = started()
        healthy(&h)
        h.advance(60)
        healthy(&h)
        h.tick()
        #expect(h.state.canary.checksPassed == 1)
        h.advance(60)
        // Over the analysis limit (2.4%), under every severity line.
        healthy(&h, canaryError: 0.04)
        h.tick()
        #expect(h.state.canary.checksFailed == 1)
        #expect(h.state.failuresLeft == 1)
        #expect(h.executed.count == 1, "one failure is tolerated")
        let trigger = h.now  // the first breach: TTR counts from the detection
        h.advance(60)
        healthy(&h, canaryError: 0.04)
        h.tick()
        let rollback = h.executed.last!
        #expect(rollback.action == .rollback)
        #expect(rollback.automatic)
        #expect(rollback.reason.hasPrefix("analysis failed 2 checks: canary error rate 4.00% > limit 2.40%"))
        #expect(h.state.canary.phase == .rollingBack)
        #expect(h.state.canary.ttrStart == .breach)
        h.advance(4)
        h.finishLast()
        #expect(h.state.canary.phase == .rolledBack)
        #expect(h.state.canary.weight == 0)
        #expect(h.state.severity(of: .canary) == .none, "a canary without traffic stops firing its rules")
        // TTR: from the trigger to the first healthy reading after the rollback.
        h.advance(3)
        h.samples([(.stable, .errorRate, 0.3)])
        #expect(h.state.canary.ttr == nil, "an unhealthy reading does not stop the clock")
        h.advance(2)
        h.samples([(.stable, .errorRate, 0.004), (.stable, .latencyAvg, 0.12)])
        #expect(h.state.canary.ttr == h.now.timeIntervalSince(trigger))
        #expect(h.state.canary.ttr == 69)
        #expect(h.texts.last?.hasPrefix("time to rollback 01:09 from the first breach at ") == true)
        #expect(h.texts.last?.hasSuffix("UTC (target 02:00, met)") == true)
    }

    @Test("with auto_rollback off a failed analysis pauses instead, and says why")
    mutating func pauseInstead() {
        var config = Self.analysis
        config.autoRollback = false
        config.failureLimit = 0
        var h = started(config)
        h.advance(60)
        healthy(&h, canaryError: 0.04)
        h.tick()
        #expect(h.executed.last?.action == .pause)
        h.finishLast(detail: "recorded only")
        #expect(h.state.canary.phase == .paused)
        #expect(h.state.canary.stop?.text.hasPrefix("paused by warroom (automatic): analysis failed 1 check:") == true)
    }

    @Test("no data is never a pass: inconclusive checks pause the canary")
    mutating func inconclusive() {
        var h = started()
        h.advance(60)
        h.tick()
        #expect(h.state.canary.lastCheck?.outcome == .inconclusive)
        #expect(h.executed.count == 1)
        h.advance(11 * 60)  // the hold has passed, but the last check had no data
        h.tick()
        #expect(h.executed.last?.action == .pause)
        #expect(h.executed.last?.reason.hasPrefix("no data for 2 checks in a row") == true)
    }

    @Test("a failed check holds the step even when its hold has passed")
    mutating func failedCheckHolds() {
        var h = started()
        h.advance(30 * 60)
        healthy(&h, canaryError: 0.04)
        h.tick()
        #expect(h.state.canary.checksFailed == 1)
        h.tick()
        #expect(h.executed.count == 1, "not stepping forward on a failed check")
        #expect(h.state.holds(at: h.now).contains(.lastCheck(outcome: .fail)))
        #expect(Hold.lastCheck(outcome: .fail).text == "last analysis check failed")
    }

    @Test("a step that needs approval waits; promote approves it")
    mutating func approval() {
        var steps = CanaryPlan.runbookDefault.steps
        steps[1].approval = true
        var h = started(nil, steps: steps)
        h.advance(31 * 60)
        h.tick()
        #expect(h.state.canary.phase == .awaitingApproval)
        #expect(h.state.canary.stop?.text == "waiting for approval to go to 5% (promote to approve)")
        h.tick()
        #expect(h.executed.count == 1)
        #expect(h.state.promotionTarget(full: false) == 5)
        h.send(
            .commandIssued(CommandRequest(id: h.state.nextCommandID, action: .promote(percent: 5), by: "ana", reason: "looks good", automatic: false))
        )
        h.send(.commandFinished(id: h.state.nextCommandID - 1, outcome: CommandOutcome(succeeded: true, detail: "HTTP 200", duration: 0.1)))
        #expect(h.state.canary.phase == .progressing)
        #expect(h.state.canary.weight == 5)
    }

    @Test("what a person may command depends on the canary's state; rollback and pause pre-empt a command in flight")
    mutating func refusals() {
        var h = Harness(session: Harness.session(analysis: nil))
        h.tick()
        #expect(h.state.refusal(of: .rollback, at: h.now) == nil, "a rollback never waits behind another command")
        #expect(h.state.refusal(of: .pause, at: h.now) == nil, "a pause pre-empts stepping")
        #expect(h.state.refusal(of: .setTraffic(percent: 5), at: h.now) == .inFlight(.setTraffic(percent: 1)))
        #expect(h.state.refusal(of: .setTraffic(percent: 5), at: h.now)?.text.hasPrefix("set traffic 1% is still in flight") == true)
        h.finishLast()
        #expect(h.state.refusal(of: .setTraffic(percent: 1), at: h.now) == .alreadyAt(1))
        #expect(h.state.refusal(of: .setTraffic(percent: 101), at: h.now)?.text == "traffic must be from 0% to 100%")
        #expect(h.state.refusal(of: .resume, at: h.now) == .notPaused)
        #expect(h.state.refusal(of: .pause, at: h.now) == nil)
        #expect(h.state.refusal(of: .rollback, at: h.now) == nil)
    }

    @Test("a failed rollback is loud and stops the clock")
    mutating func failedRollback() {
        var h = started(nil)
        h.send(.commandIssued(CommandRequest(id: h.state.nextCommandID, action: .rollback, by: "ana", reason: "errors", automatic: false)))
        h.send(.commandFinished(id: h.state.nextCommandID - 1, outcome: CommandOutcome(succeeded: false, detail: "exit 1", duration: 2)))
        #expect(h.state.canary.phase == .paused)
        #expect(h.state.canary.stop == .rollbackFailed(detail: "exit 1"))
        #expect(h.state.canary.stop?.isCritical == true)
        #expect(h.state.canary.ttrTrigger == nil)
        #expect(h.texts.contains("rollback FAILED (exit 1, 2.0s)"))
    }
}
