import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
public import WarRoomCore

/// Sends a command to production and reports how it went. Never throws:
/// every failure is an outcome to record.
public protocol CommandExecutor: Sendable {
    func run(_ request: CommandRequest, service: String) async -> CommandOutcome
}

/// Runs the commands named in the config.
public struct ConfiguredExecutor: CommandExecutor {
    let specs: [String: CommandSpec]
    let client: WarRoomHTTPClient
    let clock: any WarRoomClock
    let environment: [String: String]?

    /// `environment` is warroom's own (nil: read at each command, so a rotated
    /// variable is used); a program gets only its base names and what its
    /// `env:` names, a webhook reads its header and URL secrets from it.
    public init(
        specs: [String: CommandSpec], client: WarRoomHTTPClient, clock: any WarRoomClock = SystemClock(),
        environment: [String: String]? = nil
    ) {
        self.specs = specs
        self.client = client
        self.clock = clock
        self.environment = environment
    }

    public func run(_ request: CommandRequest, service: String) async -> CommandOutcome {
        guard let spec = Self.spec(for: request.action, in: specs) else {
            if request.action == .pause || request.action == .resume {
                return CommandOutcome(succeeded: true, detail: "recorded only (no \(request.action.name) command configured)", duration: 0)
            }
            return CommandOutcome(succeeded: false, detail: "no \(request.action.name) command configured", duration: 0)
        }
        return await spec.run(
            values: Placeholders.values(for: request, service: service), client: client, clock: clock,
            environment: environment ?? ProcessInfo.processInfo.environment)
    }
}

extension CommandSpec {
    /// Send it: run the program or call the webhook, placeholders filled from
    /// `values` in one pass. What is sent is exactly what `preview` showed.
    public func run(
        values: [String: String], client: WarRoomHTTPClient, clock: any WarRoomClock = SystemClock(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async -> CommandOutcome {
        let exact: ExactCommand
        do throws(CommandNotSent) {
            exact = try prepare(values)
        } catch {
            return CommandOutcome(succeeded: false, detail: error.description, duration: 0)
        }
        return await exact.send(client: client, clock: clock, environment: environment)
    }
}

extension ExactCommand {
    /// Send it. Never throws: every failure is an outcome. Secret values
    /// (header values, a secret URL) are read now and masked in what comes back.
    public func send(
        client: WarRoomHTTPClient, clock: any WarRoomClock = SystemClock(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async -> CommandOutcome {
        let started = clock.now()
        switch self {
        case .program(let argv, let env, let timeout):
            let childEnvironment = ChildEnv.environment(env, from: environment)
            let secrets = env.compactMap { entry -> String? in
                if case .pass(let name) = entry, !ChildEnv.baseNames.contains(name) { return childEnvironment[name] }
                return nil
            }
            var outcome = await ProgramRunner.run(argv, timeout: timeout, clock: clock, environment: childEnvironment)
            outcome.output = Redact.text(outcome.output, secrets: secrets)
            outcome.detail = Redact.text(outcome.detail, secrets: secrets)
            return outcome
        case .webhook(let method, let url, let body, let headers, let timeout):
            let target: String
            switch url {
            case .literal(let u): target = u
            case .secret(let ref):
                do {
                    target = try Credentials.value(of: ref, environment)
                } catch {
                    return CommandOutcome(succeeded: false, detail: "webhook URL: \(error.reason); not sent", duration: 0)
                }
                guard target.hasPrefix("http://") || target.hasPrefix("https://"), !Redact.hasUserinfo(target) else {
                    return CommandOutcome(
                        succeeded: false, detail: "webhook URL from \(ref) is not an http:// or https:// URL without user:password@; not sent",
                        duration: 0)
                }
            }
            var secrets: [String] = []
            if case .secret = url { secrets.append(target) }
            var http = HTTPClientRequest(url: target)
            http.method = HTTPMethod(rawValue: method.uppercased())
            for (name, variable) in headers.sorted(by: { $0.key < $1.key }) {
                guard let value = environment[variable], !value.isEmpty else {
                    return CommandOutcome(
                        succeeded: false, detail: "environment variable \(variable) is not set (for header \(name)); not sent", duration: 0)
                }
                secrets.append(value)
                http.headers.add(name: name, value: value)
            }
            if let body {
                http.body = .bytes(ByteBuffer(string: body))
                if !http.headers.contains(name: "Content-Type") { http.headers.add(name: "Content-Type", value: "application/json") }
            }
            let request = http
            do {
                let (code, location, bytes) = try await withDeadline(timeout + 0.25, clock: clock) {
                    let response = try await client.execute(request, timeout: .milliseconds(clampedMilliseconds(timeout)))
                    return (response.status.code, response.headers.first(name: "Location"), try await response.body.collect(upTo: 64 * 1024))
                }
                if let refusal = WarRoomHTTPClient.redirectRefusal(status: Int(code), location: location) {
                    return CommandOutcome(
                        succeeded: false, detail: Redact.text(refusal, secrets: secrets), duration: clock.now().timeIntervalSince(started))
                }
                let text = String(buffer: bytes).trimmingCharacters(in: .whitespacesAndNewlines)
                return CommandOutcome(
                    succeeded: (200 ..< 300).contains(code), detail: "HTTP \(code)",
                    duration: clock.now().timeIntervalSince(started), output: Redact.text(String(text.suffix(2000)), secrets: secrets))
            } catch {
                return CommandOutcome(
                    succeeded: false, detail: Redact.text(FetchError.describe(error, timeout: timeout), secrets: secrets),
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
    let client: WarRoomHTTPClient
    let environment: [String: String]?
    public init(spec: CommandSpec?, client: WarRoomHTTPClient, environment: [String: String]? = nil) {
        self.spec = spec
        self.client = client
        self.environment = environment
    }

    public func page(_ request: PageRequest, service: String) async -> CommandOutcome {
        guard let spec else { return CommandOutcome(succeeded: false, detail: "no paging command configured", duration: 0) }
        return await spec.run(
            values: Placeholders.values(for: request, service: service), client: client,
            environment: environment ?? ProcessInfo.processInfo.environment)
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
    let client: WarRoomHTTPClient
    public init(spec: CommandSpec, client: WarRoomHTTPClient) {
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
