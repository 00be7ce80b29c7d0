public import Foundation

/// A command that changes production: it goes out through the actor and its
/// result comes back as an event.
public enum CommandAction: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    case setTraffic(percent: Double)
    /// Move to a later step of the plan (the next one, or 100%).
    case promote(percent: Double)
    case pause
    case resume
    case rollback

    /// The key in the config's `commands:`.
    public var name: String {
        switch self {
        case .setTraffic: "set_traffic"
        case .promote: "promote"
        case .pause: "pause"
        case .resume: "resume"
        case .rollback: "rollback"
        }
    }

    public static let names = ["set_traffic", "promote", "pause", "resume", "rollback"]

    /// Does it change where traffic goes? Those go through the armed-action flow.
    public var changesTraffic: Bool {
        switch self {
        case .setTraffic, .promote, .rollback: true
        case .pause, .resume: false
        }
    }

    public var percent: Double? {
        switch self {
        case .setTraffic(let p), .promote(let p): p
        case .rollback: 0
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .setTraffic(let p): "set traffic \(Format.weight(p))"
        case .promote(let p): "promote to \(Format.weight(p))"
        case .pause: "pause"
        case .resume: "resume"
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
    /// What set it off (a failed check, a key press): the start of TTR.
    public var trigger: Date?

    public init(id: Int, action: CommandAction, by: String, reason: String, automatic: Bool, trigger: Date? = nil) {
        self.id = id
        self.action = action
        self.by = by
        self.reason = reason
        self.automatic = automatic
        self.trigger = trigger
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
    /// Nobody knows whether it took effect: pre-empted, or warroom restarted
    /// while it was in flight. Never counted as a success.
    public var unknown: Bool?

    /// `detail` and `output` often quote what a program or server printed:
    /// they are made inert here (`output` keeps its lines and tabs).
    public init(succeeded: Bool, detail: String, duration: TimeInterval, output: String = "", unknown: Bool? = nil) {
        self.succeeded = succeeded
        self.detail = InertText.clean(detail)
        self.duration = duration
        self.output = InertText.clean(output, allowing: .lines)
        self.unknown = unknown
    }

    /// An outcome nobody knows.
    public static func unknown(_ why: String) -> CommandOutcome {
        CommandOutcome(succeeded: false, detail: "outcome unknown (\(why))", duration: 0, unknown: true)
    }

    public var isUnknown: Bool { unknown == true }
}
