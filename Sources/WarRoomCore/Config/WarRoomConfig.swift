import Foundation

/// Where numbers come from.
public struct SourceConfig: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A JSON health endpoint in the runbooks' shape.
        case health(url: String)
        /// A Prometheus /metrics page (text 0.0.4 or OpenMetrics), read with our parser.
        case scrape(url: String, mapping: ScrapeMapping)

        public var url: String {
            switch self {
            case .health(let url), .scrape(let url, _): url
            }
        }
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
    /// `headers` maps a header name to the environment variable holding its value.
    case webhook(method: String, url: String, body: String?, headers: [String: String], timeout: TimeInterval)
    /// A program and its arguments, run directly (never through a shell); each
    /// placeholder is replaced inside its own argument.
    case program(argv: [String], timeout: TimeInterval)

    /// The spec that carries an action: promote falls back to set_traffic.
    public static func lookup(_ action: CommandAction, in specs: [String: CommandSpec]) -> CommandSpec? {
        if let spec = specs[action.name] { return spec }
        if case .promote = action { return specs["set_traffic"] }
        return nil
    }

    /// The exact command line or request for an action, as the armed-action flow shows it.
    public static func preview(_ action: CommandAction, reason: String, by: String, service: String, in specs: [String: CommandSpec]) -> String {
        guard let spec = lookup(action, in: specs) else {
            return action == .pause || action == .resume ? "(no \(action.name) command configured: recorded only)" : "(no \(action.name) command configured)"
        }
        let request = CommandRequest(id: 0, action: action, by: by, reason: reason.isEmpty ? "{reason}" : reason, automatic: false)
        return spec.preview(Placeholders.values(for: request, service: service))
    }

    /// The exact command line or request, placeholders filled where known.
    public func preview(_ values: [String: String]) -> String {
        func fill(_ t: String) -> String {
            var out = t
            for (k, v) in values { out = out.replacingOccurrences(of: "{\(k)}", with: v) }
            return out
        }
        switch self {
        case .webhook(let method, let url, let body, let headers, _):
            let shown = headers.keys.sorted().map { " [\($0): $\(headers[$0]!)]" }.joined()
            return "\(method) \(fill(url))\(shown)" + (body.map { " " + fill($0) } ?? "")
        case .program(let argv, _):
            return argv.map { arg in
                let a = fill(arg)
                return a.isEmpty || a.contains(where: { " '\"\\$`!*?;&|<>()[]{}#~".contains($0) }) ? "'" + a.replacingOccurrences(of: "'", with: "'\\''") + "'" : a
            }.joined(separator: " ")
        }
    }
}

/// One war room's whole configuration, from `warroom.yaml` or the demo.
public struct WarRoomConfig: Sendable, Equatable {
    public var service: String
    public var sources: [SourceConfig]
    public var rules: SeverityRules
    public var plan: CanaryPlan
    public var roster: Roster
    /// Keyed by `CommandAction.name`: "set_traffic", "promote", "pause", "resume", "rollback".
    public var commands: [String: CommandSpec]
    /// The key under which the paging command is kept in `commands`.
    public static let pagingKey = "page"

    /// Seconds between confirming a traffic change and sending it; Esc aborts.
    public var abortWindow: TimeInterval = 3
    /// Show and record commands without sending them.
    public var dryRun = false

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
