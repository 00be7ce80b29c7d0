import Foundation
import Testing

@testable import WarRoomCore

@Suite("Severity rules")
struct SeverityTests {
    @Test("runbook defaults: 5/10/20% error rate, 3/5/10 s latency, strictly above")
    func runbookDefaults() {
        let rules = SeverityRules.runbookDefaults
        #expect(rules.errorRate.level(for: 0.05) == .none)
        #expect(rules.errorRate.level(for: 0.0501) == .sev3)
        #expect(rules.errorRate.level(for: 0.10) == .sev3)
        #expect(rules.errorRate.level(for: 0.15) == .sev2)
        #expect(rules.errorRate.level(for: 0.2001) == .sev1)
        #expect(rules.latency.level(for: 2.9) == .none)
        #expect(rules.latency.level(for: 3.5) == .sev3)
        #expect(rules.latency.level(for: 5.5) == .sev2)
        #expect(rules.latency.level(for: 10.1) == .sev1)
    }

    @Test("the latency rule watches the average unless p95 is chosen")
    func latencyMetric() {
        var rules = SeverityRules.runbookDefaults
        #expect(rules.rule(watching: .latencyAvg) == .latency)
        #expect(rules.rule(watching: .latencyP95) == nil)
        #expect(rules.rule(watching: .throughput) == nil)
        rules.latencyMetric = .latencyP95
        #expect(rules.rule(watching: .latencyP95) == .latency)
        #expect(rules.rule(watching: .latencyAvg) == nil)
    }

    @Test("a crossing up and back down is two timeline events, per cohort")
    func crossings() {
        var h = Harness()
        h.samples([(.canary, .errorRate, 0.01), (.stable, .errorRate, 0.01)])
        #expect(h.state.severity == .none)
        h.samples([(.canary, .errorRate, 0.12), (.stable, .errorRate, 0.01)])
        #expect(h.state.severity == .sev2)
        #expect(h.state.severity(of: .canary) == .sev2)
        #expect(h.state.severity(of: .stable) == .none)
        #expect(h.texts.contains("canary error rate 12.0% above SEV-2 threshold 10.0%"))
        h.samples([(.canary, .errorRate, 0.25)])
        #expect(h.state.severity == .sev1)
        h.samples([(.canary, .errorRate, 0.004)])
        #expect(h.state.severity == .none)
        #expect(h.texts.last == "canary error rate 0.40% below SEV-1 threshold 20.0%: back to normal")
        let crossings = h.recorded.filter { if case .thresholdCrossed = $0.event { true } else { false } }
        #expect(crossings.count == 3)
    }

    @Test("the same level again is not a new event")
    func noRepeat() {
        var h = Harness()
        h.samples([(.stable, .latencyAvg, 3.5)])
        h.samples([(.stable, .latencyAvg, 3.9)])
        h.samples([(.stable, .latencyAvg, 4.2)])
        let crossings = h.recorded.filter { if case .thresholdCrossed = $0.event { true } else { false } }
        #expect(crossings.count == 1)
        #expect(h.state.severity == .sev3)
    }

    @Test("the first rule at SEV-3 or worse opens an incident; a worse one raises its peak")
    func incidentOpens() {
        var h = Harness()
        #expect(h.state.incident == nil)
        h.samples([(.canary, .latencyAvg, 3.2)])
        #expect(h.state.incident?.severity == .sev3)
        let opened = h.state.incident?.openedAt
        h.advance(10)
        h.samples([(.canary, .errorRate, 0.3)])
        #expect(h.state.incident?.severity == .sev1)
        #expect(h.state.incident?.openedAt == opened)
        #expect(h.texts.contains { $0.hasPrefix("incident #1 opened at SEV-3 by warroom (automatic): canary latency 3.20 s above 3.00 s") })
    }

    @Test("non-finite values never fire a rule")
    func nonFinite() {
        var h = Harness()
        h.samples([(.canary, .errorRate, .nan), (.canary, .latencyAvg, .infinity)])
        #expect(h.state.severity == .none)
    }
}
