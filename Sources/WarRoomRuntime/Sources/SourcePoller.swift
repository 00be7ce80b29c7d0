import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
public import WarRoomCore

/// Polls one source and turns its answers into events: samples (or alert
/// changes) on success, one `sourceDown` when it stops answering (with the
/// reason) and one `sourceUp` when it returns (with how long it was gone).
public struct SourcePoller: Sendable {
    /// The largest body read from a JSON source (health, Prometheus API, Alertmanager).
    public static let maxJSONBody = 8 << 20
    /// The largest /metrics page read.
    public static let maxScrapeBody = 64 << 20

    public let source: SourceConfig
    let client: WarRoomHTTPClient
    let clock: any WarRoomClock
    let limiter: PollLimiter?
    let environment: [String: String]
    /// A number in 0...1 for each wait's jitter (injected: tests know each wait).
    let random: @Sendable () -> Double

    /// `clock` gives the time, the wait between polls and each fetch's
    /// deadline; `random` the jitter.
    public init(
        source: SourceConfig, client: WarRoomHTTPClient, clock: any WarRoomClock = SystemClock(),
        limiter: PollLimiter? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0 ... 1) }
    ) {
        self.source = source
        self.client = client
        self.clock = clock
        self.limiter = limiter
        self.environment = environment
        self.random = random
    }

    // MARK: - HTTP

    /// One GET with this source's credentials, timeout and body limit. A
    /// redirect is an error naming its target: it is never followed, so the
    /// credentials never reach another origin.
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
            return try await withDeadline(timeout + 0.25, clock: clock) {  // the client's own deadline reports the connect error first
                let response = try await client.execute(request, timeout: .milliseconds(clampedMilliseconds(timeout)))
                if let refusal = WarRoomHTTPClient.redirectRefusal(
                    status: Int(response.status.code), location: response.headers.first(name: "Location"))
                {
                    throw PollFailure(reason: refusal)
                }
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
        do throws(HealthDecoder.Failure) {
            return try HealthDecoder.decode(data)
        } catch {
            throw PollFailure(reason: "bad health JSON: \(error)", cause: error.notJSON ? .healthNotJSON : nil)
        }
    }

    /// The families a scrape mapping reads (an OpenMetrics counter's family drops `_total`).
    static func families(of mapping: ScrapeMapping) -> Set<String> {
        var names: Set<String> = [mapping.requests, mapping.latency]
        if mapping.requests.hasSuffix("_total") { names.insert(String(mapping.requests.dropLast(6))) }
        return names
    }

    /// Fetch a /metrics page and parse all of it strictly (the format chosen by
    /// Content-Type), keeping only the families the mapping reads (`all` keeps
    /// every family, for `probe`). The kept samples are bounded by the source's
    /// limits: more than `maxSeries` is refused, longer label values are cut
    /// (said once in `notes`).
    public func scrape(all: Bool = false) async throws(PollFailure) -> (families: [MetricFamily], format: ExpositionFormat, notes: [String]) {
        let (status, contentType, body) = try await get(
            source.kind.url, accept: "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5",
            maxBody: Self.maxScrapeBody)
        try requireOK(status, body)
        let format = ExpositionFormat.from(contentType: contentType)
        do {
            let keep: Set<String>?
            if all { keep = nil } else if case .scrape(_, let mapping) = source.kind { keep = Self.families(of: mapping) } else { keep = nil }
            var families = try body.withUnsafeReadableBytes { raw in
                let buffer = UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count)
                return try keep.map { try PrometheusTextParser.parse(buffer, format: format, keeping: $0) }
                    ?? PrometheusTextParser.parse(buffer, format: format)
            }
            var notes: [String] = []
            if !all {
                let count = families.reduce(0) { $0 + $1.samples.count }
                if count > source.limits.maxSeries {
                    throw PollFailure(
                        reason:
                            "the mapped families (\(families.map(\.name).sorted().joined(separator: ", "))) hold \(count) samples, more than max_series \(source.limits.maxSeries): refused (aggregate on the server, or raise max_series)"
                    )
                }
                let cap = source.limits.maxLabelLength
                var cut = 0
                for f in families.indices {
                    for i in families[f].samples.indices {
                        for l in families[f].samples[i].labels.indices where families[f].samples[i].labels[l].value.utf8.count > cap {
                            families[f].samples[i].labels[l].value = String(
                                decoding: families[f].samples[i].labels[l].value.utf8.prefix(cap), as: UTF8.self)
                            cut += 1
                        }
                    }
                }
                if cut > 0 { notes.append("\(cut) label value\(cut == 1 ? "" : "s") longer than max_label_length \(cap) cut to \(cap) bytes") }
            }
            return (families.map(\.inert), format, notes)
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
                throw PollFailure(
                    reason:
                        "range query for \(key.cohort.rawValue).\(key.metric.rawValue): expected one series, got \(series.count); aggregate with sum() or max()"
                )
            }
            let points = (series.first?.points ?? []).filter(\.value.isFinite)
                .map { Series.Point(time: Date(timeIntervalSince1970: $0.time), value: $0.value) }
            if !points.isEmpty { out.append(SeriesHistory(key: key, points: points)) }
        }
        return out
    }

    /// `/api/v2/alerts` with each configured matcher as a `filter=` parameter.
    public static func alertsURL(base: String, matchers: [String]) -> String {
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        guard !matchers.isEmpty else { return trimmed + "/api/v2/alerts" }
        let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+#?"))
        return trimmed + "/api/v2/alerts?"
            + matchers.map { "filter=" + ($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0) }.joined(separator: "&")
    }

    /// The alerts an Alertmanager holds now that match the source's
    /// `matchers`, at most `maxAlerts` of them (the worst first) with
    /// annotations cut to `maxAnnotationLength`; `notes` says when a cap cut something.
    public func alerts() async throws(PollFailure) -> (alerts: [AlertmanagerAlert], notes: [String]) {
        let (status, _, body) = try await get(
            Self.alertsURL(base: source.kind.url, matchers: source.matchers),
            accept: "application/json", maxBody: Self.maxJSONBody)
        try requireOK(status, body)
        let all: [AlertmanagerAlert]
        do {
            all = try AlertmanagerDecoder.decode(Data(body.readableBytesView))
        } catch {
            throw PollFailure(reason: "bad Alertmanager JSON: \(error)")
        }
        let map: AlertSeverityMap
        if case .alertmanager(_, let m) = source.kind { map = m } else { map = AlertSeverityMap() }
        return Self.bounded(all, limits: source.limits, map: map)
    }

    /// At most `maxAlerts` (firing before suppressed, worse severity first,
    /// then oldest), annotations cut; with a note for each cap that cut.
    static func bounded(_ all: [AlertmanagerAlert], limits: FeedLimits, map: AlertSeverityMap) -> (alerts: [AlertmanagerAlert], notes: [String]) {
        var notes: [String] = []
        var alerts = all
        if alerts.count > limits.maxAlerts {
            let ranked = alerts.enumerated().sorted { a, b in
                let ka = (a.element.isSuppressed ? 1 : 0, map.level(of: a.element) ?? 9, a.element.startsAt ?? .distantFuture, a.offset)
                let kb = (b.element.isSuppressed ? 1 : 0, map.level(of: b.element) ?? 9, b.element.startsAt ?? .distantFuture, b.offset)
                return ka < kb
            }
            let keep = Set(ranked.prefix(limits.maxAlerts).map(\.offset))
            alerts = alerts.enumerated().filter { keep.contains($0.offset) }.map(\.element)
            notes.append(
                "\(all.count) alerts, more than max_alerts \(limits.maxAlerts): only the \(limits.maxAlerts) worst are tracked (narrow matchers: or raise max_alerts)"
            )
        }
        var cut = 0
        for i in alerts.indices {
            for (key, value) in alerts[i].annotations where value.count > limits.maxAnnotationLength {
                alerts[i].annotations[key] = String(value.prefix(limits.maxAnnotationLength)) + "…"
                cut += 1
            }
        }
        if cut > 0 { notes.append("\(cut) annotation\(cut == 1 ? "" : "s") longer than max_annotation_length \(limits.maxAnnotationLength) cut") }
        return (alerts, notes)
    }

    /// A reason with URLs and every credential value of this source masked.
    public func masked(_ reason: String) -> String {
        Redact.text(reason, secrets: Credentials.secretValues(for: source.auth, environment: environment))
    }

    // MARK: - Polling

    /// What one poll found: events to record.
    public func poll(_ memory: Memory) async throws(PollFailure) -> [Event] {
        switch source.kind {
        case .health:
            let samples = try await fetch().samples
            return samples.isEmpty ? [] : [.samples(source: source.name, samples: samples)]
        case .scrape(_, let mapping):
            let (families, _, notes) = try await scrape()
            memory.notice(notes)
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
            let (alerts, notes) = try await self.alerts()
            // A cap that cut something is said once in the timeline (and in the log).
            let said = memory.notice(notes).map { Event.note(text: "\(source.name): \($0)", by: WarRoomState.automatic) }
            return said
                + memory.track(alerts, now: clock.now()).map { change in
                    Event.alert(Self.notice(change, source: source.name, map: map))
                }
        }
    }

    static func notice(_ change: AlertChange, source: String, map: AlertSeverityMap) -> AlertNotice {
        func make(_ alert: AlertmanagerAlert, _ kind: AlertNotice.Change) -> AlertNotice {
            AlertNotice(
                source: source, fingerprint: alert.fingerprint, name: alert.name, change: kind,
                level: map.level(of: alert).flatMap { Severity(number: $0) }, summary: alert.summary.map { Redact.text($0) }, labels: alert.labels)
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
            var noticed: Set<String> = []
            var newNotices: [String] = []
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

        /// Record notes about caps; returns those not said before (each cap,
        /// named by its `max_` setting in the note, is said once whatever the numbers).
        @discardableResult
        func notice(_ notes: [String]) -> [String] {
            state.withLock { s in
                var fresh: [String] = []
                for n in notes {
                    let kind = n.split(separator: " ").first { $0.hasPrefix("max_") }.map(String.init) ?? n
                    if s.noticed.insert(kind).inserted {
                        fresh.append(n)
                        s.newNotices.append(n)
                    }
                }
                return fresh
            }
        }

        /// Cap notes not logged yet.
        public func takeNotices() -> [String] {
            state.withLock { s in
                defer { s.newNotices = [] }
                return s.newNotices
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
        var offset: TimeInterval = 0  // the jitter this poll started with
        let memory = Memory()
        if case .prometheus = source.kind {
            if let limiter, await !limiter.acquire() { return }
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
            if let limiter, await !limiter.acquire() { return }  // stopped while waiting its turn
            let result: Result<[Event], PollFailure>
            do throws(PollFailure) {
                result = .success(try await poll(memory))
            } catch {
                result = .failure(error)
            }
            limiter?.release()
            // Stopped mid-poll (a quit): the source did not go down, and nothing is recorded.
            if Task.isCancelled { return }
            switch result {
            case .success(let events):
                if let since = downSince {
                    await sink(.sourceUp(source: source.name, downFor: clock.now().timeIntervalSince(since)))
                    downSince = nil
                }
                failures = 0
                for event in events { await sink(event) }
                for w in memory.takeWarnings() { onWarning("\(source.name): Prometheus warning: \(w)") }
                for n in memory.takeNotices() { onWarning("\(source.name): \(n)") }
            case .failure(let error):
                failures += 1
                if downSince == nil {
                    downSince = started
                    await sink(.sourceDown(source: source.name, reason: masked(error.reason)))
                }
            }
            let jitter = source.jitter * min(max(random(), 0), 1)
            let next = Self.nextPoll(after: started, jittered: offset, interval: source.interval, failures: failures, jitter: jitter)
            offset = jitter * source.interval
            let wait = next.timeIntervalSince(clock.now())
            if wait > 0 { try? await clock.sleep(for: wait) }
        }
    }
}

extension SourcePoller {
    /// When the poll after one that started at `started` starts: an interval
    /// later, backing off while the source is down (`failures` in a row: 2
    /// and 4 intervals, never past 4 intervals or 30 s), plus `jitter` (a
    /// share of the interval, drawn at random for each wait) to spread sources
    /// apart. An interval of whole seconds keeps to whole seconds of the wall
    /// clock (`jittered`: the seconds of jitter this poll's start had, taken
    /// off first), so a source polled every second without jitter reads
    /// just after the second starts, as the screen's clock redraws: its
    /// frame is that second's only one (`TerminalLoop`), not a second frame a
    /// fraction later.
    static func nextPoll(after started: Date, jittered: TimeInterval = 0, interval: TimeInterval, failures: Int, jitter: Double) -> Date {
        let backoff = failures > 1 ? min(pow(2, Double(failures - 1)), 4) : 1
        let wait = min(interval * backoff, max(interval, 30))
        guard interval >= 1, interval == interval.rounded() else { return started.addingTimeInterval(wait + jitter * interval) }
        let onGrid = (started.timeIntervalSince1970 - jittered + wait).rounded()
        return Date(timeIntervalSince1970: onGrid + jitter * interval)
    }
}

public struct PollFailure: Error, CustomStringConvertible, Equatable {
    /// What went wrong where a caller decides on it (the reason is for display).
    public enum Cause: Sendable, Equatable {
        /// A health source's body is not JSON at all (`probe` suggests `--kind scrape`).
        case healthNotJSON
    }

    public var reason: String
    public var cause: Cause?
    /// The reason often quotes what a server sent: it is made inert, and URLs
    /// in it are masked (userinfo, secret query values).
    public init(reason: String, cause: Cause? = nil) {
        self.reason = Redact.text(InertText.clean(reason))
        self.cause = cause
    }
    public var description: String { reason }
}

/// A bound on concurrent polls: waiting tasks are served first come, first
/// served. A task cancelled while it waits stops waiting at once (a quit
/// with hundreds of sources queued behind slow fetches).
public final class PollLimiter: Sendable {
    private struct State {
        var free: Int
        var waiters: [(id: Int, wake: CheckedContinuation<Bool, Never>)] = []
        var next = 0
    }
    private let state: Mutex<State>
    public let limit: Int

    public init(limit: Int) {
        self.limit = max(1, limit)
        state = Mutex(State(free: max(1, limit)))
    }

    /// Take a permit, waiting for one; false (and no permit to release) when
    /// the task is cancelled, before or while it waits.
    @discardableResult
    public func acquire() async -> Bool {
        let id = state.withLock { s in
            defer { s.next += 1 }
            return s.next
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (wake: CheckedContinuation<Bool, Never>) in
                let now: Bool? = state.withLock { s in
                    if Task.isCancelled { return false }
                    if s.free > 0 {
                        s.free -= 1
                        return true
                    }
                    s.waiters.append((id, wake))
                    return nil
                }
                if let now { wake.resume(returning: now) }
            }
        } onCancel: {
            let wake = state.withLock { s -> CheckedContinuation<Bool, Never>? in
                guard let i = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiters.remove(at: i).wake
            }
            wake?.resume(returning: false)
        }
    }

    public func release() {
        let next = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            if !s.waiters.isEmpty { return s.waiters.removeFirst().wake }
            s.free += 1
            return nil
        }
        next?.resume(returning: true)
    }

    /// Permits free now (for tests and the status line).
    public var available: Int { state.withLock { $0.free } }
    /// Tasks waiting for a permit now.
    public var waiting: Int { state.withLock { $0.waiters.count } }
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

    /// Every secret value these credentials would send (for masking); never throws.
    public static func secretValues(for auth: SourceAuth, environment: [String: String]) -> [String] {
        var out: [String] = []
        for ref in [auth.bearer, auth.basic?.password].compactMap({ $0 }) + Array(auth.headers.values) {
            if let v = try? value(of: ref, environment) { out.append(v) }
        }
        if let basic = auth.basic, let p = try? value(of: basic.password, environment) {
            out.append(Data((basic.username + ":" + p).utf8).base64EncodedString())
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
