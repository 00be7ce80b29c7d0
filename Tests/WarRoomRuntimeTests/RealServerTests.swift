import AsyncHTTPClient
import Foundation
import Hummingbird
import LaunchSimulator
import NIOCore
import Testing
import WarRoomCore
import WarRoomTestSupport

@testable import WarRoomRuntime

/// A realistic /metrics page with the awkward parts: escaped and Unicode
/// label values, a histogram, a summary, NaN and infinities, timestamps absent.
let fixtureMetrics = #"""
    # HELP http_requests_total Requests served.
    # TYPE http_requests_total counter
    http_requests_total{cohort="canary",code="200"} 1027
    http_requests_total{cohort="canary",code="500"} 3
    http_requests_total{cohort="stable",code="200"} 98211
    http_requests_total{cohort="stable",code="503"} 12
    # HELP http_request_duration_seconds Latency.
    # TYPE http_request_duration_seconds histogram
    http_request_duration_seconds_bucket{cohort="stable",le="0.1"} 50000
    http_request_duration_seconds_bucket{cohort="stable",le="0.25"} 90000
    http_request_duration_seconds_bucket{cohort="stable",le="1"} 98000
    http_request_duration_seconds_bucket{cohort="stable",le="+Inf"} 98223
    http_request_duration_seconds_sum{cohort="stable"} 15234.5
    http_request_duration_seconds_count{cohort="stable"} 98223
    # TYPE rpc_duration_seconds summary
    rpc_duration_seconds{quantile="0.5"} 0.012
    rpc_duration_seconds{quantile="0.99"} 1.5e-1
    rpc_duration_seconds_sum 1.7560473e+07
    rpc_duration_seconds_count 2693
    # TYPE odd_values gauge
    odd_values{kind="nan"} NaN
    odd_values{kind="inf"} +Inf
    odd_values{kind="neg"} -Inf
    odd_values{kind="tiny"} 1e-300
    odd_values{path="C:\\dir\\file \"quoted\"",who="Zoë ☃"} -42.5
    untyped_thing 7

    """#

@Suite("Against a real Prometheus and Alertmanager on loopback", .serialized)
struct RealServerTests {
    /// Serve `text` as a /metrics page.
    func withFixture<T: Sendable>(_ text: String, _ body: (Int) async throws -> T) async throws -> T {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        return try await withServer(router, body)
    }

    func prometheusSource(_ port: Int, _ queries: [SeriesKey: String], backfill: TimeInterval = 0) -> SourcePoller {
        SourcePoller(
            source: SourceConfig(
                name: "prom", kind: .prometheus(url: "http://127.0.0.1:\(port)", queries: queries, backfill: backfill),
                interval: 1, timeout: 5), client: .shared)
    }

    /// Query until the answer has data.
    func waitForData(_ poller: SourcePoller, _ prom: ServerProcess, _ expression: String) async throws -> PromResponse {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let response = try await poller.query(
                PrometheusQueryDecoder.queryURL(base: "http://127.0.0.1:\(prom.port)", expression: expression, time: nil))
            if case .vector(let v) = response.result, !v.isEmpty { return response }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ServerError("no data for \(expression) after 30s:\n\(prom.logText)")
    }

    @Test("our parser reads the same series and values from a page as Prometheus stores from it")
    func parserAgreesWithPrometheus() async throws {
        try await withFixture(fixtureMetrics) { port in
            guard let prom = try startPrometheus(scraping: [("fixture", "127.0.0.1:\(port)", "/metrics")]) else { return }
            try await prom.waitReady("http://127.0.0.1:\(prom.port)/-/ready")
            let poller = prometheusSource(prom.port, [:])
            let response = try await waitForData(poller, prom, #"{job="fixture",__name__!~"up|scrape_.*"}"#)
            guard case .vector(let stored) = response.result else {
                Issue.record("expected a vector")
                return
            }

            let ours = try PrometheusTextParser.parse(fixtureMetrics, format: .prometheusText004).flatMap(\.samples)
            func key(_ name: String, _ labels: [String: String]) -> String {
                name + "{"
                    + labels.filter { !["job", "instance", "__name__"].contains($0.key) }.sorted { $0.key < $1.key }
                    .map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "}"
            }
            var theirs: [String: Double] = [:]
            for s in stored { theirs[key(s.labels["__name__"] ?? "", s.labels)] = s.points.first?.value }
            #expect(ours.count == theirs.count, "we read \(ours.count) samples, Prometheus stored \(theirs.count)")
            for s in ours {
                let k = key(s.name, Dictionary(uniqueKeysWithValues: s.labels.map { ($0.name, $0.value) }))
                guard let value = theirs[k] else {
                    Issue.record("Prometheus has no series \(k)")
                    continue
                }
                if s.value.isNaN {
                    #expect(value.isNaN, "\(k): NaN for us, \(value) for Prometheus")
                } else {
                    #expect(value == s.value, "\(k): \(s.value) for us, \(value) for Prometheus")
                }
            }
        }
    }

    @Test("a prometheus source reads what Prometheus' own API returns, and fills history from a range query")
    func prometheusSourceMatchesAPI() async throws {
        try await withSimulator(.calm) { sim, simPort in
            guard let prom = try startPrometheus(scraping: [("sim", "127.0.0.1:\(simPort)", "/metrics")]) else { return }
            try await prom.waitReady("http://127.0.0.1:\(prom.port)/-/ready")
            let rps = #"sum(rate(http_requests_total{cohort="stable"}[5s]))"#
            let errors = #"sum(rate(http_requests_total{cohort="stable",code=~"5.."}[5s])) / sum(rate(http_requests_total{cohort="stable"}[5s]))"#
            let queries = [
                SeriesKey(.stable, .throughput): rps + " * 60", SeriesKey(.stable, .errorRate): errors,
                SeriesKey(.canary, .errorRate): #"sum(rate(http_requests_total{cohort="canary",code=~"5.."}[5s]))"#,
            ]
            let poller = prometheusSource(prom.port, queries, backfill: 60)
            _ = try await waitForData(poller, prom, rps)

            // Evaluate at one instant, so that both readings see the same data.
            try await Task.sleep(for: .seconds(2))
            let at = Date()
            let (samples, _) = try await poller.instant(at: at)
            var url = URLComponents(string: "http://127.0.0.1:\(prom.port)/api/v1/query")!
            url.queryItems = [
                URLQueryItem(name: "query", value: rps), URLQueryItem(name: "time", value: String(format: "%.3f", at.timeIntervalSince1970)),
            ]
            url.percentEncodedQuery = url.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
            let raw = try await getJSON(url.string!)
            let result = ((raw as? [String: Any])?["data"] as? [String: Any])?["result"] as? [[String: Any]]
            let text = (result?.first?["value"] as? [Any])?.last as? String
            #expect(text != nil, "Prometheus answered \(raw)")
            let expected = try #require(text.flatMap(Double.init)) * 60
            let read = try #require(samples.first { $0.key == SeriesKey(.stable, .throughput) }).value
            #expect(abs(read - expected) < 1e-9 * max(1, expected), "warroom read \(read), Prometheus says \(expected)")
            #expect(samples.contains { $0.key == SeriesKey(.stable, .errorRate) && $0.value >= 0 && $0.value < 0.05 })
            // The canary takes no traffic: 0/0 is NaN in PromQL, which is no data, not a number on screen.
            #expect(!samples.contains { $0.key == SeriesKey(.canary, .errorRate) && !$0.value.isFinite })

            try await Task.sleep(for: .seconds(3))
            let history = try await poller.history(until: Date())
            let throughput = try #require(history.first { $0.key == SeriesKey(.stable, .throughput) })
            #expect(throughput.points.count >= 2)
            #expect(zip(throughput.points, throughput.points.dropFirst()).allSatisfy { $0.time < $1.time })
            _ = sim
        }
    }

    @Test("Prometheus errors reach the operator as Prometheus words them")
    func prometheusErrors() async throws {
        guard let prom = try startPrometheus(scraping: []) else { return }
        try await prom.waitReady("http://127.0.0.1:\(prom.port)/-/ready")
        let poller = prometheusSource(prom.port, [SeriesKey(.canary, .errorRate): "sum(rate(x[1m]"])
        do {
            _ = try await poller.instant(at: Date())
            Issue.record("a malformed query was accepted")
        } catch {
            #expect(error.reason.contains("canary.error_rate"), "\(error.reason)")
            #expect(error.reason.contains("bad_data"), "\(error.reason)")
        }
        // Several series where one number is expected: say so, and how to fix it.
        let many = prometheusSource(
            prom.port, [SeriesKey(.stable, .throughput): #"label_replace(vector(1), "a", "x", "", "") or label_replace(vector(2), "a", "y", "", "")"#]
        )
        do {
            _ = try await many.instant(at: Date())
            Issue.record("two series were read as one number")
        } catch {
            #expect(error.reason.contains("2"), "\(error.reason)")
        }
        // A scalar result is a number too.
        let scalar = prometheusSource(prom.port, [SeriesKey(.stable, .throughput): "scalar(vector(42))"])
        #expect(try await scalar.instant(at: Date()).samples == [Sample(SeriesKey(.stable, .throughput), 42)])
    }

    @Test("Alertmanager: firing, silenced and resolved alerts become timeline changes with mapped severity")
    func alertmanager() async throws {
        guard let am = try startAlertmanager() else { return }
        let base = "http://127.0.0.1:\(am.port)"
        try await am.waitReady(base + "/-/ready")
        let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        let (status, body) = try await post(
            base + "/api/v2/alerts",
            json: """
                [{"labels": {"alertname": "CanaryErrors", "severity": "critical", "service": "checkout"},
                  "annotations": {"summary": "canary 5xx above 20%"}, "endsAt": "\(future)"},
                 {"labels": {"alertname": "DiskFilling", "severity": "warning"}, "endsAt": "\(future)"},
                 {"labels": {"alertname": "Flaky", "severity": "critical"}, "endsAt": "\(future)"}]
                """)
        #expect(status == 200, "posting alerts: \(body)")
        let (silenceStatus, silenceBody) = try await post(
            base + "/api/v2/silences",
            json: """
                {"matchers": [{"name": "alertname", "value": "Flaky", "isRegex": false, "isEqual": true}],
                 "startsAt": "\(ISO8601DateFormatter().string(from: Date().addingTimeInterval(-60)))", "endsAt": "\(future)",
                 "createdBy": "warroom test", "comment": "known flaky"}
                """)
        #expect(silenceStatus == 200, "posting a silence: \(silenceBody)")

        let poller = SourcePoller(
            source: SourceConfig(name: "am", kind: .alertmanager(url: base, severity: AlertSeverityMap()), interval: 1, timeout: 5),
            client: .shared)
        let memory = SourcePoller.Memory()
        var seen: [String: AlertNotice] = [:]
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, seen["Flaky"]?.change != .silenced || seen.count < 3 {
            for case .alert(let notice) in try await poller.poll(memory) { seen[notice.name] = notice }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(seen["CanaryErrors"]?.change == .firing)
        #expect(seen["CanaryErrors"]?.level == .sev1)
        #expect(seen["CanaryErrors"]?.summary == "canary 5xx above 20%")
        #expect(seen["DiskFilling"]?.level == .sev3)
        #expect(seen["Flaky"]?.change == .silenced)

        // Folded into a war room: the critical alert opens a SEV-1 incident; the silenced one does not count.
        var state = WarRoomState()
        var seq: Int64 = 0
        func fold(_ event: Event) {
            seq += 1
            for effect in state.apply(Recorded(seq: seq, time: Date(), event: event)) {
                if case .record(let e) = effect { fold(e) }
            }
        }
        for notice in seen.values.sorted(by: { $0.name < $1.name }) { fold(.alert(notice)) }
        #expect(state.incident?.severity == .sev1)
        #expect(state.alertLevel == .sev1)
        #expect(state.timeline.contains { $0.text.contains("alert Flaky silenced") })

        // Resolve one: Alertmanager drops it from the active list.
        try await post(
            base + "/api/v2/alerts",
            json: """
                [{"labels": {"alertname": "CanaryErrors", "severity": "critical", "service": "checkout"},
                  "endsAt": "\(ISO8601DateFormatter().string(from: Date().addingTimeInterval(-1)))"}]
                """)
        var resolved = false
        let until = Date().addingTimeInterval(20)
        while Date() < until, !resolved {
            for case .alert(let notice) in try await poller.poll(memory) where notice.name == "CanaryErrors" && notice.change == .resolved {
                resolved = true
                fold(.alert(notice))
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(resolved, "the resolved alert was never reported")
        #expect(state.alertLevel == .sev3)
    }
}

@Suite("Bounded feeds against a real Alertmanager and real HTTP", .serialized)
struct BoundedFeedTests {
    @Test("matchers: on a shared Alertmanager, another team's critical alert is never read and never opens our SEV-1")
    func alertmanagerMatchers() async throws {
        guard let am = try startAlertmanager() else { return }
        let base = "http://127.0.0.1:\(am.port)"
        try await am.waitReady(base + "/-/ready")
        let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        let (status, body) = try await post(
            base + "/api/v2/alerts",
            json: """
                [{"labels": {"alertname": "SearchDown", "severity": "critical", "team": "search"},
                  "annotations": {"summary": "search cluster down"}, "endsAt": "\(future)"},
                 {"labels": {"alertname": "CheckoutLatency", "severity": "warning", "team": "payments"},
                  "annotations": {"summary": "p95 above 2s"}, "endsAt": "\(future)"}]
                """)
        #expect(status == 200, "posting alerts: \(body)")

        func poll(_ matchers: [String]) async throws -> [String: AlertNotice] {
            var source = SourceConfig(name: "am", kind: .alertmanager(url: base, severity: AlertSeverityMap()), interval: 1, timeout: 5)
            source.matchers = matchers
            let poller = SourcePoller(source: source, client: .shared)
            var seen: [String: AlertNotice] = [:]
            let deadline = Date().addingTimeInterval(20)
            // Alertmanager shows posted alerts at once, but wait for them rather than trust it.
            while Date() < deadline {
                seen = [:]
                for case .alert(let n) in try await poller.poll(SourcePoller.Memory()) { seen[n.name] = n }
                if matchers.isEmpty ? seen.count >= 2 : !seen.isEmpty { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            return seen
        }
        // The control: without matchers both teams' alerts are read.
        let everyone = try await poll([])
        #expect(Set(everyone.keys) == ["SearchDown", "CheckoutLatency"])

        let ours = try await poll([#"team="payments""#])
        #expect(Set(ours.keys) == ["CheckoutLatency"], "\(ours.keys)")
        var state = WarRoomState()
        var seq: Int64 = 0
        func fold(_ event: Event) {
            seq += 1
            for effect in state.apply(Recorded(seq: seq, time: Date(), event: event)) {
                if case .record(let e) = effect { fold(e) }
            }
        }
        for n in ours.values { fold(.alert(n)) }
        #expect(state.incident?.severity != .sev1, "another team's critical alert opened our SEV-1")
        #expect(state.alertLevel == .sev3)
        // A regex matcher and a negative one reach Alertmanager intact.
        let regex = try await poll([#"team=~"pay.*""#, #"severity!="critical""#])
        #expect(Set(regex.keys) == ["CheckoutLatency"])
    }

    @Test("max_alerts and max_annotation_length cap what is kept, worst first, with one timeline note per cap")
    func alertCaps() async throws {
        guard let am = try startAlertmanager() else { return }
        let base = "http://127.0.0.1:\(am.port)"
        try await am.waitReady(base + "/-/ready")
        let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        let long = String(repeating: "x", count: 5000)
        var alerts: [String] = [
            #"{"labels": {"alertname": "Worst", "severity": "critical"}, "annotations": {"summary": "\#(long)"}, "endsAt": "\#(future)"}"#
        ]
        for i in 0 ..< 20 { alerts.append(#"{"labels": {"alertname": "Minor\#(i)", "severity": "warning"}, "endsAt": "\#(future)"}"#) }
        let (status, body) = try await post(base + "/api/v2/alerts", json: "[" + alerts.joined(separator: ",") + "]")
        #expect(status == 200, "posting alerts: \(body)")
        var source = SourceConfig(name: "am", kind: .alertmanager(url: base, severity: AlertSeverityMap()), interval: 1, timeout: 5)
        source.limits.maxAlerts = 5
        source.limits.maxAnnotationLength = 100
        let poller = SourcePoller(source: source, client: .shared)
        let memory = SourcePoller.Memory()
        var events: [Event] = []
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            events = try await poller.poll(memory)
            if events.contains(where: { if case .alert = $0 { true } else { false } }) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        let notices = events.compactMap { if case .alert(let n) = $0 { n } else { nil } }
        #expect(notices.count == 5)
        let worst = try #require(notices.first { $0.name == "Worst" }, "the critical alert must be among those kept")
        #expect(worst.summary == String(repeating: "x", count: 100) + "…")
        let notes = events.compactMap { if case .note(let text, _) = $0 { text } else { nil } }
        #expect(notes.contains { $0.contains("21 alerts, more than max_alerts 5") }, "\(notes)")
        #expect(notes.contains { $0.contains("max_annotation_length 100") }, "\(notes)")
        // What run() hands to the log, once each.
        #expect(memory.takeNotices().count == 2)
        // Said once, not every poll.
        let again = try await poller.poll(memory)
        #expect(!again.contains { if case .note = $0 { true } else { false } })
        #expect(memory.takeNotices().isEmpty)
        let (_, probeNotes) = try await poller.alerts()
        #expect(probeNotes.count == 2, "probe prints the caps too: \(probeNotes)")
    }

    @Test("a scrape keeps only the mapped families, refuses too many series, and cuts long labels")
    func scrapeBounds() async throws {
        var page = fixtureMetrics
        page += "# TYPE unrelated_total counter\n"
        for i in 0 ..< 300 { page += "unrelated_total{i=\"\(i)\"} \(i)\n" }
        page += "# TYPE http_requests_canary_extra gauge\nhttp_requests_canary_extra{blob=\"\(String(repeating: "y", count: 3000))\"} 1\n"
        let longLabel = String(repeating: "z", count: 2000)
        page = page.replacingOccurrences(
            of: #"http_requests_total{cohort="canary",code="200"} 1027"#,
            with: #"http_requests_total{cohort="canary",code="200",build="\#(longLabel)"} 1027"#)
        let text = page
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        try await withServer(router) { port in
            var source = SourceConfig(
                name: "m", kind: .scrape(url: "http://127.0.0.1:\(port)/metrics", mapping: ScrapeMapping()), interval: 1, timeout: 5)
            let (families, _, notes) = try await SourcePoller(source: source, client: .shared).scrape()
            #expect(Set(families.map(\.name)) == ["http_requests_total", "http_request_duration_seconds"])
            #expect(families.flatMap(\.samples).allSatisfy { $0.labels.allSatisfy { $0.value.utf8.count <= 1024 } })
            #expect(notes == ["1 label value longer than max_label_length 1024 cut to 1024 bytes"])
            let counters = try ScrapeReader.counters(families, mapping: ScrapeMapping())
            #expect(counters[.canary]?.requests == 1030)
            // The whole page is still checked, and probe can still see it all.
            let (everything, _, _) = try await SourcePoller(source: source, client: .shared).scrape(all: true)
            #expect(everything.contains { $0.name == "unrelated_total" })
            source.limits.maxSeries = 5
            do throws(PollFailure) {
                _ = try await SourcePoller(source: source, client: .shared).scrape()
                Issue.record("more series than max_series were read")
            } catch {
                #expect(error.reason.contains("hold 10 samples, more than max_series 5: refused"), "\(error.reason)")
            }
        }
    }
}
