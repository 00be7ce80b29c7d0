public import Foundation

/// Who commands a war room, or asks to: the one process allowed to step the
/// canary, send commands and page people.
public struct CommanderIdentity: Sendable, Codable, Equatable, Hashable {
    public var user: String
    public var host: String
    public var pid: Int32
    public var startedAt: Date

    public init(user: String, host: String, pid: Int32, startedAt: Date) {
        self.user = user
        self.host = host
        self.pid = pid
        self.startedAt = startedAt
    }

    /// "ana@laptop (pid 4121)".
    public var name: String { "\(user)@\(host) (pid \(pid))" }

    /// "ana@laptop (pid 4121), commanding since 14:02:10 UTC".
    public var text: String { "\(name), commanding since \(Format.wallTime(startedAt)) UTC" }
}

/// What a follower knows of the war room's commander.
public enum CommanderPresence: Sendable, Equatable {
    /// A commander holds the lease and its heartbeat is fresh.
    case commanding(CommanderIdentity, heartbeat: Date)
    /// Nobody commands: the last commander (if any is known) and since when
    /// (its last heartbeat or release; nil when no commander was ever seen).
    case absent(last: CommanderIdentity?, since: Date?)
    /// The follower cannot tell (it may not read the lease).
    case unknown(reason: String)

    /// How long a war room may be without a commander before followers say so loudly.
    public static let alarmAfter: TimeInterval = 10

    /// The moment for "NO COMMANDER since HH:MM:SS", once nobody has commanded
    /// for `alarmAfter`; nil while a commander is there (or it cannot be told).
    /// `watchingSince` stands in when no commander was ever seen.
    public func noCommanderSince(now: Date, watchingSince: Date) -> Date? {
        guard case .absent(_, let since) = self else { return nil }
        let from = since ?? watchingSince
        return now.timeIntervalSince(from) >= Self.alarmAfter ? from : nil
    }
}

/// A commander waiting for the lease (`warroom run --take-over`), and why it wants it.
public struct TakeOverRequest: Sendable, Codable, Equatable {
    public var by: CommanderIdentity
    public var reason: String
    public var at: Date

    public init(by: CommanderIdentity, reason: String, at: Date) {
        self.by = by
        self.reason = reason
        self.at = at
    }
}
