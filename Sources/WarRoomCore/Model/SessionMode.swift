import Foundation

/// How a war room session was started (`warroom demo` or `warroom run`), as
/// recorded in its `sessionStarted` event. In the journal it is the bare
/// string it always was ("demo", "run"); a name this build does not know (a
/// newer warroom's, or a test's) is kept as it was recorded, so the event
/// still decodes.
public enum SessionMode: Sendable, Equatable, Hashable, Codable {
    case demo
    case run
    /// A mode this build has no case for, kept as recorded.
    case other(String)

    /// The mode as the journal spells it.
    public init(recorded name: String) {
        switch name {
        case "demo": self = .demo
        case "run": self = .run
        default: self = .other(name)
        }
    }

    /// As the journal spells it: the JSON of every event stays the same.
    public var recordedName: String {
        switch self {
        case .demo: "demo"
        case .run: "run"
        case .other(let name): name
        }
    }

    /// For display ("demo session started by …").
    public var text: String { recordedName }

    public init(from decoder: any Decoder) throws {
        self.init(recorded: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(recordedName)
    }
}

/// What kind of source a session watches, as recorded in its
/// `sessionStarted` event. In the journal it is the bare string it always was
/// ("health", "scrape", "prometheus", "alertmanager"; absent in journals
/// before it was recorded); a name this build does not know is kept as
/// recorded, so the event still decodes.
public enum SourceKind: Sendable, Equatable, Hashable, Codable {
    case health
    case scrape
    case prometheus
    case alertmanager
    /// A kind this build has no case for, kept as recorded.
    case other(String)

    public init(recorded name: String) {
        switch name {
        case "health": self = .health
        case "scrape": self = .scrape
        case "prometheus": self = .prometheus
        case "alertmanager": self = .alertmanager
        default: self = .other(name)
        }
    }

    /// As the journal and the config spell it.
    public var recordedName: String {
        switch self {
        case .health: "health"
        case .scrape: "scrape"
        case .prometheus: "prometheus"
        case .alertmanager: "alertmanager"
        case .other(let name): name
        }
    }

    public var text: String { recordedName }

    /// Does a source of this kind produce samples (every kind but alertmanager)?
    public var reportsSamples: Bool {
        if case .alertmanager = self { return false }
        return true
    }

    public init(from decoder: any Decoder) throws {
        self.init(recorded: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(recordedName)
    }
}
