import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import WarRoomCore

/// Polls one source and turns its answers into events: samples (or alert
/// changes) on success, one `sourceDown` when it stops answering (with the
/// reason) and one `sourceUp` when it returns (with how long it was gone).
public struct SourcePoller: Sendable {
    /// The largest body read from a JSON source (health, Prometheus API, Alertmanager).
    public static let maxJSONBody = 8 << 20
    /// The largest /metrics page read.
    public static let maxScrapeBody = 64 << 20

    public let source: SourceConfig
    let client: HTTPClient
    let clock: any WarRoomClock
    let limiter: PollLimiter?
    let environment: [String: String]

    public init(source: SourceConfig, client: HTTPClient, clock: any WarRoomClock = SystemClock(),
                limiter: PollLimiter? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.source = source
        self.client = client
        self.clock = clock
        self.limiter = limiter
        self.environment = environment
    }

    // MARK: - HTTP

    /// One GET with this source's credentials, timeout and body limit.
    func get(_ url: String, accept: String, maxBody: Int) async throws(PollFailure) -> (status: Int, contentType: String?, body: ByteBuffer) {
        var http = HTTPClientRequest(url: url)
        http.headers.add(name: "Accept", value: accept)
        http.headers.add(name: "User-Agent", value: "warroom")
        for (name, value) in try Credentials.headers(for: source.auth, environment: environment) {
            http.headers.replaceOrAdd(name: name, value: value)
        }
        let client = self.client
        let timeout = source.timeout
        let request = http
        do {
            return try await withDeadline(timeout + 0.25) {  // the client's own deadline reports the connect error first
                let response = try await client.execute(request, timeout: .milliseconds(clampedMilliseconds(timeout)))
                let body: ByteBuffer
                do {
                    body = try await response.body.collect(upTo: maxBody)
                } catch is NIOTooManyBytesError {
                    throw PollFailure(reason: "response larger than \(maxBody >> 20) MB: refused")
                }
                return (Int(response.status.code), response.headers.first(name: "Content-Type"), body)
            }
        } catch let failure as PollFailure {
            throw failure
        } catch {
            throw PollFailure(reason: FetchError.describe(error, timeout: source.timeout))
        }
    }

    private func requireOK(_ status: Int, _ body: ByteBuffer) throws(PollFailure) {
        guard (200 ..< 300).contains(status) else {
            throw PollFailure(reason: "HTTP \(status) \(HTTPResponseStatus(statusCode: status).reasonPhrase)")
        }
    }

    // MARK: - Kinds

    /// Fetch a health endpoint and decode it (the runbooks' shape, or the configured JSON paths).
    public func fetch() async throws(PollFailure) -> HealthDecoder.Reading {
        let (status, _, body) = try await get(source.kind.url, accept: "application/json", maxBody: Self.maxJSONBody)
        try requireOK(status, body)
        let data = Data(body.readableBytesView)
        if case .health(_, let mapping?) = source.kind {
            do {
                return HealthDecoder.Reading(status: nil, samples: try mapping.read(data))
            } catch {
                throw PollFailure(reason: "bad health JSON: \(error)")
            }
        }
        do {
            return try HealthDecoder.decode(data)
        } catch {
            throw PollFailure(reason: "bad health JSON: \(error)")
        }
    }

    /// Fetch a /metrics page and parse it strictly (the format chosen by Content-Type).
    public func scrape() async throws(PollFailure) -> (families: [MetricFamily], format: ExpositionFormat) {
        let (status, contentType, body) = try await get(
            source.kind.url, accept: "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5",
            maxBody: Self.maxScrapeBody)
        try requireOK(status, body)
        let format = ExpositionFormat.from(contentType: contentType)
        do {
            let families = try body.withUnsafeReadableBytes { raw in
                try PrometheusTextParser.parse(UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count), format: format)
            }
            return (families.map(\.inert), format)
        } catch let error as ExpositionError {
            throw PollFailure(reason: "bad metrics (\(format == .openMetrics100 ? "OpenMetrics 1.0" : "text 0.0.4")): \(error)")
        } catch {
            throw PollFailure(reason: "bad metrics: \(error)")
        }
    }

    /// Run one PromQL query against a Prometheus server's API.
    public func query(_ url: String) async throws(PollFailure) -> PromResponse {
        // Prometheus puts its error envelope in 4xx and 5xx bodies: decode those too.
        let (status, _, body) = try await get(url, accept: "application/json", maxBody: Self.maxJSONBody)
        do {
            return try PrometheusQueryDecoder.decode(Data(body.readableBytesView), httpStatus: status)
        } catch {
            throw PollFailure(reason: "\(error)")
        }
    }

    /// The latest value of every configured series, by instant query.
    public func instant(at time: Date) async throws(PollFailure) -> (samples: [Sample], warnings: [String]) {
        guard case .prometheus(let base, let queries, _) = source.kind else { return ([], []) }
        let keys = queries.keys.sorted { $0.description < $1.description }
        let results = await withTaskGroup(of: (SeriesKey, Result<(Double?, [String]), PollFailure>).self) { group in
            for key in keys {
                let url = PrometheusQueryDecoder.queryURL(base: base, expression: queries[key]!, time: time.timeIntervalSince1970)
                group.addTask {
                    do throws(PollFailure) {
                        let response = try await self.query(url)
                        do {
                            return (key, .success((try PrometheusQueryDecoder.single(response), response.warnings)))
                        } catch {
                            throw PollFailure(reason: "\(error)")
                        }
                    } catch {
                        return (key, .failure(PollFailure(reason: "query for \(key.cohort.rawValue).\(key.metric.rawValue): \(error.reason)")))
                    }
                }
            }
            var all: [SeriesKey: Result<(Double?, [String]), PollFailure>] = [:]
            for await (key, result) in group { all[key] = result }
            return all
        }
        var samples: [Sample] = []
        var warnings: [String] = []
        for key in keys {
            switch results[key]! {
            case .failure(let failure): throw failure
            case .success(let (value, w)):
                warnings += w
                // NaN and ±Inf are "no data" on screen; a series without data goes stale honestly.
                if let value, value.isFinite { samples.append(Sample(key, value)) }
            }
        }
        return (samples, warnings)
    }

    /// Past values of every configured series, by range query (to fill the sparklines at start).
    public func history(until end: Date) async throws(PollFailure) -> [SeriesHistory] {
        guard case .prometheus(let base, let queries, let backfill) = source.kind, backfill > 0 else { return [] }
        var out: [SeriesHistory] = []
        for key in queries.keys.sorted(by: { $0.description < $1.description }) {
            let url = PrometheusQueryDecoder.rangeURL(
                base: base, expression: queries[key]!, start: end.timeIntervalSince1970 - backfill,
                end: end.timeIntervalSince1970, step: max(source.interval, backfill / 11_000))
            let response = try await query(url)
            guard case .matrix(let series) = response.result else { continue }
            if series.count > 1 {
                throw PollFailure(reason: "range query for \(key.cohort.rawValue).\(key.metric.rawValue): expected one series, got \(series.count); aggregate with sum() or max()")
            }
            let points = (series.first?.points ?? []).filter(\.value.isFinite)
                .map { Series.Point(time: Date(timeIntervalSince1970: $0.time), value: $0.value) }
            if !points.isEmpty { out.append(SeriesHistory(key: key, points: points)) }
        }
        return out
    }

    /// The alerts an Alertmanager holds now.
    public func alerts() async throws(PollFailure) -> [AlertmanagerAlert] {
        let base = source.kind.url.hasSuffix("/") ? String(source.kind.url.dropLast()) : source.kind.url
        let (status, _, body) = try await get(base + "/api/v2/alerts", accept: "application/json", maxBody: Self.maxJSONBody)
        try requireOK(status, body)
        do {
            return try AlertmanagerDecoder.decode(Data(body.readableBytesView))
        } catch {
            throw PollFailure(reason: "bad Alertmanager JSON: \(error)")
        }
    }

    // MARK: - Polling

    /// What one poll found: events to record.
    public func poll(_ memory: Memory) async throws(PollFailure) -> [Event] {
        switch source.kind {
        case .health:
            let samples = try await fetch().samples
            return samples.isEmpty ? [] : [.samples(source: source.name, samples: samples)]
        case .scrape(_, let mapping):
            let (families, _) = try await scrape()
            let counters: [Cohort: CohortCounters]
            do { counters = try ScrapeReader.counters(families, mapping: mapping) } catch { throw PollFailure(reason: error.description) }
            let now = clock.now()
            guard let (before, at) = memory.swap(counters, at: now) else { return [] }
            let samples = ScrapeReader.samples(previous: before, current: counters, elapsed: now.timeIntervalSince(at))
            return samples.isEmpty ? [] : [.samples(source: source.name, samples: samples)]
        case .prometheus:
            let (samples, warnings) = try await instant(at: clock.now())
            memory.warn(warnings)
            return samples.isEmpty ? [] : [.samples(source: source.name, samples: samples)]
        case .alertmanager(_, let map):
            let alerts = try await self.alerts()
            return memory.track(alerts, now: clock.now()).map { change in
                .alert(Self.notice(change, source: source.name, map: map))
            }
        }
    }

    static func notice(_ change: AlertChange, source: String, map: AlertSeverityMap) -> AlertNotice {
        func make(_ alert: AlertmanagerAlert, _ kind: AlertNotice.Change) -> AlertNotice {
            AlertNotice(source: source, fingerprint: alert.fingerprint, name: alert.name, change: kind,
                        level: map.level(of: alert).flatMap { Severity(number: $0) }, summary: alert.summary, labels: alert.labels)
        }
        switch change {
        case .firing(let alert): return make(alert, .firing)
        case .silenced(let alert): return make(alert, .silenced)
        case .unsilenced(let alert): return make(alert, .unsilenced)
        case .resolved(let fingerprint, let name):
            return AlertNotice(source: source, fingerprint: fingerprint, name: name, change: .resolved, level: nil, summary: nil, labels: [:])
        }
    }

    /// What a poller remembers between polls: the last scrape's counters (for
    /// rates), the alerts seen (for changes) and the warnings already logged.
    public final class Memory: Sendable {
        private struct State {
            var counters: ([Cohort: CohortCounters], Date)?
            var tracker = AlertTracker()
            var warned: Set<String> = []
            var newWarnings: [String] = []
        }
        private let state = Mutex(State())
        public init() {}

        func swap(_ counters: [Cohort: CohortCounters], at time: Date) -> ([Cohort: CohortCounters], Date)? {
            state.withLock { s in
                defer { s.counters = (counters, time) }
                return s.counters
            }
        }

        func track(_ alerts: [AlertmanagerAlert], now: Date) -> [AlertChange] {
            state.withLock { $0.tracker.update(alerts, now: now) }
        }

        func warn(_ warnings: [String]) {
            state.withLock { s in
                for w in warnings where s.warned.insert(w).inserted { s.newWarnings.append(w) }
            }
        }

        /// Warnings not seen before, once each.
        public func takeWarnings() -> [String] {
            state.withLock { s in
                defer { s.newWarnings = [] }
                return s.newWarnings
            }
        }
    }

    /// Poll until cancelled, handing each event to `sink`. Polls wait for a
    /// permit from `limiter`, so many sources share a bounded number of
    /// connections; a slow source holds only its own.
    public func run(onWarning: @escaping @Sendable (String) -> Void = { _ in }, sink: @escaping @Sendable (Event) async -> Void) async {
        var downSince: Date?
        var failures = 0
        let memory = Memory()
        if case .prometheus = source.kind {
            await limiter?.acquire()
            let backfill: [SeriesHistory]
            do {
                backfill = try await history(until: clock.now())
            } catch {
                backfill = []
                onWarning("\(source.name): no history at start: \(error.reason)")
            }
            limiter?.release()
            if !backfill.isEmpty { await sink(.history(source: source.name, series: backfill)) }
        }
        while !Task.isCancelled {
            let started = clock.now()
            await limiter?.acquire()
            let result: Result<[Event], PollFailure>
            do throws(PollFailure) {
                result = .success(try await poll(memory))
            } catch {
                result = .failure(error)
            }
            limiter?.release()
            switch result {
            case .success(let events):
                if let since = downSince {
                    await sink(.sourceUp(source: source.name, downFor: clock.now().timeIntervalSince(since)))
                    downSince = nil
                }
                failures = 0
                for event in events { await sink(event) }
                for w in memory.takeWarnings() { onWarning("\(source.name): Prometheus warning: \(w)") }
            case .failure(let error):
                failures += 1
                if downSince == nil {
                    downSince = started
                    await sink(.sourceDown(source: source.name, reason: error.reason))
                }
            }
            // Back off while the source is down, never past 4 intervals or 30 s; jitter spreads sources apart.
            let backoff = failures > 1 ? min(pow(2, Double(failures - 1)), 4) : 1
            let jitter = source.jitter > 0 ? Double.random(in: 0 ... source.jitter) * source.interval : 0
            let wait = min(source.interval * backoff, max(source.interval, 30)) + jitter - clock.now().timeIntervalSince(started)
            if wait > 0 { try? await Task.sleep(for: .milliseconds(clampedMilliseconds(wait))) }
        }
    }
}

public struct PollFailure: Error, CustomStringConvertible, Equatable {
    public var reason: String
    /// The reason often quotes what a server sent: it is made inert here.
    public init(reason: String) { self.reason = InertText.clean(reason) }
    public var description: String { reason }
}

/// A bound on concurrent polls: waiting tasks are served first come, first served.
public final class PollLimiter: Sendable {
    private struct State {
        var free: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state: Mutex<State>
    public let limit: Int

    public init(limit: Int) {
        self.limit = max(1, limit)
        state = Mutex(State(free: max(1, limit)))
    }

    public func acquire() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.free > 0 {
                    s.free -= 1
                    return true
                }
                s.waiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    public func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if !s.waiters.isEmpty { return s.waiters.removeFirst() }
            s.free += 1
            return nil
        }
        next?.resume()
    }

    /// Permits free now (for tests and the status line).
    public var available: Int { state.withLock { $0.free } }
}

/// Request headers from a source's credentials. Values are read at each
/// request and never appear in errors or logs: only where they come from.
public enum Credentials {
    public static func headers(for auth: SourceAuth, environment: [String: String]) throws(PollFailure) -> [(String, String)] {
        var out: [(String, String)] = []
        if let bearer = auth.bearer {
            out.append(("Authorization", "Bearer " + (try value(of: bearer, environment))))
        }
        if let basic = auth.basic {
            let pair = basic.username + ":" + (try value(of: basic.password, environment))
            out.append(("Authorization", "Basic " + Data(pair.utf8).base64EncodedString()))
        }
        for name in auth.headers.keys.sorted() {
            out.append((name, try value(of: auth.headers[name]!, environment)))
        }
        return out
    }

    public static func value(of ref: SecretRef, _ environment: [String: String]) throws(PollFailure) -> String {
        let raw: String
        switch ref {
        case .env(let name):
            guard let v = environment[name], !v.isEmpty else {
                throw PollFailure(reason: "credential \(ref) is not set")
            }
            raw = v
        case .file(let path):
            do {
                raw = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw PollFailure(reason: "credential \(ref): cannot read (\((error as NSError).localizedFailureReason ?? "unreadable"))")
            }
        }
        var v = raw
        while v.last == "\n" || v.last == "\r" { v.removeLast() }
        if v.isEmpty { throw PollFailure(reason: "credential \(ref) is empty") }
        if v.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\0" }) {
            throw PollFailure(reason: "credential \(ref) holds a line break; a header value cannot")
        }
        return v
    }
}
