import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WarRoomCore

/// Sends a command to production and reports how it went. Never throws:
/// every failure is an outcome to record.
public protocol CommandExecutor: Sendable {
    func run(_ request: CommandRequest, service: String) async -> CommandOutcome
}

/// Runs the commands named in the config.
public struct ConfiguredExecutor: CommandExecutor {
    let specs: [String: CommandSpec]
    let client: HTTPClient
    let clock: any WarRoomClock

    public init(specs: [String: CommandSpec], client: HTTPClient, clock: any WarRoomClock = SystemClock()) {
        self.specs = specs
        self.client = client
        self.clock = clock
    }

    public func run(_ request: CommandRequest, service: String) async -> CommandOutcome {
        guard let spec = Self.spec(for: request.action, in: specs) else {
            if request.action == .pause || request.action == .resume {
                return CommandOutcome(succeeded: true, detail: "recorded only (no \(request.action.name) command configured)", duration: 0)
            }
            return CommandOutcome(succeeded: false, detail: "no \(request.action.name) command configured", duration: 0)
        }
        return await spec.run(values: Placeholders.values(for: request, service: service), client: client, clock: clock)
    }
}

extension CommandSpec {
    /// Send it: run the program or call the webhook, placeholders filled from `values`.
    public func run(values: [String: String], client: HTTPClient, clock: any WarRoomClock = SystemClock()) async -> CommandOutcome {
        let started = clock.now()
        switch self {
        case .program(let argv, let timeout):
            return await ProgramRunner.run(argv.map { Placeholders.fill($0, values, escape: .none) }, timeout: timeout, clock: clock)
        case .webhook(let method, let url, let body, let headers, let timeout):
            var http = HTTPClientRequest(url: Placeholders.fill(url, values, escape: .url))
            http.method = HTTPMethod(rawValue: method.uppercased())
            let environment = ProcessInfo.processInfo.environment
            for (name, variable) in headers.sorted(by: { $0.key < $1.key }) {
                guard let value = environment[variable], !value.isEmpty else {
                    return CommandOutcome(succeeded: false, detail: "environment variable \(variable) is not set (for header \(name)); not sent", duration: 0)
                }
                http.headers.add(name: name, value: value)
            }
            if let body {
                http.body = .bytes(ByteBuffer(string: Placeholders.fill(body, values, escape: .json)))
                if !http.headers.contains(name: "Content-Type") { http.headers.add(name: "Content-Type", value: "application/json") }
            }
            let request = http
            do {
                let (code, bytes) = try await withDeadline(timeout + 0.25) {
                    let response = try await client.execute(request, timeout: .milliseconds(clampedMilliseconds(timeout)))
                    return (response.status.code, try await response.body.collect(upTo: 64 * 1024))
                }
                let text = String(buffer: bytes).trimmingCharacters(in: .whitespacesAndNewlines)
                return CommandOutcome(
                    succeeded: (200 ..< 300).contains(code), detail: "HTTP \(code)",
                    duration: clock.now().timeIntervalSince(started), output: String(text.suffix(2000)))
            } catch {
                return CommandOutcome(
                    succeeded: false, detail: FetchError.describe(error, timeout: timeout),
                    duration: clock.now().timeIntervalSince(started))
            }
        }
    }
}

/// Sends pages through the configured paging command.
public protocol Pager: Sendable {
    func page(_ request: PageRequest, service: String) async -> CommandOutcome
}

public struct ConfiguredPager: Pager {
    let spec: CommandSpec?
    let client: HTTPClient
    public init(spec: CommandSpec?, client: HTTPClient) {
        self.spec = spec
        self.client = client
    }

    public func page(_ request: PageRequest, service: String) async -> CommandOutcome {
        guard let spec else { return CommandOutcome(succeeded: false, detail: "no paging command configured", duration: 0) }
        return await spec.run(values: Placeholders.values(for: request, service: service), client: client)
    }
}

extension ConfiguredExecutor {
    public static func spec(for action: CommandAction, in specs: [String: CommandSpec]) -> CommandSpec? {
        CommandSpec.lookup(action, in: specs)
    }

    public static func preview(_ action: CommandAction, reason: String, by: String, service: String, in specs: [String: CommandSpec]) -> String {
        CommandSpec.preview(action, reason: reason, by: by, service: service, in: specs)
    }
}

/// Asks the traffic controller what weight is in force.
public protocol TrafficReader: Sendable {
    func read() async -> TrafficReading
}

/// Reads the weight through `commands.read_traffic` (a program or webhook
/// that prints a number, or JSON with `percent`).
public struct ConfiguredTrafficReader: TrafficReader {
    let spec: CommandSpec
    let client: HTTPClient
    public init(spec: CommandSpec, client: HTTPClient) {
        self.spec = spec
        self.client = client
    }

    public func read() async -> TrafficReading {
        let outcome = await spec.run(values: [:], client: client)
        guard outcome.succeeded else { return TrafficReading(percent: nil, detail: outcome.detail) }
        guard let percent = TrafficReading.parse(outcome.output), (0 ... 100).contains(percent) else {
            return TrafficReading(percent: nil, detail: "\(outcome.detail) but no weight from 0 to 100 in '\(outcome.output.prefix(80))'")
        }
        return TrafficReading(percent: percent, detail: outcome.detail)
    }
}

/// Records commands without sending them.
public struct DryRunExecutor: CommandExecutor {
    let specs: [String: CommandSpec]
    public init(specs: [String: CommandSpec]) { self.specs = specs }

    public func run(_ request: CommandRequest, service: String) async -> CommandOutcome {
        let what = ConfiguredExecutor.preview(request.action, reason: request.reason, by: request.by, service: service, in: specs)
        return CommandOutcome(succeeded: true, detail: "dry run: not sent", duration: 0, output: what)
    }
}

