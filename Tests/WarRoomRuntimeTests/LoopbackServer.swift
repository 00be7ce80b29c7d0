import Foundation
import Hummingbird
import LaunchSimulator
import NIOCore
import WarRoomTestSupport

/// Starts a server on a free loopback port for the length of `body`.
func withSimulator<T: Sendable>(
    _ scenario: Scenario = .calm, now: @escaping @Sendable () -> Date = { Date() },
    _ body: (LaunchSimulator, Int) async throws -> T
) async throws -> T {
    let simulator = LaunchSimulator(scenario: scenario, now: now)
    let (ready, continuation) = AsyncStream.makeStream(of: Int.self)
    let server = Task { try await simulator.run { continuation.yield($0) } }
    defer { server.cancel() }
    var it = ready.makeAsyncIterator()
    guard let port = await it.next() else { throw CancellationError() }
    return try await body(simulator, port)
}

/// A server that misbehaves in the ways real sources do.
func withFaultyServer<T: Sendable>(_ body: (Int) async throws -> T) async throws -> T {
    let router = Router()
    router.get("slow") { _, _ -> String in
        try await Task.sleep(for: .seconds(5))
        return "{}"
    }
    router.get("down") { _, _ in Response(status: .serviceUnavailable) }
    router.get("malformed") { _, _ in "{\"error_rate\": 0.1" }
    router.get("wrongtype") { _, _ in "{\"error_rate\": \"high\"}" }
    router.get("huge") { _, _ -> Response in
        Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: " "), count: 50 << 20)))
    }
    router.get("trickle") { _, _ -> Response in
        Response(
            status: .ok,
            body: .init { writer in
                for _ in 0 ..< 20 {
                    try await writer.write(ByteBuffer(string: " "))
                    try await Task.sleep(for: .milliseconds(300))
                }
                try await writer.write(ByteBuffer(string: "{}"))
                try await writer.finish(nil)
            })
    }
    router.post("fail") { _, _ in Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "deploy tool exploded"))) }
    router.post("auth") { request, _ -> Response in
        let value = request.headers[.authorization] ?? "none"
        return Response(status: value == "Bearer s3cret" ? .ok : .unauthorized, body: .init(byteBuffer: ByteBuffer(string: value)))
    }
    router.post("echo") { request, _ -> Response in
        let body = try await request.body.collect(upTo: 1 << 16)
        return Response(status: .ok, body: .init(byteBuffer: body))
    }
    return try await withServer(router, body)
}

/// Run `router` on a free loopback port for the length of `body`.
func withServer<T: Sendable>(_ router: Router<BasicRequestContext>, _ body: (Int) async throws -> T) async throws -> T {
    let (ready, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
    let server = Task { try await app.run() }
    defer { server.cancel() }
    var it = ready.makeAsyncIterator()
    guard let port = await it.next() else { throw CancellationError() }
    return try await body(port)
}
