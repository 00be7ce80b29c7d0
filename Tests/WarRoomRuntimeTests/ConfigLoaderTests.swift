import Foundation
import Testing
import WarRoomCore

@testable import WarRoomRuntime

@Suite("Config loader")
struct ConfigLoaderTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the runbook example loads with the runbooks' numbers")
    func example() throws {
        let config = try ConfigLoader.load(path: Self.root.appendingPathComponent("examples/runbook-launch.yaml").path)
        #expect(config.service == "promptforge-web")
        #expect(config.rules == .runbookDefaults)
        #expect(config.plan.steps == CanaryPlan.runbookDefault.steps)
        #expect(config.plan.analysis?.metrics == AnalysisConfig.runbookDefault.metrics)
        #expect(config.plan.analysis?.inconclusiveLimit == 2)
        #expect(config.abortWindow == 3)
        #expect(config.roster.tiers.map(\.escalateAfter) == [900, 1800, 3600, 7200])
        #expect(config.roster.tiers.map(\.rotation) == ["primary", "secondary", nil, nil])
        #expect(config.roster.policies["SEV-2"] == EscalationPolicy(tiers: [0, 1], repeats: 0))
        // Rotations: Sunday 2026-11-29 18:00 in Los Angeles hands the primary pager from Ana to Ben.
        let before = ConfigLoader.date("2026-11-29T17:59:00-08:00")!
        let after = ConfigLoader.date("2026-11-29T18:01:00-08:00")!
        #expect(config.roster.onCall(tier: 0, at: before).name == "Ana Ruiz")
        #expect(config.roster.onCall(tier: 0, at: after).name == "Ben Okafor")
        #expect(config.roster.onCall(tier: 0, at: ConfigLoader.date("2026-12-25T12:00:00-08:00")!).name == "Eve Park", "the override")
        #expect(config.roster.onCall(tier: 3, at: after).name == "Dana Levi")
        #expect(config.commands[WarRoomConfig.pagingKey] != nil)
        #expect(config.sources == [SourceConfig(name: "health", kind: .health(url: "http://127.0.0.1:8080/health"), interval: 5, timeout: 2)])
        #expect(config.commands.keys.sorted() == ["page", "rollback", "set_traffic"])
    }

    @Test("defaults: runbook thresholds and plan when the file leaves them out")
    func defaults() throws {
        let config = try ConfigLoader.parse(
            """
            service: api
            sources:
              - {name: h, kind: health, url: "http://localhost:1/health"}
            """, file: "min.yaml")
        #expect(config.rules == .runbookDefaults)
        #expect(config.plan == .runbookDefault)
        #expect(config.sources[0].interval == 5)
        #expect(config.sources[0].timeout == 2)
        #expect(config.roster.tiers.isEmpty)
    }

    func errors(_ yaml: String) -> [String] {
        do {
            _ = try ConfigLoader.parse(yaml, file: "w.yaml")
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test("every problem is reported with file, line, column and field")
    func located() {
        let found = errors(
            """
            service: api
            sources:
              - name: h
                kind: helth
                url: ftp://x
                intervl: 5s
            severity:
              latency: {sev3: 3s, sev2: 5s, sev1: soon}
            canary:
              steps:
                - {weight: 5%, hold: 1h}
                - {weight: 1%, hold: 30m}
                - {weight: 90%}
            roster:
              tiers:
                - {tier: Primary, name: Ana}
            extra: 1
            """)
        #expect(
            found == [
                "w.yaml:4:11: sources[0].kind: expected one of health, scrape, prometheus, alertmanager, got 'helth'",
                "w.yaml:5:10: sources[0].url: expected an http:// or https:// URL, got 'ftp://x'",
                "w.yaml:6:5: sources[0].intervl: unknown key; valid keys here: name, kind, url, interval, timeout, jitter, dim_after, stale_after, always_reporting, auth",
                "w.yaml:8:39: severity.latency.sev1: expected a positive duration such as 30s, 15m, 1h or 1h30m (at most 366d), got 'soon'",
                "w.yaml:12:16: canary.steps[1].weight: weights must rise step by step (5% came before)",
                "w.yaml:13:16: canary.steps[2].weight: the last step must be 100% (full promotion)",
                "w.yaml:16:7: roster.tiers[0].escalate_after: is required: a duration such as 30s, 15m, 1h or 1h30m",
                "w.yaml:17:1: extra: unknown key; valid keys here: service, sources, severity, canary, roster, commands, paging, abort_window, dry_run, max_concurrent_polls, keys, theme, retention, journal",
            ])
    }

    @Test(
        "bad input of every kind is an error, never a crash",
        arguments: [
            ("", "the file is empty"),
            ("service: [", "not valid YAML"),
            ("- a\n- b", "expected a mapping"),
            ("service: api", "sources: is required"),
            ("service: api\nsources: []", "needs at least one source"),
            ("service: api\nsources: {a: 1}", "expected a list"),
            ("service: api\nservice: b\nsources: [{name: h, kind: health, url: 'http://x'}]", "appears twice"),
            ("service: api\nsources: [{name: h, kind: health, url: 'http://x'}, {name: h, kind: health, url: 'http://y'}]", "names must be unique"),
            ("service: api\nsources: [{name: h, kind: health, url: 'http://x', interval: -1s}]", "positive duration"),
            ("service: api\nsources: [{name: h, kind: health, url: 'http://x'}]\nseverity: {error_rate: {sev3: 150%}}", "between 0% and 100%"),
            ("service: api\nsources: [{name: h, kind: health, url: 'http://x'}]\ncanary: {steps: [{weight: 100%, hold: 1h}]}", "has no hold"),
            (
                "service: api\nsources: [{name: h, kind: health, url: 'http://x'}]\ncanary: {steps: [{weight: 1%}, {weight: 100%}]}",
                "hold: is required"
            ),
            (
                "service: api\nsources: [{name: h, kind: health, url: 'http://x'}]\ncommands: {deploy: {}}",
                "unknown key; valid keys here: set_traffic, promote, pause, resume, rollback"
            ),
            (
                "service: api\nsources: [{name: h, kind: health, url: 'http://x'}]\ncommands: {rollback: {webhook: {url: 'http://x', headers: {Authorization: secret}}}}",
                "unknown key"
            ),
            (
                "service: api\nsources: [{name: h, kind: health, url: 'http://x'}]\ncommands: {rollback: {program: [deploy], webhook: {url: 'http://x'}}}",
                "exactly one of program"
            ),
            ("service: api\nsources: [{name: h, kind: health, url: 'http://x'}]\ncommands: {rollback: {program: []}}", "needs the program"),
            ("service: api\nsources: [{name: h, kind: health, url: 'http://x'}]\ncanary: {analysis: {failure_limit: -1}}", "whole number"),
            (
                "service: api\nsources: [{name: h, kind: health, url: 'http://x'}]\ncanary: {analysis: {metrics: [{metric: cpu, max: 1}]}}",
                "expected one of error_rate, latency, latency_p95"
            ),
            ("service: api\nsources: [{name: h, kind: health, url: 'http://x'}]\ndry_run: maybe", "expected true or false"),
            (
                "service: api\nsources: [{name: h, kind: health, url: 'http://x'}]\nroster: {rotations: [{name: r, people: [a], handoff: Fridays 25:00, time_zone: UTC, start: 2026-01-01}], tiers: []}",
                "roster.rotations[0].handoff"
            ),
            (
                "service: api\nsources: [{name: h, kind: health, url: 'http://x'}]\ncommands: {rollback: {webhook: {url: 'http://x', headers_from_env: {Authorization: 'Bearer abc'}}}}",
                "NAME of an environment variable"
            ),
        ])
    func bad(yaml: String, message: String) {
        let found = errors(yaml)
        #expect(!found.isEmpty)
        #expect(found.contains { $0.contains(message) }, "\(found)")
        if !found.contains(where: { $0.contains(message) }) { print("FOUND", found) }
        #expect(found.allSatisfy { $0.hasPrefix("w.yaml:") })
    }

    @Test("bad rotations are refused at their line: no one in it, an unknown zone, overlapping overrides, unknown names")
    func rotations() {
        let found = errors(
            """
            service: api
            sources: [{name: h, kind: health, url: "http://x"}]
            roster:
              people: [{name: Ana, handle: "@ana"}, {name: Ben, handle: "@ben"}]
              rotations:
                - {name: empty, people: [], handoff: daily 09:00, time_zone: UTC, start: 2026-01-01T09:00:00Z}
                - {name: mars, people: ["@ana"], handoff: daily 09:00, time_zone: Mars/Olympus, start: 2026-01-01T09:00:00Z}
                - name: overlap
                  people: ["@ana", "@zed"]
                  handoff: Fridays 10:00
                  time_zone: Europe/Berlin
                  start: 2026-01-01
                  overrides:
                    - {person: "@ana", from: 2026-11-20T00:00:00Z, until: 2026-11-22T00:00:00Z}
                    - {person: "@ben", from: 2026-11-21T00:00:00Z, until: 2026-11-23T00:00:00Z}
              tiers:
                - {tier: Primary, rotation: primry, escalate_after: 15m}
            """)
        #expect(found.contains { $0.hasPrefix("w.yaml:6:") && $0.contains("no one in it") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("w.yaml:7:") && $0.contains("unknown time zone 'Mars/Olympus'") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("w.yaml:9:") && $0.contains("'@zed' is not in roster.people") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("w.yaml:8:") && $0.contains("overlap") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("w.yaml:17:") && $0.contains("no rotation named 'primry'") }, "\(found)")
    }

    @Test("an unreadable file names the file")
    func unreadable() {
        #expect(throws: ConfigErrors.self) { try ConfigLoader.load(path: "/nonexistent/warroom.yaml") }
        do { _ = try ConfigLoader.load(path: "/nonexistent/warroom.yaml") } catch {
            #expect("\(error)".hasPrefix("/nonexistent/warroom.yaml: cannot read"))
        }
    }

    @Test(
        "durations and percentages",
        arguments: [
            ("45s", 45.0), ("15m", 900), ("1h", 3600), ("1h30m", 5400), ("500ms", 0.5), ("2d", 172_800), ("90", 90),
        ])
    func durations(text: String, seconds: Double) {
        #expect(Parse.duration(text) == seconds)
    }

    @Test func badDurations() {
        for text in ["", "m", "5x", "1h30", "h1", "1.2.3s", "soon"] { #expect(Parse.duration(text) == nil, "\(text)") }
        #expect(Parse.fraction("5%") == 0.05)
        #expect(Parse.fraction("0.2") == 0.2)
        #expect(Parse.fraction("x%") == nil)
    }

    @Test("check refuses a hold shorter than analysis.interval × min_checks, naming the step")
    func holdShorterThanChecks() {
        let found = errors(
            """
            service: api
            sources:
              - {name: h, kind: health, url: "http://localhost:1/health"}
            canary:
              steps:
                - {weight: 1%, hold: 30s}
                - {weight: 5%, hold: 10m}
                - {weight: 100%}
              analysis:
                interval: 1m
                min_checks: 2
            """)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("w.yaml:6:") == true, "\(found)")
        #expect(found.first?.contains("canary.steps[0].hold: a hold of 30s is shorter than 2 analysis checks every 1m") == true, "\(found)")
    }

    @Test("holds, SEV-1 action, for: and clear margins, repage_after and read_traffic are read")
    func safetySettings() throws {
        let config = try ConfigLoader.parse(
            """
            service: api
            sources:
              - {name: h, kind: health, url: "http://localhost:1/health"}
            severity:
              error_rate: {sev3: 5%, sev2: 10%, sev1: 20%, for: 30s, clear_margin: 1%}
              latency: {sev3: 3s, sev2: 5s, sev1: 10s, for: 1m, clear_margin: 500ms}
            canary:
              hold_at: SEV-2
              on_sev1: pause
              steps: [{weight: 10%, hold: 5m}, {weight: 100%}]
              analysis: {interval: 1m, min_checks: 3, metrics: [{metric: error_rate, max: 5%}]}
            roster:
              tiers:
                - {tier: Primary, name: Ana, escalate_after: 15m}
              policies:
                sev3: {tiers: [Primary], repage_after: 30m}
            commands:
              read_traffic: {program: [/usr/local/bin/weight], timeout: 2s, interval: 10s}
            """, file: "s.yaml")
        #expect(config.rules.errorRate.forDuration == 30)
        #expect(config.rules.errorRate.clearMargin == 0.01)
        #expect(config.rules.latency.forDuration == 60)
        #expect(config.rules.latency.clearMargin == 0.5)
        #expect(config.plan.holdAt == .sev2)
        #expect(config.plan.sev1Action == .pause)
        #expect(config.plan.analysis?.minChecks == 3)
        #expect(config.roster.policies["SEV-3"]?.repageAfter == 1800)
        #expect(config.trafficReadInterval == 10)
        let info = config.sessionInfo(mode: .run, startedBy: "ana")
        #expect(info.readsTraffic == true)
        #expect(info.trafficReadInterval == 10)
        #expect(
            errors("service: a\nsources: [{name: h, kind: health, url: \"http://x/h\"}]\ncanary: {hold_at: SEV-9}").contains {
                $0.contains("canary.hold_at")
            })
    }
}
