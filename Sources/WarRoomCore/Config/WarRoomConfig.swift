public import Foundation

/// Where a secret comes from: never the config file itself.
public enum SecretRef: Sendable, Equatable, CustomStringConvertible {
    /// An environment variable's value.
    case env(String)
    /// A file's contents, trailing newline removed (read at every poll, so rotation works).
    case file(String)

    /// Where it is, never what it is: safe to show and log.
    public var description: String {
        switch self {
        case .env(let name): "$\(name)"
        case .file(let path): "file \(path)"
        }
    }
}

/// Credentials for a source. Only references are kept; values are read when a request is made.
public struct SourceAuth: Sendable, Equatable {
    public struct Basic: Sendable, Equatable {
        public var username: String
        public var password: SecretRef
        public init(username: String, password: SecretRef) {
            self.username = username
            self.password = password
        }
    }
    public var bearer: SecretRef?
    public var basic: Basic?
    /// Extra request headers, e.g. `X-Scope-OrgID`.
    public var headers: [String: SecretRef]

    public init(bearer: SecretRef? = nil, basic: Basic? = nil, headers: [String: SecretRef] = [:]) {
        self.bearer = bearer
        self.basic = basic
        self.headers = headers
    }

    public var isEmpty: Bool { bearer == nil && basic == nil && headers.isEmpty }
}

/// Bounds on what one poll of a source may hold, whatever the server sends.
public struct FeedLimits: Sendable, Equatable {
    /// Scrape: samples of the mapped families; a page with more is refused (a partial sum would lie).
    public var maxSeries = 10_000
    /// Scrape: label values longer than this are cut (only cohort and code are read).
    public var maxLabelLength = 1_024
    /// Alertmanager: alerts tracked per poll; the worst are kept.
    public var maxAlerts = 500
    /// Alertmanager: characters of each annotation kept.
    public var maxAnnotationLength = 1_000
    public init() {}
}

/// Where numbers come from.
public struct SourceConfig: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A JSON health endpoint: the runbooks' shape, or any shape read through JSON paths.
        case health(url: String, mapping: HealthMapping? = nil)
        /// A Prometheus /metrics page (text 0.0.4 or OpenMetrics), read with our parser.
        case scrape(url: String, mapping: ScrapeMapping)
        /// A Prometheus server's query API: one PromQL expression per series;
        /// `backfill` seconds of history are read with a range query at start.
        case prometheus(url: String, queries: [SeriesKey: String], backfill: TimeInterval)
        /// Alertmanager's API v2: firing alerts go to the timeline and may raise severity.
        case alertmanager(url: String, severity: AlertSeverityMap)

        public var url: String {
            switch self {
            case .health(let url, _), .scrape(let url, _), .prometheus(let url, _, _), .alertmanager(let url, _): url
            }
        }

        /// The kind without its settings, as a session records it.
        public var sourceKind: SourceKind {
            switch self {
            case .health: .health
            case .scrape: .scrape
            case .prometheus: .prometheus
            case .alertmanager: .alertmanager
            }
        }
    }
    public var name: String
    public var kind: Kind
    public var interval: TimeInterval
    public var timeout: TimeInterval
    /// Up to this fraction of the interval is added at random to each wait, so
    /// that many sources do not poll in lockstep.
    public var jitter: Double = 0.1
    /// Values older than this are dimmed (default two intervals)…
    public var dimAfter: TimeInterval?
    /// …and older than this are marked stale (default five intervals).
    public var staleAfter: TimeInterval?
    /// A source that must always report: silence past `staleLimit` raises the
    /// dead-man's-switch alarm.
    public var alwaysReporting = false
    public var auth = SourceAuth()
    /// Alertmanager: label matchers sent as `filter=` (`team="payments"`), so
    /// that only our alerts are read from a shared Alertmanager.
    public var matchers: [String] = []
    /// How much of a feed is kept.
    public var limits = FeedLimits()

    public init(name: String, kind: Kind, interval: TimeInterval, timeout: TimeInterval) {
        self.name = name
        self.kind = kind
        self.interval = interval
        self.timeout = timeout
    }

    public var info: SessionInfo.SourceInfo {
        var info = SessionInfo.SourceInfo(name: name, interval: interval)
        info.kind = kind.sourceKind
        info.dimAfter = dimAfter
        info.staleAfter = staleAfter
        info.alwaysReporting = alwaysReporting ? true : nil
        return info
    }
}

/// How a command reaches production.
public enum CommandSpec: Sendable, Equatable {
    /// An HTTP request; `body` may hold `{percent}`, `{reason}`, `{service}`, `{by}`.
    /// `headers` maps a header name to the environment variable holding its value.
    /// A redirect is never followed (see DECISIONS: redirects).
    case webhook(method: String, url: WebhookURL, body: String?, headers: [String: String], timeout: TimeInterval)
    /// A program and its arguments, run directly (never through a shell); each
    /// placeholder is replaced inside its own argument. It gets PATH, HOME,
    /// USER, LANG and TZ plus what `env` names, nothing else of warroom's environment.
    case program(argv: [String], timeout: TimeInterval, env: [ChildEnv] = [])

    /// The spec that carries an action: promote falls back to set_traffic.
    public static func lookup(_ action: CommandAction, in specs: [String: CommandSpec]) -> CommandSpec? {
        if let spec = specs[action.name] { return spec }
        if case .promote = action { return specs["set_traffic"] }
        return nil
    }

    /// The exact command line or request for an action, as the armed-action
    /// flow shows it: placeholders filled, secrets masked.
    public static func preview(_ action: CommandAction, reason: String, by: String, service: String, in specs: [String: CommandSpec]) -> String {
        guard let spec = lookup(action, in: specs) else {
            return action == .pause || action == .resume
                ? "(no \(action.name) command configured: recorded only)" : "(no \(action.name) command configured)"
        }
        return spec.preview(values(action, reason: reason.isEmpty ? "{reason}" : reason, by: by, service: service))
    }

    /// The exact command line or request, placeholders filled where known, secrets masked.
    public func preview(_ values: [String: String]) -> String {
        do {
            return try prepare(values).preview
        } catch {
            return "(\(error))"
        }
    }
}

/// One `keys:` entry: an action and the keys that trigger it, with where it was written.
public struct KeyBindingSpec: Sendable, Equatable {
    public var action: String
    public var keys: [String]
    public var line: Int
    public var column: Int
    public init(action: String, keys: [String], line: Int, column: Int) {
        self.action = action
        self.keys = keys
        self.line = line
        self.column = column
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
    /// `commands.read_traffic`: asks the controller what weight is in force.
    public static let readTrafficKey = "read_traffic"
    /// How often the controller is asked (`commands.read_traffic.interval`).
    public var trafficReadInterval: TimeInterval = 15

    /// Seconds between confirming a traffic change and sending it; Esc aborts.
    public var abortWindow: TimeInterval = 3
    /// Show and record commands without sending them.
    public var dryRun = false
    /// At most this many sources are fetched at once.
    public var maxConcurrentPolls = 32
    /// `retention:` how long samples are kept, and at what resolution.
    public var retention = SampleRetention.standard
    /// `keys:` rebinding actions to keys, as written; the screen validates the
    /// names and reports problems at `line`/`column` of `file`.
    public var keyBindings: [KeyBindingSpec] = []
    /// `theme:` a theme name or path; `--theme` overrides it.
    public var theme: String?
    /// The config file this came from, for error messages.
    public var file: String?
    /// `journal:` when the commander checkpoints its folded state.
    public var checkpoints = CheckpointPolicy.standard

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

    public func sessionInfo(mode: SessionMode, startedBy: String) -> SessionInfo {
        var info = SessionInfo(
            service: service, rules: rules, plan: plan, roster: roster,
            sources: sources.map(\.info),
            mode: mode, startedBy: startedBy)
        if commands[Self.readTrafficKey] != nil {
            info.readsTraffic = true
            info.trafficReadInterval = trafficReadInterval
        }
        info.breakGlass = breakGlass(by: startedBy)
        return info
    }

    /// The manual rollback as a line for a shell, secrets masked: what `status`
    /// and the help overlay print for when warroom itself is down.
    public func breakGlass(by: String) -> String {
        CommandSpec.breakGlass(in: commands, service: service, by: by)
    }
}
