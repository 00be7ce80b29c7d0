import Foundation

/// A command that changes production: it goes out through the actor and its
/// result comes back as an event.
public enum CommandAction: Sendable, Codable, Equatable, CustomStringConvertible {
    case setTraffic(percent: Double)
    case rollback

    public var name: String {
        switch self {
        case .setTraffic: "set_traffic"
        case .rollback: "rollback"
        }
    }

    public var description: String {
        switch self {
        case .setTraffic(let p): "set traffic \(Format.weight(p))"
        case .rollback: "rollback"
        }
    }
}

/// A command as issued: what, by whom, why.
public struct CommandRequest: Sendable, Codable, Equatable {
    public var id: Int
    public var action: CommandAction
    /// The OS user, or "warroom" for automatic actions.
    public var by: String
    public var reason: String
    public var automatic: Bool

    public init(id: Int, action: CommandAction, by: String, reason: String, automatic: Bool) {
        self.id = id
        self.action = action
        self.by = by
        self.reason = reason
        self.automatic = automatic
    }
}

/// How a command ended.
public struct CommandOutcome: Sendable, Codable, Equatable {
    public var succeeded: Bool
    /// "HTTP 200", "exit 0", "timeout after 10s", "connection refused".
    public var detail: String
    public var duration: TimeInterval
    /// The last lines of output or the response body, trimmed.
    public var output: String

    public init(succeeded: Bool, detail: String, duration: TimeInterval, output: String = "") {
        self.succeeded = succeeded
        self.detail = detail
        self.duration = duration
        self.output = output
    }
}
