import AsyncHTTPClient
import Foundation
import LaunchSimulator
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
import WarRoomCore
import WarRoomTestSupport

@testable import WarRoomRuntime

@Suite("Health poller over real HTTP on loopback", .serialized)
struct SourcePollerTests {
    func poller(_ url: String, timeout: TimeInterval = 5, clock: any WarRoomClock = SystemClock()) -> SourcePoller {
        SourcePoller(
            source: SourceConfig(name: "h", kind: .health(url: url), interval: 0.2, timeout: timeout), client: .shared, clock: clock,
            random: { 0 })
    }

    func failure(_ url: String, timeout: TimeInterval = 5) async -> String? {
        await pollFailure(url, timeout: timeout)?.reason
    }

    func pollFailure(_ url: String, timeout: TimeInterval = 5) async -> PollFailure? {
        do {
            _ = try await poller(url, timeout: timeout).fetch()
            return nil
        } catch {
            return error
        }
    }

    @Test("reads the simulator's health JSON for both cohorts")
    func simulator() async throws {
        try await withSimulator { sim, port in
            let reading = try await poller("http://127.0.0.1:\(port)/health").fetch()
            #expect(reading.status == "healthy")
            // No canary traffic yet: the canary has throughput 0 and no error rate.
            #expect(reading.samples.contains(Sample(SeriesKey(.canary, .throughput), 0)))
            #expect(!reading.samples.contains { $0.key == SeriesKey(.canary, .errorRate) })
            let stable = reading.samples.first { $0.key == SeriesKey(.stable, .errorRate) }?.value ?? -1
            #expect(stable > 0 && stable < 0.01)
        }
    }

    @Test("scraping the simulator's /metrics twice gives the same picture as its /health")
    func scrape() async throws {
        try await withSimulator { sim, port in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/traffic")
            request.method = .POST
            request.body = .bytes(.init(string: #"{"percent": 25}"#))
            _ = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            let source = SourceConfig(
                name: "m", kind: .scrape(url: "http://127.0.0.1:\(port)/metrics", mapping: ScrapeMapping()), interval: 1, timeout: 2)
            let poller = SourcePoller(source: source, client: .shared)
            let memory = SourcePoller.Memory()
            #expect(try await poller.poll(memory).isEmpty, "the first scrape has nothing to compare with")
            try await Task.sleep(for: .seconds(3))
            let events = try await poller.poll(memory)
            guard case .samples(_, let samples)? = events.first else {
                Issue.record("no samples from the second scrape: \(events)")
                return
            }
            let health = try await SourcePoller(
                source: SourceConfig(name: "h", kind: .health(url: "http://127.0.0.1:\(port)/health"), interval: 1, timeout: 2),
                client: .shared
            ).fetch()
            for cohort in Cohort.allCases {
                let scraped = samples.first { $0.key == SeriesKey(cohort, .throughput) }?.value ?? -1
                let reported = health.samples.first { $0.key == SeriesKey(cohort, .throughput) }?.value ?? -1
                #expect(abs(scraped - reported) / reported < 0.25, "\(cohort) throughput: scraped \(scraped), reported \(reported)")
                let latency = samples.first { $0.key == SeriesKey(cohort, .latencyAvg) }?.value ?? -1
                #expect(latency > 0.08 && latency < 0.25, "\(cohort) latency \(latency)")
            }
        }
    }

    @Test("refused, timeout, 5xx, malformed, wrong types and oversized bodies each say what went wrong")
    func faults() async throws {
        let refused = await failure("http://127.0.0.1:\(freePort())/health")
        #expect(refused == "connection refused")
        try await withFaultyServer { port in
            let base = "http://127.0.0.1:\(port)"
            let slow = await failure(base + "/slow", timeout: 0.5)
            #expect(slow == "timeout after 500ms", "\(slow ?? "no error")")
            #expect(await failure(base + "/down") == "HTTP 503 Service Unavailable")
            #expect(await failure(base + "/malformed")?.hasPrefix("bad health JSON: not valid JSON") == true)
            #expect(await pollFailure(base + "/malformed")?.cause == .healthNotJSON, "probe's --kind scrape hint decides on this")
            #expect(await pollFailure(base + "/wrongtype")?.cause == nil)
            #expect(await failure(base + "/wrongtype") == "bad health JSON: field error_rate: expected a number, got a string")
            #expect(await failure(base + "/huge", timeout: 10) == "response larger than 8 MB: refused")
            #expect(await failure(base + "/trickle", timeout: 1)?.hasPrefix("timeout") == true)
        }
    }

    @Test("a source that stops answering is one sourceDown, however many polls it refuses (its return: ClockTests.pollerBackoff)")
    func downAndUp() async throws {
        let events = Mutex<[Event]>([])
        let port = freePort()
        let clock = ManualClock()
        let p = poller("http://127.0.0.1:\(port)/health", timeout: 0.3, clock: clock)
        let task = Task { await p.run { e in events.withLock { $0.append(e) } } }
        // Five refused polls, each woken by the clock as soon as the poller sleeps
        // between polls (0.2 s, backing off to 0.4 and 0.8 s, no jitter), not in a
        // fetch (whose deadline, 0.55 s away, sleeps on the clock too).
        func betweenPolls() async throws {
            try await waitUntil(seconds: 60) { clock.sleepers.count == 1 && abs(clock.sleepers[0].timeIntervalSince(clock.now()) - 0.55) > 0.01 }
        }
        for _ in 0 ..< 5 {
            try await betweenPolls()
            clock.set(try #require(clock.sleepers.first))
        }
        try await betweenPolls()
        task.cancel()
        await task.value
        let seen = events.withLock { $0 }
        #expect(seen == [.sourceDown(source: "h", reason: "connection refused")], "repeated failures are not repeated events")
    }
}

@Suite("Webhook commands over real HTTP on loopback", .serialized)
struct WebhookTests {
    func request(_ action: CommandAction, reason: String = "errors \"high\" & rising") -> CommandRequest {
        CommandRequest(id: 1, action: action, by: "ana", reason: reason, automatic: false)
    }

    @Test("set traffic really moves the simulator's traffic; rollback really rolls it back")
    func simulatorTraffic() async throws {
        try await withSimulator { sim, port in
            let executor = ConfiguredExecutor(
                specs: [
                    "set_traffic": .webhook(
                        method: "POST", url: "http://127.0.0.1:\(port)/traffic", body: #"{"percent": {percent}, "reason": "{reason}"}"#, headers: [:],
                        timeout: 5),
                    "rollback": .webhook(method: "POST", url: "http://127.0.0.1:\(port)/rollback", body: nil, headers: [:], timeout: 5),
                ], client: .shared)
            let outcome = await executor.run(request(.setTraffic(percent: 25)), service: "api")
            #expect(outcome.succeeded)
            #expect(outcome.detail == "HTTP 200")
            #expect(sim.canaryPercent == 25)
            let back = await executor.run(request(.rollback), service: "api")
            #expect(back.succeeded)
            #expect(sim.canaryPercent == 0)
            #expect(sim.rolledBack)
        }
    }

    @Test("placeholders are JSON-escaped in bodies, so a reason cannot break the request")
    func escaping() async throws {
        try await withFaultyServer { port in
            let executor = ConfiguredExecutor(
                specs: [
                    "rollback": .webhook(
                        method: "POST", url: "http://127.0.0.1:\(port)/echo", body: #"{"reason": "{reason}", "service": "{service}"}"#, headers: [:],
                        timeout: 5)
                ], client: .shared)
            let outcome = await executor.run(request(.rollback, reason: "quote \" backslash \\ newline \n end"), service: "api")
            #expect(outcome.succeeded)
            let echoed = try JSONSerialization.jsonObject(with: Data(outcome.output.utf8)) as? [String: String]
            #expect(echoed?["reason"] == "quote \" backslash \\ newline \n end")
            #expect(echoed?["service"] == "api")
        }
    }

    @Test("header values come from the environment; a missing variable sends nothing; previews show only the variable's name")
    func headersFromEnvironment() async throws {
        try await withFaultyServer { port in
            let spec = CommandSpec.webhook(
                method: "POST", url: "http://127.0.0.1:\(port)/auth", body: nil,
                headers: ["Authorization": "WARROOM_TEST_TOKEN"], timeout: 5)
            let executor = ConfiguredExecutor(specs: ["rollback": spec], client: .shared)
            unsetenv("WARROOM_TEST_TOKEN")
            let missing = await executor.run(request(.rollback), service: "api")
            #expect(!missing.succeeded)
            #expect(missing.detail == "environment variable WARROOM_TEST_TOKEN is not set (for header Authorization); not sent")
            setenv("WARROOM_TEST_TOKEN", "Bearer s3cret", 1)
            defer { unsetenv("WARROOM_TEST_TOKEN") }
            let sent = await executor.run(request(.rollback), service: "api")
            #expect(sent.succeeded, "\(sent)")
            let preview = CommandSpec.preview(.rollback, reason: "r", by: "ana", service: "api", in: ["rollback": spec])
            #expect(preview == "POST http://127.0.0.1:\(port)/auth [Authorization: ***]")
            #expect(!preview.contains("s3cret"))
        }
    }

    @Test("a failing, refused or missing command is an outcome with its reason, never a throw")
    func failures() async throws {
        try await withFaultyServer { port in
            let executor = ConfiguredExecutor(
                specs: [
                    "rollback": .webhook(method: "POST", url: "http://127.0.0.1:\(port)/fail", body: nil, headers: [:], timeout: 5),
                    "set_traffic": .webhook(method: "POST", url: "http://127.0.0.1:\(freePort())/traffic", body: nil, headers: [:], timeout: 5),
                ], client: .shared)
            let failed = await executor.run(request(.rollback), service: "api")
            #expect(!failed.succeeded)
            #expect(failed.detail == "HTTP 500")
            #expect(failed.output == "deploy tool exploded")
            let refused = await executor.run(request(.setTraffic(percent: 5)), service: "api")
            #expect(refused.detail == "connection refused")
            let none = await ConfiguredExecutor(specs: [:], client: .shared).run(request(.rollback), service: "api")
            #expect(!none.succeeded)
            #expect(none.detail == "no rollback command configured")
        }
    }
}

@Suite("War room end to end on loopback", .serialized)
struct WarRoomLoopbackTests {
    @Test("poller → journal → state → snapshot, and the canary's first step reaches the simulator")
    func pipeline() async throws {
        try await withSimulator(.calm) { sim, port in
            let url = "http://127.0.0.1:\(port)/health"
            let config = try ConfigLoader.parse(
                """
                service: api
                sources: [{name: health, kind: health, url: "\(url)", interval: 200ms, timeout: 1s}]
                commands:
                  set_traffic: {webhook: {url: "http://127.0.0.1:\(port)/traffic", body: '{"percent": {percent}}'}}
                """, file: "t.yaml")
            let path = temporaryJournalPath()
            let room = try WarRoom(
                journal: try SQLiteJournal(path: path),
                executor: ConfiguredExecutor(specs: config.commands, client: .shared))
            try await room.send(.sessionStarted(config.sessionInfo(mode: .other("test"), startedBy: "tester")))
            let snapshots = await room.snapshots()
            let poller = SourcePoller(source: config.sources[0], client: .shared)
            let polling = Task { await poller.run { try? await room.send($0) } }
            try await room.tick()
            await room.waitForCommands()
            #expect(sim.canaryPercent == 0, "nothing moves before the launch is started")
            #expect(try await room.startLaunch(by: "tester", reason: "go") == nil)
            await room.waitForCommands()
            #expect(sim.canaryPercent == 1)
            var seen: Snapshot?
            for await snapshot in snapshots {
                if snapshot.state.series[SeriesKey(.canary, .errorRate)] != nil {
                    seen = snapshot
                    break
                }
            }
            polling.cancel()
            await polling.value
            #expect(seen?.state.canary.weight == 1)
            #expect(seen?.state.canary.phase == .progressing)
            // The journal holds the same truth: folding it gives the same timeline.
            var replay = WarRoomState()
            for r in try SQLiteJournal(path: path).events() { replay.apply(r) }
            let live = await room.snapshot.state
            #expect(replay.timeline == live.timeline)
            #expect(replay.canary == live.canary)
        }
    }
}

/// Wait for a condition, polling; fails the test after `seconds`.
func waitUntil(seconds: Double = 10, _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition not met within \(seconds)s")
}
