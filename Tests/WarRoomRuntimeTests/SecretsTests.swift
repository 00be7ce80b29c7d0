import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
import WarRoomCore
import WarRoomTestSupport

@testable import WarRoomRuntime

/// What a loopback server was sent: each request's path and headers.
final class HeaderLog: Sendable {
    private let entries = Mutex<[(path: String, headers: [String: String])]>([])
    func record(_ path: String, _ headers: HTTPFields) {
        var all: [String: String] = [:]
        for field in headers { all[field.name.canonicalName] = field.value }
        entries.withLock { $0.append((path, all)) }
    }
    var all: [(path: String, headers: [String: String])] { entries.withLock { $0 } }
    /// Every header value any request carried, lowercased names.
    var values: [String] { all.flatMap { $0.headers.values } }
}

/// A second origin that records whatever reaches it.
func withRecorder<T: Sendable>(_ body: (Int, HeaderLog) async throws -> T) async throws -> T {
    let log = HeaderLog()
    let router = Router()
    for path in ["health", "hook", "api/v2/alerts"] {
        router.get(RouterPath(path)) { request, _ -> Response in
            log.record(request.uri.path, request.headers)
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: path.contains("alerts") ? "[]" : #"{"status": "healthy"}"#)))
        }
        router.post(RouterPath(path)) { request, _ -> Response in
            log.record(request.uri.path, request.headers)
            return Response(status: .ok)
        }
    }
    return try await withServer(router) { port in try await body(port, log) }
}

/// The configured origin: every path answers with a redirect to `target`.
func withRedirector<T: Sendable>(to target: String, status: HTTPResponse.Status = .found, _ body: (Int) async throws -> T) async throws -> T {
    let router = Router()
    for path in ["health", "hook", "api/v2/alerts"] {
        router.get(RouterPath(path)) { _, _ in Response(status: status, headers: [.location: target + "/" + path + "?token=abc123secret"]) }
        router.post(RouterPath(path)) { _, _ in Response(status: status, headers: [.location: target + "/" + path + "?token=abc123secret"]) }
    }
    return try await withServer(router, body)
}

@Suite("Secrets stay secret: redirects, masking, child environments", .serialized)
struct SecretsTests {
    static let env = [
        "WR_TOKEN": "tok-3f9a1c77", "WR_TENANT": "tenant-payments-42", "WR_HOOK": "hook-9b2d5e11",
        "PATH": "/usr/bin:/bin", "HOME": "/tmp", "USER": "ana", "LANG": "C.UTF-8", "TZ": "UTC",
        "WARROOM_PAGER_KEY": "pager-key-do-not-leak", "AWS_SECRET_ACCESS_KEY": "aws-do-not-leak",
    ]

    @Test("credentials never follow a redirect to another origin: sources and webhooks stop at the 3xx and say where it pointed")
    func redirectsAreNotFollowed() async throws {
        try await withRecorder { recorderPort, log in
            let other = "http://127.0.0.1:\(recorderPort)"
            // The hazard, shown with a client that follows: our custom header reaches the other origin.
            try await withRedirector(to: other) { port in
                var leak = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
                leak.headers.add(name: "X-Scope-OrgID", value: "control-value")
                _ = try await HTTPClient.shared.execute(leak, timeout: .seconds(5))
                #expect(log.values.contains("control-value"), "the recorder must see what a following client sends (else this test proves nothing)")
            }
            let before = log.all.count
            for status in [HTTPResponse.Status.movedPermanently, .found, .seeOther, .temporaryRedirect, .permanentRedirect] {
                try await withRedirector(to: other, status: status) { port in
                    var source = SourceConfig(name: "h", kind: .health(url: "http://127.0.0.1:\(port)/health"), interval: 1, timeout: 5)
                    source.auth = SourceAuth(bearer: .env("WR_TOKEN"), headers: ["X-Scope-OrgID": .env("WR_TENANT")])
                    let poller = SourcePoller(source: source, client: .shared, environment: Self.env)
                    do throws(PollFailure) {
                        _ = try await poller.fetch()
                        Issue.record("a redirect was followed")
                    } catch {
                        #expect(
                            error.reason
                                == "HTTP \(status.code) redirect to \(other)/health?token=***: not followed (credentials go only to the configured URL; configure the final address)"
                        )
                    }
                    let hook = CommandSpec.webhook(
                        method: "POST", url: "http://127.0.0.1:\(port)/hook", body: #"{"percent": {percent}}"#,
                        headers: ["X-Deploy-Token": "WR_HOOK"], timeout: 5)
                    let outcome = await ConfiguredExecutor(specs: ["rollback": hook], client: .shared, environment: Self.env)
                        .run(CommandRequest(id: 1, action: .rollback, by: "ana", reason: "errors", automatic: false), service: "api")
                    #expect(!outcome.succeeded)
                    #expect(outcome.detail.hasPrefix("HTTP \(status.code) redirect to \(other)/hook?token=***: not followed"), "\(outcome.detail)")
                    let page = await ConfiguredPager(spec: hook, client: .shared, environment: Self.env)
                        .page(
                            PageRequest(
                                id: 1, tier: 0, tierName: "Primary", person: Person(name: "Ana", handle: "@ana", contact: "+1"), severity: .sev1,
                                title: "t", round: 0), service: "api")
                    #expect(!page.succeeded)
                }
            }
            #expect(log.all.count == before, "the other origin was reached: \(log.all.dropFirst(before).map(\.path))")
            for secret in ["tok-3f9a1c77", "tenant-payments-42", "hook-9b2d5e11"] {
                #expect(!log.values.contains { $0.contains(secret) }, "\(secret) reached the other origin")
            }
        }
    }

    @Test("a source that is down because of a redirect says so in the timeline, with the secret query value masked")
    func redirectReasonMasked() async throws {
        try await withRecorder { recorderPort, _ in
            try await withRedirector(to: "http://user:pw@127.0.0.1:\(recorderPort)") { port in
                let source = SourceConfig(name: "h", kind: .health(url: "http://127.0.0.1:\(port)/health"), interval: 0.2, timeout: 2)
                let poller = SourcePoller(source: source, client: .shared, environment: Self.env)
                let (events, sink) = AsyncStream.makeStream(of: Event.self)
                let task = Task { await poller.run { sink.yield($0) } }
                defer { task.cancel() }
                var it = events.makeAsyncIterator()
                guard case .sourceDown(_, let reason)? = await it.next() else {
                    Issue.record("no sourceDown")
                    return
                }
                #expect(reason.contains("redirect to http://***@127.0.0.1:\(recorderPort)/health?token=***"), "\(reason)")
                #expect(!reason.contains("abc123secret") && !reason.contains("pw"))
            }
        }
    }

    @Test("a program gets PATH, HOME, USER, LANG, TZ and what env: names, never the rest of warroom's environment")
    func childEnvironment() async throws {
        let dir = try temporaryDirectory("childenv")
        let out = dir + "/env.txt"
        setenv("WARROOM_TEST_LEAK", "process-secret-value", 1)
        defer { unsetenv("WARROOM_TEST_LEAK") }
        // With warroom's real environment (this process's), which holds a secret.
        let plain = CommandSpec.program(argv: ["/bin/sh", "-c", "env > \(out)"], timeout: 5)
        let result = await ConfiguredExecutor(specs: ["rollback": plain], client: .shared)
            .run(CommandRequest(id: 1, action: .rollback, by: "ana", reason: "r", automatic: false), service: "api")
        #expect(result.succeeded, "\(result)")
        let seen = try String(contentsOfFile: out, encoding: .utf8)
        #expect(!seen.contains("process-secret-value"), "the child saw warroom's secret:\n\(seen)")
        #expect(!seen.contains("WARROOM_TEST_LEAK"))
        let names = Set(seen.split(separator: "\n").compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        #expect(names.isSubset(of: ["PATH", "HOME", "USER", "LANG", "TZ", "PWD", "SHLVL", "_"]), "unexpected variables: \(names.sorted())")
        #expect(names.contains("PATH"))

        // With an env: list: the named variables pass through, set ones are set, nothing else.
        let named = CommandSpec.program(
            argv: ["/bin/sh", "-c", "env; env > \(out)"], timeout: 5,
            env: [.pass("WR_TOKEN"), .set("REGION", "eu-west-1"), .pass("NOT_SET_ANYWHERE")])
        let printed = await ConfiguredExecutor(specs: ["rollback": named], client: .shared, environment: Self.env)
            .run(CommandRequest(id: 1, action: .rollback, by: "ana", reason: "r", automatic: false), service: "api")
        let got = try String(contentsOfFile: out, encoding: .utf8)
        #expect(got.contains("WR_TOKEN=tok-3f9a1c77\n"))
        #expect(got.contains("REGION=eu-west-1\n"))
        #expect(got.contains("USER=ana\n") && got.contains("TZ=UTC\n") && got.contains("LANG=C.UTF-8\n") && got.contains("HOME=/tmp\n"))
        #expect(!got.contains("pager-key-do-not-leak") && !got.contains("aws-do-not-leak") && !got.contains("WR_TENANT"), "\(got)")
        #expect(!got.contains("NOT_SET_ANYWHERE"))
        // What the journal keeps of its output masks the passed-through secret.
        #expect(printed.output.contains("WR_TOKEN=***"), "\(printed.output)")
        #expect(!printed.output.contains("tok-3f9a1c77"))
    }

    @Test("placeholders are filled in one pass: a reason holding {contact} stays literal in argv, URL and body")
    func onePass() async throws {
        let dir = try temporaryDirectory("onepass")
        let out = dir + "/args.txt"
        let page = CommandSpec.program(
            argv: ["/bin/sh", "-c", "printf '%s|%s' \"$1\" \"$2\" > \(out)", "page", "{title}", "to {contact}"], timeout: 5)
        let outcome = await ConfiguredPager(spec: page, client: .shared)
            .page(
                PageRequest(
                    id: 1, tier: 0, tierName: "Primary", person: Person(name: "Ana", handle: "@ana", contact: "+1 555 0101"), severity: .sev1,
                    title: "db {contact} {handle} down", round: 0), service: "api")
        #expect(outcome.succeeded, "\(outcome)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "db {contact} {handle} down|to +1 555 0101")
        #expect(
            Placeholders.fill(#"{"r": "{reason}", "s": "{service}"}"#, ["reason": "{service}", "service": "api"], escape: .json)
                == #"{"r": "{service}", "s": "api"}"#)
        #expect(
            Placeholders.fill("http://h/x?r={reason}&s={service}", ["reason": "{service}&a=b", "service": "api"], escape: .url)
                == "http://h/x?r=%7Bservice%7D%26a%3Db&s=api")
    }

    @Test("a value starting with '-' never becomes an option: the program is not run and the outcome says why")
    func leadingDash() async throws {
        let dir = try temporaryDirectory("dash")
        let marker = dir + "/ran"
        let spec = CommandSpec.program(argv: ["/bin/sh", "-c", "touch \(marker)", "x", "{reason}"], timeout: 5)
        let outcome = await ConfiguredExecutor(specs: ["rollback": spec], client: .shared)
            .run(CommandRequest(id: 1, action: .rollback, by: "ana", reason: "--help", automatic: false), service: "api")
        #expect(!outcome.succeeded)
        #expect(outcome.detail.contains("{reason} begins with '-'"), "\(outcome.detail)")
        #expect(!FileManager.default.fileExists(atPath: marker), "the program ran")
        // Inside an argument (--reason={reason}) it is only text.
        let inside = CommandSpec.program(argv: ["/bin/sh", "-c", "touch \(marker)", "x", "--reason={reason}"], timeout: 5)
        let sent = await ConfiguredExecutor(specs: ["rollback": inside], client: .shared)
            .run(CommandRequest(id: 1, action: .rollback, by: "ana", reason: "--help", automatic: false), service: "api")
        #expect(sent.succeeded)
        #expect(ReasonRules.problem(with: "-rf everything") != nil)
        #expect(ReasonRules.problem(with: "errors up") == nil)
    }

    @Test("what the armed preview shows is what is sent: a promote through set_traffic, the body byte for byte")
    func previewIsSent() async throws {
        try await withFaultyServer { port in
            let specs: [String: CommandSpec] = [
                "set_traffic": .webhook(
                    method: "POST", url: "http://127.0.0.1:\(port)/echo", body: #"{"percent": {percent}, "reason": "{reason}"}"#,
                    headers: [:], timeout: 5)
            ]
            let reason = #"checks "green" {contact}"#
            let preview = CommandSpec.preview(.promote(percent: 25), reason: reason, by: "ana", service: "api", in: specs)
            let outcome = await ConfiguredExecutor(specs: specs, client: .shared)
                .run(CommandRequest(id: 1, action: .promote(percent: 25), by: "ana", reason: reason, automatic: false), service: "api")
            #expect(outcome.succeeded)
            #expect(outcome.output == #"{"percent": 25, "reason": "checks \"green\" {contact}"}"#)
            #expect(preview == "POST http://127.0.0.1:\(port)/echo " + outcome.output)
        }
    }

    @Test("a webhook whose URL is a secret reads it from url_env at send time, and shows only where it comes from")
    func secretURL() async throws {
        try await withRecorder { port, log in
            let url = "http://127.0.0.1:\(port)/hook"
            let spec = CommandSpec.webhook(method: "POST", url: .secret(.env("WR_CHAT_URL")), body: #"{"text": "{title}"}"#, headers: [:], timeout: 5)
            var env = Self.env
            env["WR_CHAT_URL"] = url
            let page = PageRequest(
                id: 1, tier: 0, tierName: "Primary", person: Person(name: "Ana", handle: "@ana", contact: "+1"), severity: .sev1, title: "t", round: 0
            )
            let sent = await ConfiguredPager(spec: spec, client: .shared, environment: env).page(page, service: "api")
            #expect(sent.succeeded, "\(sent)")
            #expect(log.all.map(\.path) == ["/hook"])
            let missing = await ConfiguredPager(spec: spec, client: .shared, environment: Self.env).page(page, service: "api")
            #expect(missing.detail == "webhook URL: credential $WR_CHAT_URL is not set; not sent")
            #expect(spec.preview(["title": "t"]) == #"POST *** (URL from $WR_CHAT_URL) {"text": "t"}"#)
            let line = try spec.prepare(["title": "t"]).shellLine
            #expect(line == #"curl -sS -X POST -H 'Content-Type: application/json' --data '{"text": "t"}' "$WR_CHAT_URL""#)
        }
    }
}

@Suite("Secrets never reach the journal", .serialized)
struct JournalSecretsTests {
    @Test("a webhook that echoes its token, a redirect with token=, a dry run: the journal file holds none of the secrets")
    func journalBytes() async throws {
        let router = Router()
        router.post("echo") { request, _ -> Response in
            // A careless deploy API that echoes the request's headers back.
            Response(
                status: .ok,
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: "got token \(request.headers.first { $0.name.canonicalName == "x-deploy-token" }?.value ?? "none")")))
        }
        try await withServer(router) { port in
            try await withRedirector(to: "http://127.0.0.1:\(port)") { redirector in
                let config = try ConfigLoader.parse(
                    """
                    service: api
                    sources: [{name: h, kind: health, url: "http://127.0.0.1:\(redirector)/health", interval: 200ms, timeout: 1s}]
                    commands:
                      rollback:
                        webhook: {url: "http://127.0.0.1:\(port)/echo?token=file-token-77", headers_from_env: {X-Deploy-Token: WR_HOOK}}
                    """, file: "j.yaml")
                let env = ["WR_HOOK": "hook-9b2d5e11-secret"]
                let path = temporaryJournalPath()
                let room = try WarRoom(
                    journal: try SQLiteJournal(path: path),
                    executor: ConfiguredExecutor(specs: config.commands, client: .shared, environment: env))
                try await room.send(.sessionStarted(config.sessionInfo(mode: .other("test"), startedBy: "ana")))
                let poller = SourcePoller(source: config.sources[0], client: .shared, environment: env)
                let polling = Task { await poller.run { try? await room.send($0) } }
                #expect(try await room.issue(.rollback, by: "ana", reason: "errors up") == nil)
                await room.waitForCommands()
                try await waitUntil { await !room.snapshot.state.sourcesDown.isEmpty }
                polling.cancel()
                await polling.value
                let finished = try SQLiteJournal(path: path).events().compactMap { r -> CommandOutcome? in
                    if case .commandFinished(_, let outcome) = r.event { return outcome } else { return nil }
                }
                #expect(finished.first?.output == "got token ***", "\(finished)")
                let dry = await DryRunExecutor(specs: config.commands).run(
                    CommandRequest(id: 9, action: .rollback, by: "ana", reason: "r", automatic: false), service: "api")
                #expect(dry.output == "POST http://127.0.0.1:\(port)/echo?token=*** [X-Deploy-Token: ***]")
                // Every byte on disk: the database and its WAL.
                var bytes = Data()
                for file in [path, path + "-wal"] { bytes += (FileManager.default.contents(atPath: file) ?? Data()) }
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(text.contains("errors up"), "the journal was read")
                for secret in ["hook-9b2d5e11-secret", "file-token-77", "abc123secret"] {
                    #expect(!text.contains(secret), "\(secret) is in the journal")
                }
            }
        }
    }
}

@Suite("Config: secrets in URLs, env:, matchers:")
struct SecretConfigTests {
    func errors(_ yaml: String) -> [String] {
        do {
            _ = try ConfigLoader.parse(yaml, file: "s.yaml")
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test("a user name or password in a URL is refused at check time with file, line and field, and not echoed")
    func userinfoRefused() {
        let found = errors(
            """
            service: api
            sources:
              - {name: h, kind: health, url: "http://ana:hunter2@127.0.0.1:1/health"}
            commands:
              rollback:
                webhook: {url: "https://deploy:pw123@deploy.example/rollback"}
            """)
        #expect(found.count == 2, "\(found)")
        #expect(
            found.first?.hasPrefix("s.yaml:3:") == true
                && found.first?.contains("sources[0].url: a user name or password in the URL (http://***@127.0.0.1:1/health) is refused") == true,
            "\(found)")
        #expect(
            found.last?.hasPrefix("s.yaml:6:") == true && found.last?.contains("commands.rollback.webhook.url: a user name or password") == true,
            "\(found)")
        #expect(!found.joined().contains("hunter2") && !found.joined().contains("pw123"))
    }

    @Test("url_env / url_file, env: and matchers: are read; mistakes are errors at their line")
    func newKeys() throws {
        let config = try ConfigLoader.parse(
            """
            service: api
            sources:
              - name: am
                kind: alertmanager
                url: http://127.0.0.1:9093
                matchers: ['team="payments"', 'env=~"prod|canary"']
                max_alerts: 50
                max_annotation_length: 200
              - {name: m, kind: scrape, url: "http://127.0.0.1:1/metrics", max_series: 500, max_label_length: 64}
            commands:
              rollback:
                program: [/usr/local/bin/rollback, "--reason={reason}"]
                env: [DEPLOY_TOKEN, {REGION: eu-west-1}]
            paging:
              webhook: {url_env: CHAT_WEBHOOK_URL, body: '{"text": "{title}"}'}
            """, file: "s.yaml")
        #expect(config.sources[0].matchers == [#"team="payments""#, #"env=~"prod|canary""#])
        #expect(config.sources[0].limits.maxAlerts == 50 && config.sources[0].limits.maxAnnotationLength == 200)
        #expect(config.sources[1].limits.maxSeries == 500 && config.sources[1].limits.maxLabelLength == 64)
        #expect(
            config.commands["rollback"]
                == .program(
                    argv: ["/usr/local/bin/rollback", "--reason={reason}"], timeout: 30,
                    env: [.pass("DEPLOY_TOKEN"), .set("REGION", "eu-west-1")]))
        #expect(
            config.commands["page"]
                == .webhook(method: "POST", url: .secret(.env("CHAT_WEBHOOK_URL")), body: #"{"text": "{title}"}"#, headers: [:], timeout: 30))
        #expect(config.breakGlass(by: "ana") == "env REGION=eu-west-1 /usr/local/bin/rollback '--reason=manual rollback: warroom down'")

        let found = errors(
            """
            service: api
            sources:
              - {name: am, kind: alertmanager, url: "http://127.0.0.1:9093", matchers: ["team payments"]}
              - {name: h, kind: health, url: "http://127.0.0.1:1/health", matchers: ['a="b"']}
            commands:
              rollback:
                program: [/bin/true]
                env: ["not a name"]
              set_traffic:
                webhook: {url: "http://x/", url_env: X}
              pause:
                webhook: {url: "http://x/"}
                env: [A]
            """)
        #expect(found.contains { $0.hasPrefix("s.yaml:3:") && $0.contains("sources[0].matchers[0]: expected a label matcher") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("s.yaml:4:") && $0.contains("sources[1].matchers: unknown key") }, "\(found)")
        #expect(
            found.contains { $0.hasPrefix("s.yaml:8:") && $0.contains("commands.rollback.env[0]: expected an environment variable name") }, "\(found)"
        )
        #expect(found.contains { $0.contains("commands.set_traffic.webhook: give one of url, url_env or url_file") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("s.yaml:13:") && $0.contains("commands.pause.env: env: is for a program") }, "\(found)")
    }
}
