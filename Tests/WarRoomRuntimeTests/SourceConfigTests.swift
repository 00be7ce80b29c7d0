import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization
import Testing
import WarRoomCore

@testable import WarRoomRuntime

@Suite("Source config: kinds, credentials, limits", .serialized)
struct SourceConfigTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func errors(_ sources: String) -> [String] {
        do {
            _ = try ConfigLoader.parse("service: x\nsources:\n" + sources, file: "s.yaml")
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test("the all-sources example loads: four kinds, queries, severity map, limits")
    func example() throws {
        let config = try ConfigLoader.load(path: Self.root.appendingPathComponent("examples/all-sources.yaml").path)
        #expect(config.sources.map(\.kind.sourceKind) == [.health, .scrape, .prometheus, .alertmanager])
        #expect(config.sources.map(\.kind.sourceKind.recordedName) == ["health", "scrape", "prometheus", "alertmanager"])
        #expect(config.maxConcurrentPolls == 32)
        guard case .prometheus(_, let queries, let backfill) = config.sources[2].kind else {
            Issue.record("not prometheus")
            return
        }
        #expect(queries.count == 4)
        #expect(queries[SeriesKey(.canary, .latencyP95)]?.hasPrefix("histogram_quantile(0.95") == true)
        #expect(backfill == 900)
        guard case .alertmanager(_, let map) = config.sources[3].kind else {
            Issue.record("not alertmanager")
            return
        }
        #expect(map.values["critical"] == 1)
        #expect(map.values["warning"] == 3)
        #expect(map.values["info"] == 0)
        let scrape = config.sources[1]
        #expect(scrape.dimAfter == 10 && scrape.staleAfter == 30 && scrape.alwaysReporting)
        #expect(config.sources[0].jitter == 0.1)
    }

    @Test("mistakes in the new keys are reported at their line")
    func mistakes() {
        #expect(
            errors(
                """
                  - {name: p, kind: prometheus, url: "http://h:9090", queries: {canary.errors: up}}
                """) == [
                    "s.yaml:3:65: sources[0].queries.canary.errors: expected COHORT.METRIC with cohort canary or stable and metric error_rate, latency, latency_p95 or throughput, got 'canary.errors'"
                ])
        #expect(
            errors(
                """
                  - {name: p, kind: prometheus, url: "http://h:9090"}
                """
            ).first?.contains("queries: is required") == true)
        #expect(
            errors(
                """
                  - {name: a, kind: alertmanager, url: "http://h:9093", severity_map: {critical: SEV-0}}
                """
            ).first?.contains("expected SEV-1, SEV-2, SEV-3, SEV-4 or none, got 'SEV-0'") == true)
        #expect(
            errors(
                """
                  - {name: h, kind: health, url: "http://h/x", fields: {stable.error_rate: "$.a..b"}}
                """
            ).first?.contains("bad JSON path") == true)
        #expect(
            errors(
                """
                  - {name: h, kind: health, url: "http://h/x", stale_after: 1s, dim_after: 5s}
                """
            ).first?.contains("must not be shorter than dim_after") == true)
        #expect(
            errors(
                """
                  - {name: h, kind: health, url: "http://h/x", auth: {bearer_token: abc}}
                """
            ).first?.contains("secrets never go in the config") == true)
        #expect(
            errors(
                """
                  - {name: h, kind: health, url: "http://h/x", auth: {bearer_token_env: "not a name"}}
                """
            ).first?.contains("expected the NAME of an environment variable") == true)
        #expect(
            errors(
                """
                  - {name: a, kind: alertmanager, url: "http://h/x", always_reporting: true}
                """
            ).first?.contains("Watchdog") == true)
        #expect(
            errors(
                """
                  - {name: h, kind: health, url: "http://h/x", interval: 400d}
                """
            ).first?.contains("at most 366d") == true)
    }

    @Test("theme and keys are read from the config, with where each key binding was written")
    func themeAndKeys() throws {
        let config = try ConfigLoader.parse(
            """
            service: x
            sources: [{name: h, kind: health, url: "http://h/x"}]
            theme: light
            keys:
              rollback: R
              scroll_down: [down, j]
            """, file: "k.yaml")
        #expect(config.theme == "light")
        #expect(
            config.keyBindings == [
                KeyBindingSpec(action: "rollback", keys: ["R"], line: 5, column: 3),
                KeyBindingSpec(action: "scroll_down", keys: ["down", "j"], line: 6, column: 3),
            ])
        // Unknown top-level keys are still errors, also beside theme and keys.
        #expect(
            errors("  - {name: h, kind: health, url: \"http://h/x\"}\ntheme: light\nthemes: dark\n")
                == [
                    "s.yaml:5:1: themes: unknown key; valid keys here: service, sources, severity, canary, roster, commands, paging, abort_window, dry_run, max_concurrent_polls, keys, theme, retention, journal"
                ])
    }

    /// Serve a health JSON only to requests with the right credentials.
    func withGuardedServer<T: Sendable>(_ body: (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.get("bearer") { request, _ -> Response in
            let ok = request.headers[.authorization] == "Bearer s3cret-token" && request.headers[HTTPField.Name("X-Scope-OrgID")!] == "team-a"
            return Response(status: ok ? .ok : .unauthorized, body: .init(byteBuffer: ByteBuffer(string: ok ? #"{"error_rate": 0.01}"# : "denied")))
        }
        router.get("basic") { request, _ -> Response in
            let expected = "Basic " + Data("ops:pa:ss".utf8).base64EncodedString()
            let ok = request.headers[.authorization] == expected
            return Response(status: ok ? .ok : .unauthorized, body: .init(byteBuffer: ByteBuffer(string: ok ? #"{"error_rate": 0.02}"# : "denied")))
        }
        return try await withServer(router, body)
    }

    @Test("credentials come from the environment or files, reach the server, and never appear in errors")
    func credentials() async throws {
        try await withGuardedServer { port in
            let tokenFile = NSTemporaryDirectory() + "token-\(UUID().uuidString)"
            try "pa:ss\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: tokenFile) }
            let config = try ConfigLoader.parse(
                """
                service: x
                sources:
                  - name: b
                    kind: health
                    url: http://127.0.0.1:\(port)/bearer
                    auth: {bearer_token_env: WR_TOKEN, headers_from_env: {X-Scope-OrgID: WR_TENANT}}
                  - name: u
                    kind: health
                    url: http://127.0.0.1:\(port)/basic
                    auth: {basic: {username: ops, password_file: "\(tokenFile)"}}
                """, file: "c.yaml")
            let env = ["WR_TOKEN": "s3cret-token", "WR_TENANT": "team-a"]
            let bearer = SourcePoller(source: config.sources[0], client: .shared, environment: env)
            #expect(try await bearer.fetch().samples == [Sample(SeriesKey(.stable, .errorRate), 0.01)])
            let basic = SourcePoller(source: config.sources[1], client: .shared, environment: env)
            #expect(try await basic.fetch().samples == [Sample(SeriesKey(.stable, .errorRate), 0.02)])

            // A wrong token is refused by the server; the error says so without the token.
            let wrong = SourcePoller(source: config.sources[0], client: .shared, environment: ["WR_TOKEN": "guess", "WR_TENANT": "team-a"])
            do {
                _ = try await wrong.fetch()
                Issue.record("a wrong token was accepted")
            } catch {
                let reason = (error as? PollFailure)?.reason ?? "\(error)"
                #expect(reason == "HTTP 401 Unauthorized")
                #expect(!reason.contains("guess"))
            }
            // A missing variable names the variable, not a value.
            let missing = SourcePoller(source: config.sources[0], client: .shared, environment: [:])
            do {
                _ = try await missing.fetch()
                Issue.record("a missing token was not noticed")
            } catch {
                #expect((error as? PollFailure)?.reason == "credential $WR_TOKEN is not set")
            }
            // The preview of the config never holds a value either: only where it comes from.
            #expect("\(config.sources[0].auth)".contains("WR_TOKEN"))
            #expect(!"\(config.sources[0].auth)".contains("s3cret"))
        }
    }

    @Test("the poll limiter lets at most N polls run at once, first come first served")
    func limiter() async {
        let limiter = PollLimiter(limit: 2)
        let running = Counter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0 ..< 10 {
                group.addTask {
                    await limiter.acquire()
                    running.enter()
                    try? await Task.sleep(for: .milliseconds(20))
                    running.leave()
                    limiter.release()
                }
            }
        }
        #expect(running.peak == 2)
        #expect(limiter.available == 2)
    }

    @Test("a task cancelled while it waits for a permit stops waiting at once, takes none, and the queue behind it moves on")
    func limiterCancelled() async throws {
        let limiter = PollLimiter(limit: 1)
        #expect(await limiter.acquire())
        let waiting = Task { await limiter.acquire() }
        let behind = Task { await limiter.acquire() }
        try await waitUntil(seconds: 60) { limiter.waiting == 2 }
        waiting.cancel()
        #expect(await waiting.value == false)
        #expect(limiter.waiting == 1)
        limiter.release()
        #expect(await behind.value == true, "the next in line gets the permit the cancelled one never took")
        limiter.release()
        #expect(limiter.available == 1)
        let late = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await limiter.acquire()
        }
        #expect(await late.value == false, "cancelled before it asked: no permit")
        #expect(limiter.available == 1)
    }
}

final class Counter: Sendable {
    private let state = Mutex((now: 0, peak: 0))
    func enter() {
        state.withLock {
            $0.now += 1
            $0.peak = max($0.peak, $0.now)
        }
    }
    func leave() { state.withLock { $0.now -= 1 } }
    var peak: Int { state.withLock { $0.peak } }
}
