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
        let started = clock.now()
        guard let spec = specs[request.action.name] else {
            return CommandOutcome(succeeded: false, detail: "no \(request.action.name) command configured", duration: 0)
        }
        switch spec {
        case .webhook(let method, let url, let body, let headers, let timeout):
            let values = Placeholders.values(for: request, service: service)
            var http = HTTPClientRequest(url: Placeholders.fill(url, values, escape: .url))
            http.method = HTTPMethod(rawValue: method.uppercased())
            for (name, value) in headers { http.headers.add(name: name, value: value) }
            if let body {
                http.body = .bytes(ByteBuffer(string: Placeholders.fill(body, values, escape: .json)))
                if !http.headers.contains(name: "Content-Type") { http.headers.add(name: "Content-Type", value: "application/json") }
            }
            let client = self.client
            let request = http
            do {
                let (code, bytes) = try await withDeadline(timeout + 0.25) {
                    let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
                    return (response.status.code, try await response.body.collect(upTo: 64 * 1024))
                }
                let text = String(buffer: bytes).trimmingCharacters(in: .whitespacesAndNewlines)
                let ok = (200 ..< 300).contains(code)
                return CommandOutcome(
                    succeeded: ok, detail: "HTTP \(code)",
                    duration: clock.now().timeIntervalSince(started), output: String(text.suffix(2000)))
            } catch {
                return CommandOutcome(
                    succeeded: false, detail: FetchError.describe(error, timeout: timeout),
                    duration: clock.now().timeIntervalSince(started))
            }
        }
    }
}

/// `{percent}`, `{reason}`, `{service}`, `{by}`, `{action}` in command templates.
public enum Placeholders {
    public enum Escape { case none, json, url }

    public static func values(for request: CommandRequest, service: String) -> [String: String] {
        var v = ["reason": request.reason, "service": service, "by": request.by, "action": request.action.name]
        if case .setTraffic(let p) = request.action { v["percent"] = p == p.rounded() ? String(Int(p)) : String(p) }
        return v
    }

    public static func fill(_ template: String, _ values: [String: String], escape: Escape) -> String {
        var out = template
        for (key, value) in values {
            let escaped: String
            switch escape {
            case .none: escaped = value
            case .url: escaped = value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? value
            case .json:
                let data = (try? JSONEncoder().encode(value)) ?? Data("\"\"".utf8)
                escaped = String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
            }
            out = out.replacingOccurrences(of: "{\(key)}", with: escaped)
        }
        return out
    }
}
