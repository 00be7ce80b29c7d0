import Foundation

/// Where numbers come from.
public struct SourceConfig: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A JSON health endpoint in the runbooks' shape.
        case health(url: String)
    }
    public var name: String
    public var kind: Kind
    public var interval: TimeInterval
    public var timeout: TimeInterval

    public init(name: String, kind: Kind, interval: TimeInterval, timeout: TimeInterval) {
        self.name = name
        self.kind = kind
        self.interval = interval
        self.timeout = timeout
    }
}

/// How a command reaches production.
public enum CommandSpec: Sendable, Equatable {
    /// An HTTP request; `body` may hold `{percent}`, `{reason}`, `{service}`, `{by}`.
    case webhook(method: String, url: String, body: String?, headers: [String: String], timeout: TimeInterval)
}

/// One war room's whole configuration, from `warroom.yaml` or the demo.
public struct WarRoomConfig: Sendable, Equatable {
    public var service: String
    public var sources: [SourceConfig]
    public var rules: SeverityRules
    public var plan: CanaryPlan
    public var roster: Roster
    /// Keyed by `CommandAction.name`: "set_traffic", "rollback".
    public var commands: [String: CommandSpec]

    public init(
        service: String, sources: [SourceConfig], rules: SeverityRules = .runbookDefaults,
        plan: CanaryPlan = .runbookDefault, roster: Roster, commands: [String: CommandSpec]
    ) {
        self.service = service
        self.sources = sources
        self.rules = rules
        self.plan = plan
        self.roster = roster
        self.commands = commands
    }

    public func sessionInfo(mode: String, startedBy: String) -> SessionInfo {
        SessionInfo(
            service: service, rules: rules, plan: plan, roster: roster,
            sources: sources.map { .init(name: $0.name, interval: $0.interval) },
            mode: mode, startedBy: startedBy)
    }
}
