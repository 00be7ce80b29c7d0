import AsyncHTTPClient
import Foundation
import NIOCore
import WarRoomCore

/// Polls one HTTP JSON health endpoint and turns its answers into events:
/// samples on success, one `sourceDown` when it stops answering (with the
/// reason) and one `sourceUp` when it returns (with how long it was gone).
public struct HealthPoller: Sendable {
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

    /// Poll until cancelled, handing each event to `sink`.
    public func run(sink: @escaping @Sendable (Event) async -> Void) async {
        var downSince: Date?
        var failures = 0
        while !Task.isCancelled {
            let started = clock.now()
            do {
                let reading = try await fetch()
                if let since = downSince {
                    await sink(.sourceUp(source: source.name, downFor: clock.now().timeIntervalSince(since)))
                    downSince = nil
                }
                failures = 0
                if !reading.samples.isEmpty { await sink(.samples(source: source.name, samples: reading.samples)) }
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
