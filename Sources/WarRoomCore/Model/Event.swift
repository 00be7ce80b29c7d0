public import Foundation

/// What a war room watches and how, as recorded at the start of a session,
/// so that every reader of the journal folds the same truth.
public struct SessionInfo: Sendable, Codable, Equatable {
    public struct SourceInfo: Sendable, Codable, Equatable {
        public var name: String
        public var interval: TimeInterval
        /// health, scrape, prometheus or alertmanager (absent in journals before it was recorded).
        public var kind: SourceKind?
        public var dimAfter: TimeInterval?
        public var staleAfter: TimeInterval?
        public var alwaysReporting: Bool?

        public init(name: String, interval: TimeInterval) {
            self.name = name
            self.interval = interval
        }

        /// Values older than this are dimmed.
        public var dimLimit: TimeInterval { dimAfter ?? 2 * interval }
        /// Values older than this are stale; an always-reporting source silent this long trips the dead-man's switch.
        public var staleLimit: TimeInterval { staleAfter ?? 5 * interval }
        /// Does this source produce samples (every kind but alertmanager)?
        public var reportsSamples: Bool { kind?.reportsSamples ?? true }
    }

    public var service: String
    public var rules: SeverityRules
    public var plan: CanaryPlan
    public var roster: Roster
    public var sources: [SourceInfo]
    /// demo or run (as "demo", "run" in the journal).
    public var mode: SessionMode
    public var startedBy: String
    /// `commands.read_traffic` is configured: the controller is asked for the weight in force.
    public var readsTraffic: Bool?
    /// How often the controller is asked when nothing else asks (seconds).
    public var trafficReadInterval: TimeInterval?
    /// The manual rollback as a shell line (secrets masked), for `status` when
    /// warroom itself is down (absent in journals before it was recorded).
    public var breakGlass: String?

    public init(
        service: String, rules: SeverityRules, plan: CanaryPlan, roster: Roster,
        sources: [SourceInfo], mode: SessionMode, startedBy: String
    ) {
        self.service = service
        self.rules = rules
        self.plan = plan
        self.roster = roster
        self.sources = sources
        self.mode = mode
        self.startedBy = startedBy
    }
}

/// A severity rule crossing a threshold, up or down.
public struct Crossing: Sendable, Codable, Equatable {
    public var rule: RuleKey
    public var from: Severity
    public var to: Severity
    public var value: Double
    /// The threshold crossed: the new level's when rising, the old level's when falling.
    public var threshold: Double

    public init(rule: RuleKey, from: Severity, to: Severity, value: Double, threshold: Double) {
        self.rule = rule
        self.from = from
        self.to = to
        self.value = value
        self.threshold = threshold
    }
}

/// Past values of one series, read from a source at start (a Prometheus range query).
public struct SeriesHistory: Sendable, Codable, Equatable {
    public var key: SeriesKey
    public var points: [Series.Point]
    public init(key: SeriesKey, points: [Series.Point]) {
        self.key = key
        self.points = points
    }
}

/// A change in an Alertmanager alert, as warroom saw it.
public struct AlertNotice: Sendable, Codable, Equatable {
    public enum Change: String, Sendable, Codable {
        case firing, silenced, unsilenced, resolved
    }
    public var source: String
    public var fingerprint: String
    public var name: String
    public var change: Change
    /// The severity its label maps to; nil when it maps to none (or it is silenced).
    public var level: Severity?
    public var summary: String?
    public var labels: [String: String]

    public init(source: String, fingerprint: String, name: String, change: Change, level: Severity?, summary: String?, labels: [String: String]) {
        self.source = source
        self.fingerprint = fingerprint
        self.name = name
        self.change = change
        self.level = level
        self.summary = summary
        self.labels = labels
    }
}

/// Everything that can happen to a war room, in the order it happened.
/// The journal stores these; state is a fold of them.
public enum Event: Sendable, Codable, Equatable {
    case sessionStarted(SessionInfo)
    case samples(source: String, samples: [Sample])
    case sourceDown(source: String, reason: String)
    case sourceUp(source: String, downFor: TimeInterval)
    case thresholdCrossed(Crossing)
    case incidentOpened(severity: Severity, title: String, by: String)
    case severityChanged(to: Severity, by: String, reason: String)
    case statusChanged(to: IncidentStatus, by: String)
    case roleAssigned(role: IncidentRole, person: String, by: String)
    /// The latest value of every series, pinned into the timeline by a person.
    case metricsPinned(samples: [Sample], by: String, ages: [TimeInterval]? = nil)
    case analysisChecked(AnalysisCheck)
    case awaitingApproval(step: Int)
    /// Time to rollback: from its trigger to the first healthy reading after it.
    case ttrMeasured(seconds: TimeInterval, trigger: Date, from: TTRStart? = nil)
    case commandIssued(CommandRequest)
    case commandFinished(id: Int, outcome: CommandOutcome)
    case note(text: String, by: String)
    case pageIssued(PageRequest)
    case pageFinished(id: Int, outcome: CommandOutcome)
    case acknowledged(by: String)
    /// History read at start; folded into the sparklines, never into severity.
    case history(source: String, series: [SeriesHistory])
    case alert(AlertNotice)
    /// An always-reporting source has sent nothing for this long.
    case deadManSwitch(source: String, silentFor: TimeInterval)
    /// A person started the launch (L, or --start): the canary may take its first step.
    case launchStarted(by: String, reason: String)
    /// The trouble holding the canary changed (empty: nothing holds it now).
    case holdsChanged(holds: [Hold])
    /// A person lifted these holds until the next step.
    case holdsOverridden(holds: [Hold], by: String, reason: String)
    /// What the traffic controller says is in force.
    case trafficRead(TrafficReading)
    /// Command of the war room passed from one commander to the next
    /// (`warroom run --take-over`): granted by the holder, or taken because
    /// the holder was no longer running.
    case commandHandedOver(from: CommanderIdentity, to: CommanderIdentity, reason: String, granted: Bool)

    /// A short kind name, stored beside the payload for filtering and export.
    public var kind: String {
        switch self {
        case .sessionStarted: "session_started"
        case .samples: "samples"
        case .sourceDown: "source_down"
        case .sourceUp: "source_up"
        case .thresholdCrossed: "threshold_crossed"
        case .incidentOpened: "incident_opened"
        case .severityChanged: "severity_changed"
        case .statusChanged: "status_changed"
        case .roleAssigned: "role_assigned"
        case .metricsPinned: "metrics_pinned"
        case .analysisChecked: "analysis_checked"
        case .awaitingApproval: "awaiting_approval"
        case .ttrMeasured: "ttr_measured"
        case .commandIssued: "command_issued"
        case .commandFinished: "command_finished"
        case .note: "note"
        case .pageIssued: "page_issued"
        case .pageFinished: "page_finished"
        case .acknowledged: "acknowledged"
        case .history: "history"
        case .alert: "alert"
        case .deadManSwitch: "dead_man_switch"
        case .launchStarted: "launch_started"
        case .holdsChanged: "holds_changed"
        case .holdsOverridden: "holds_overridden"
        case .trafficRead: "traffic_read"
        case .commandHandedOver: "command_handed_over"
        }
    }
}

/// An event with the time it happened and its place in the journal.
public struct Recorded: Sendable, Equatable {
    public var seq: Int64
    public var time: Date
    public var event: Event

    public init(seq: Int64, time: Date, event: Event) {
        self.seq = seq
        self.time = time
        self.event = event
    }
}
