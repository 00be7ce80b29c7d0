public import AsyncHTTPClient
import Foundation
public import NIOCore
import NIOHTTP1
import WarRoomCore

/// The only HTTP client warroom sends with (sources, commands, pages). It
/// never follows a redirect: async-http-client would carry our custom
/// credential headers (X-Scope-OrgID, a webhook token) to whatever origin a
/// redirect names, and would turn a POST to the traffic controller into a GET.
/// A 3xx answer is an error that says where it pointed. Pollers and executors
/// take this type, not a bare `HTTPClient`, so no path can send with a client
/// that follows.
public final class WarRoomHTTPClient: Sendable {
    /// One for the whole process (tests, short-lived commands).
    public static let shared = WarRoomHTTPClient()

    let client: HTTPClient

    public init() {
        let configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func execute(_ request: HTTPClientRequest, timeout: TimeAmount) async throws -> HTTPClientResponse {
        try await client.execute(request, timeout: timeout)
    }

    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// For a redirect answer: "HTTP 302 redirect to https://other/…: not
    /// followed, …" (the target masked); nil for any other status.
    public static func redirectRefusal(status: Int, location: String?) -> String? {
        guard [301, 302, 303, 307, 308].contains(status) else { return nil }
        let target = location.map { Redact.url($0.trimmingCharacters(in: .whitespaces)) } ?? "(no Location header)"
        return "HTTP \(status) redirect to \(target): not followed (credentials go only to the configured URL; configure the final address)"
    }
}
