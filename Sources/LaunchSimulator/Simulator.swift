public import Foundation
import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The simulated service on a loopback port: `GET /health`, `GET /metrics`,
/// `POST /traffic {"percent": N}`, `POST /rollback`, `GET /state`.
public final class LaunchSimulator: Sendable {
    private let model: Mutex<ServiceModel>
    private let started: Date
    private let now: @Sendable () -> Date
    public let host: String
    public let requestedPort: Int
    private let boundPort = Mutex<Int?>(nil)
    private let logger: Logger

    public init(
        scenario: Scenario, host: String = "127.0.0.1", port: Int = 0,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "simulator")
    ) {
        model = Mutex(ServiceModel(scenario: scenario))
        self.now = now
        started = now()
        self.host = host
        requestedPort = port
        self.logger = logger
    }

    /// Seconds since the simulator started: the scenario's clock.
    public var elapsed: TimeInterval { now().timeIntervalSince(started) }

    /// The port actually bound, once running.
    public var port: Int? { boundPort.withLock { $0 } }

    public var canaryPercent: Double { model.withLock { $0.canaryPercent } }
    public var rolledBack: Bool { model.withLock { $0.rolledBack } }

    /// Run until cancelled. `onReady` gets the bound port.
    public func run(onReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router()
        router.get("health") { _, _ in self.health() }
        router.get("metrics") { _, _ in self.metrics() }
        router.get("state") { _, _ in self.state() }
        router.post("traffic") { request, _ in
            let body = try await request.body.collect(upTo: 4096)
            return self.traffic(Data(body.readableBytesView))
        }
        router.post("rollback") { _, _ in self.rollback() }
        // What a traffic controller says is in force (commands.read_traffic).
        router.get("traffic") { _, _ in self.trafficInForce() }
        // Fault drills: each request gets the next misbehaviour in a fixed cycle.
        router.get("chaos/health") { _, _ in try await self.chaos(metrics: false) }
        router.get("chaos/metrics") { _, _ in try await self.chaos(metrics: true) }
        // HummingbirdCore's server, without Hummingbird's `Application`: that
        // adds a date cache refreshed by a timer every second, which would be
        // the idle demo's own wake-ups. One request a second formats its own.
        let responder = router.buildResponder()
        let logger = self.logger
        let server = try HTTPServerBuilder.http1().buildServer(
            configuration: .init(address: .hostname(host, port: requestedPort)),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger,
            responder: { request, writer, channel in
                let context = BasicRequestContext(source: .init(channel: channel, logger: logger))
                var response: Response
                do {
                    response = try await responder.respond(to: request, context: context)
                } catch {
                    logger.debug("simulator: \(error)")
                    response = Response(status: .internalServerError)
                }
                response.headers[.date] = HTTPDate.format(Date())
                response.headers[.server] = "warroom-simulator"
                try await writer.write(response: response.head, body: response.body)
            },
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                self.boundPort.withLock { $0 = port }
                await onReady(port)
            })
        try await server.run()
    }

    private func advanced<T>(_ body: (inout ServiceModel, TimeInterval) -> T) -> T {
        let t = elapsed
        return model.withLock { m in
            m.advance(to: t)
            return body(&m, t)
        }
    }

    func health() -> Response {
        let (down, text) = advanced { m, t in (m.endpointDown(at: t), m.healthJSON(at: t)) }
        if down { return Self.text(#"{"status":"down","error":"service unavailable"}"#, status: .serviceUnavailable, type: "application/json") }
        return Self.text(text, status: .ok, type: "application/json")
    }

    func metrics() -> Response {
        let (down, text) = advanced { m, t in (m.endpointDown(at: t), m.metricsText()) }
        if down { return Self.text("service unavailable\n", status: .serviceUnavailable, type: "text/plain") }
        return Self.text(text, status: .ok, type: "text/plain; version=0.0.4; charset=utf-8")
    }

    func state() -> Response {
        let json = advanced { m, t in
            String(
                format: #"{"canary_percent":%g,"rolled_back":%@,"elapsed":%.1f,"scenario":"%@"}"#,
                m.canaryPercent, m.rolledBack ? "true" : "false", t, m.scenario.name)
        }
        return Self.text(json, status: .ok, type: "application/json")
    }

    func traffic(_ body: Data) -> Response {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let number = object["percent"] as? NSNumber
        else {
            return Self.text(#"{"error":"expected {\"percent\": N} with N from 0 to 100"}"#, status: .badRequest, type: "application/json")
        }
        let percent = number.doubleValue
        guard percent.isFinite, percent >= 0, percent <= 100 else {
            return Self.text(#"{"error":"percent must be from 0 to 100"}"#, status: .badRequest, type: "application/json")
        }
        advanced { m, _ in m.setTraffic(percent) }
        logger.info("traffic set to \(percent)%")
        return state()
    }

    func trafficInForce() -> Response {
        let json = advanced { m, _ in String(format: #"{"percent":%g}"#, m.canaryPercent) }
        return Self.text(json, status: .ok, type: "application/json")
    }

    func rollback() -> Response {
        advanced { m, _ in m.rollback() }
        logger.info("rolled back")
        return state()
    }

    private let chaosCount = Mutex(0)

    /// The faults real sources have, one per request in turn: a good answer,
    /// a 503, a hang past any sane timeout, garbage, wrong types, a trickle,
    /// a truncated body, an empty 200, and a body of several megabytes.
    func chaos(metrics: Bool) async throws -> Response {
        let n = chaosCount.withLock { c in
            defer { c += 1 }
            return c
        }
        switch n % 9 {
        case 0: return metrics ? self.metrics() : health()
        case 1: return Self.text("upstream exploded\n", status: .serviceUnavailable, type: "text/plain")
        case 2:
            try await Task.sleep(for: .seconds(30))
            return metrics ? self.metrics() : health()
        case 3: return Self.text("\u{0}\u{7}<html>garbage ☃ \u{1B}[2J{{{", status: .ok, type: metrics ? "text/plain" : "application/json")
        case 4:
            return Self.text(
                metrics ? "http_requests_total{cohort=\"stable\",code=\"200\"} lots\n" : #"{"error_rate": "high", "cohorts": 7}"#,
                status: .ok, type: metrics ? "text/plain" : "application/json")
        case 5:
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init { writer in
                    for _ in 0 ..< 40 {
                        try await writer.write(ByteBuffer(string: " "))
                        try await Task.sleep(for: .milliseconds(250))
                    }
                    try await writer.finish(nil)
                })
        case 6: return Self.text(metrics ? "# TYPE x counter\nx 1" : #"{"status": "healthy", "error_rate": 0.0"#, status: .ok, type: "text/plain")
        case 7: return Self.text("", status: .ok, type: "application/json")
        default:
            return Response(
                status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "#"), count: 12 << 20))
            )
        }
    }

    static func text(_ text: String, status: HTTPResponse.Status, type: String) -> Response {
        Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// An HTTP `Date` header (RFC 9110 IMF-fixdate, "Sun, 06 Nov 1994 08:49:37
/// GMT"): English names whatever the locale, always UTC.
public enum HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let c = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { String(format: "%02d", n ?? 0) }
        return "\(days[((c.weekday ?? 1) - 1) % 7]), \(two(c.day)) \(months[((c.month ?? 1) - 1) % 12]) \(String(format: "%04d", c.year ?? 0)) "
            + "\(two(c.hour)):\(two(c.minute)):\(two(c.second)) GMT"
    }
}
