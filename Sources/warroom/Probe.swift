import ArgumentParser
import AsyncHTTPClient
import Foundation
import WarRoomCore
import WarRoomRuntime

/// The operator's tool for debugging a source, as `promtool check metrics` is:
/// fetch once and print what warroom reads, or exactly why it cannot.
struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch a source once and print what warroom reads: the values, or the exact error (line numbers for metrics).",
        discussion: """
            For prometheus the URL is a query URL, e.g.
              warroom probe --kind prometheus 'http://127.0.0.1:9090/api/v1/query?query=sum(rate(http_requests_total[1m]))'
            For alertmanager it is the server's address (http://127.0.0.1:9093); /api/v2/alerts is read,
            with each --matcher 'team="payments"' sent as filter=.
            Redirects are never followed: a 3xx answer is an error naming where it pointed.
            Credentials: --bearer-token-env NAME, --header-env 'Header=NAME'. Values are never printed.
            Exit status: 0 when the source answered and everything in it was read, 1 otherwise.
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable { case health, scrape, prometheus, alertmanager }

    @Argument(help: "The URL to fetch.")
    var url: String

    @Option(help: "health (runbook JSON), scrape (Prometheus /metrics), prometheus (a query URL) or alertmanager.")
    var kind: Kind = .health

    @Option(help: "Seconds before giving up.")
    var timeout: Double = 5

    @Option(help: "For scrape: seconds between two scrapes, to show rates (0 prints counters only).")
    var interval: Double = 1

    @Option(help: "The environment variable holding a bearer token.")
    var bearerTokenEnv: String?

    @Option(help: "A request header from an environment variable: 'X-Scope-OrgID=TENANT'. Repeatable.")
    var headerEnv: [String] = []

    @Option(help: "For alertmanager: a label matcher sent as filter=, e.g. 'team=\"payments\"'. Repeatable.")
    var matcher: [String] = []

    func run() async throws {
        var auth = SourceAuth(bearer: bearerTokenEnv.map { .env($0) })
        for pair in headerEnv {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--header-env expects Header=ENV_NAME, got '\(pair)'") }
            auth.headers[parts[0]] = .env(parts[1])
        }
        let sourceKind: SourceConfig.Kind
        switch kind {
        case .health: sourceKind = .health(url: url)
        case .scrape: sourceKind = .scrape(url: url, mapping: ScrapeMapping())
        case .prometheus: sourceKind = .prometheus(url: url, queries: [:], backfill: 0)
        case .alertmanager: sourceKind = .alertmanager(url: url, severity: AlertSeverityMap())
        }
        var source = SourceConfig(name: "probe", kind: sourceKind, interval: max(interval, 0.1), timeout: timeout)
        source.auth = auth
        source.matchers = matcher
        let client = WarRoomHTTPClient()
        let poller = SourcePoller(source: source, client: client)
        var failed = false
        do {
            switch kind {
            case .health:
                let reading = try await poller.fetch()
                print("status  \(reading.status ?? "(none)")")
                for s in reading.samples { print(line(s)) }
                if reading.samples.isEmpty { print("no values (every field absent or null)") }
            case .scrape:
                let (families, format, _) = try await poller.scrape(all: true)
                print(
                    "format  \(format == .openMetrics100 ? "OpenMetrics 1.0" : "Prometheus text 0.0.4"), \(families.count) families, \(families.reduce(0) { $0 + $1.samples.count }) samples: valid"
                )
                let counters = try ScrapeReader.counters(families, mapping: ScrapeMapping())
                for (cohort, c) in counters.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                    print(
                        "\(cohort.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) requests \(Int(c.requests)), 5xx \(Int(c.errors)), latency count \(Int(c.latencyCount))"
                    )
                }
                if interval > 0 {
                    let memory = SourcePoller.Memory()
                    _ = try await poller.poll(memory)
                    try await Task.sleep(for: .milliseconds(clampedMilliseconds(interval)))
                    for case .samples(_, let samples) in try await poller.poll(memory) { for s in samples { print(line(s)) } }
                }
            case .prometheus:
                guard url.contains("/api/v1/query") else {
                    throw PollFailure(reason: "expected a query URL such as http://host:9090/api/v1/query?query=EXPR")
                }
                let response = try await poller.query(url)
                print(describe(response.result))
                for w in response.warnings { print("warning \(w)") }
                for i in response.infos { print("info    \(i)") }
            case .alertmanager:
                let (alerts, notes) = try await poller.alerts()
                print("\(alerts.count) alert\(alerts.count == 1 ? "" : "s")")
                for n in notes { print("note    \(n)") }
                let map = AlertSeverityMap()
                for a in alerts.sorted(by: { ($0.startsAt ?? .distantPast) < ($1.startsAt ?? .distantPast) }) {
                    let state = a.isSilenced ? "silenced" : a.isInhibited ? "inhibited" : a.state.rawValue
                    let level = map.level(of: a).flatMap { Severity(number: $0)?.label } ?? "no severity"
                    print("\(state.padding(toLength: 10, withPad: " ", startingAt: 0)) \(a.name) (\(level))\(a.summary.map { ": \($0)" } ?? "")")
                }
            }
        } catch let failure as PollFailure {
            warn("warroom probe: \(Redact.url(url)): \(poller.masked(failure.reason))")
            if failure.cause == .healthNotJSON, url.hasSuffix("/metrics") {
                warn("  (a /metrics page is Prometheus text: try --kind scrape)")
            }
            failed = true
        } catch let missing as ScrapeReader.Missing {
            warn("warroom probe: \(Redact.url(url)): \(missing)")
            failed = true
        }
        try? await client.shutdown()
        if failed { throw ExitCode(1) }
    }

    func describe(_ result: PromResult) -> String {
        func labels(_ l: [String: String]) -> String {
            let name = l["__name__"] ?? ""
            let rest = l.filter { $0.key != "__name__" }.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }
            return name + (rest.isEmpty && !name.isEmpty ? "" : "{" + rest.joined(separator: ",") + "}")
        }
        switch result {
        case .scalar(let p): return "scalar  \(p.value) at \(p.time)"
        case .string(let t, let v): return "string  \"\(v)\" at \(t)"
        case .vector(let series):
            if series.isEmpty { return "vector  0 series (no data)" }
            return "vector  \(series.count) series\n"
                + series.map { "  \(labels($0.labels)) \($0.points.first.map { "\($0.value)" } ?? "")" }.joined(separator: "\n")
        case .matrix(let series):
            return "matrix  \(series.count) series\n"
                + series.map { "  \(labels($0.labels)) \($0.points.count) points, last \($0.points.last.map { "\($0.value)" } ?? "none")" }.joined(
                    separator: "\n")
        }
    }

    func line(_ s: Sample) -> String {
        "\(s.key.cohort.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(s.key.metric.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(Format.value(s.value, s.key.metric))"
    }
}
