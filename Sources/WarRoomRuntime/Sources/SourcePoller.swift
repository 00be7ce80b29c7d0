import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import WarRoomCore

/// Polls one source (a JSON health endpoint or a /metrics page) and turns its answers into events:
/// samples on success, one `sourceDown` when it stops answering (with the
/// reason) and one `sourceUp` when it returns (with how long it was gone).
public struct SourcePoller: Sendable {
    public static let maxBody = 1 << 20

    let source: SourceConfig
    let url: String
    let client: HTTPClient
    let clock: any WarRoomClock

    public init(source: SourceConfig, url: String, client: HTTPClient, clock: any WarRoomClock = SystemClock()) {
        self.source = source
        self.url = url
        self.client = client
        self.clock = clock
    }

    /// Fetch and decode once.
    public func fetch() async throws(PollFailure) -> HealthDecoder.Reading {
        var http = HTTPClientRequest(url: url)
        http.headers.add(name: "Accept", value: "application/json")
        let body: ByteBuffer
        let client = self.client
        let timeout = source.timeout
        let request = http
        do {
            body = try await withDeadline(timeout + 0.25) {  // the client's own deadline reports the connect error first
                let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
                guard (200 ..< 300).contains(response.status.code) else {
                    throw PollFailure(reason: "HTTP \(response.status.code) \(response.status.reasonPhrase)")
                }
                return try await response.body.collect(upTo: Self.maxBody)
            }
        } catch let failure as PollFailure {
            throw failure
        } catch {
            throw PollFailure(reason: FetchError.describe(error, timeout: source.timeout))
        }
        do {
            return try HealthDecoder.decode(Data(body.readableBytesView))
        } catch {
            throw PollFailure(reason: "bad health JSON: \(error)")
        }
    }

    /// Fetch a /metrics page and parse it strictly (the format chosen by Content-Type).
    public func scrape() async throws(PollFailure) -> (families: [MetricFamily], format: ExpositionFormat) {
        var http = HTTPClientRequest(url: url)
        http.headers.add(name: "Accept", value: "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;version=0.0.4;q=0.5")
        let client = self.client
        let timeout = source.timeout
        let request = http
        let body: ByteBuffer
        let contentType: String?
        do {
            (body, contentType) = try await withDeadline(timeout + 0.25) {
                let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
                guard (200 ..< 300).contains(response.status.code) else {
                    throw PollFailure(reason: "HTTP \(response.status.code) \(response.status.reasonPhrase)")
                }
                return (try await response.body.collect(upTo: 64 << 20), response.headers.first(name: "Content-Type"))
            }
        } catch let failure as PollFailure {
            throw failure
        } catch {
            throw PollFailure(reason: FetchError.describe(error, timeout: source.timeout))
        }
        let format = ExpositionFormat.from(contentType: contentType)
        do {
            let families = try body.withUnsafeReadableBytes { raw in
                try PrometheusTextParser.parse(UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count), format: format)
            }
            return (families, format)
        } catch let error as ExpositionError {
            throw PollFailure(reason: "bad metrics (\(format == .openMetrics100 ? "OpenMetrics 1.0" : "text 0.0.4")): \(error)")
        } catch {
            throw PollFailure(reason: "bad metrics: \(error)")
        }
    }

    /// Samples from this source: a health reading, or the change since the last scrape.
    public func samples(previous: Previous) async throws(PollFailure) -> [Sample] {
        switch source.kind {
        case .health:
            return try await fetch().samples
        case .scrape(_, let mapping):
            let (families, _) = try await scrape()
            let counters: [Cohort: CohortCounters]
            do { counters = try ScrapeReader.counters(families, mapping: mapping) } catch { throw PollFailure(reason: error.description) }
            let now = clock.now()
            guard let (before, at) = previous.swap(counters, at: now) else { return [] }
            return ScrapeReader.samples(previous: before, current: counters, elapsed: now.timeIntervalSince(at))
        }
    }

    /// The last scrape's counters, to turn the next one into rates.
    public final class Previous: Sendable {
        private let value = Mutex<([Cohort: CohortCounters], Date)?>(nil)
        public init() {}
        func swap(_ counters: [Cohort: CohortCounters], at time: Date) -> ([Cohort: CohortCounters], Date)? {
            value.withLock { v in
                defer { v = (counters, time) }
                return v
            }
        }
    }

    /// Poll until cancelled, handing each event to `sink`.
    public func run(sink: @escaping @Sendable (Event) async -> Void) async {
        var downSince: Date?
        var failures = 0
        let previous = Previous()
        while !Task.isCancelled {
            let started = clock.now()
            do {
                let samples = try await self.samples(previous: previous)
                if let since = downSince {
                    await sink(.sourceUp(source: source.name, downFor: clock.now().timeIntervalSince(since)))
                    downSince = nil
                }
                failures = 0
                if !samples.isEmpty { await sink(.samples(source: source.name, samples: samples)) }
            } catch {
                failures += 1
                if downSince == nil {
                    downSince = started
                    await sink(.sourceDown(source: source.name, reason: error.reason))
                }
            }
            // Back off while the source is down, never past 4 intervals or 30 s.
            let backoff = failures > 1 ? min(pow(2, Double(failures - 1)), 4) : 1
            let wait = min(source.interval * backoff, max(source.interval, 30)) - clock.now().timeIntervalSince(started)
            if wait > 0 { try? await Task.sleep(for: .milliseconds(Int64(wait * 1000))) }
        }
    }
}

public struct PollFailure: Error, CustomStringConvertible, Equatable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { reason }
}
