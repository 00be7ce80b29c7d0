public import Foundation

/// When the commander's war room writes a checkpoint of its folded state:
/// every `everyEvents` events or every `every` seconds (of the injected
/// clock), whichever comes first, and only when something new was folded:
/// an event, or a sample batch (a calm hour has no events, and a checkpoint
/// an hour old would leave every reader an hour of samples to fold).
/// `journal: {checkpoint_events: N, checkpoint_every: 60s}` in the config.
public struct CheckpointPolicy: Sendable, Equatable {
    public var everyEvents: Int
    public var every: TimeInterval
    /// How many checkpoints the journal keeps (the newest).
    public var keep: Int

    public static let standard = CheckpointPolicy(everyEvents: 10_000, every: 60, keep: 3)

    public init(everyEvents: Int, every: TimeInterval, keep: Int = 3) {
        self.everyEvents = max(1, everyEvents)
        self.every = every
        self.keep = max(1, keep)
    }

    /// Is a checkpoint due, `events` events, `sampleCommits` commits of
    /// sample batches and `elapsed` seconds after the last one?
    public func isDue(events: Int64, sampleCommits: Int = 0, elapsed: TimeInterval) -> Bool {
        events >= Int64(everyEvents) || ((events > 0 || sampleCommits > 0) && elapsed >= every)
    }
}

/// The folded state as a checkpoint: a cache of the fold of every event up
/// to `lastSeq`, never the truth. A reader starts from the newest checkpoint
/// of this build's `checkpointVersion` and folds the events after it; one of
/// another version, or one that does not decode, is ignored (the state is
/// folded from the events instead, and the writer writes a new one).
///
/// Everything decisions and screens read is in it except the history of each
/// series: a series keeps its source and its newest point (value and time,
/// exactly), so values, ages, staleness, thresholds and analysis checks come
/// out the same; sparkline history is filled from where samples are stored.
extension WarRoomState {
    /// Bump whenever what `checkpointPayload()` stores changes shape or meaning.
    public static let checkpointVersion = 1

    /// The state as a checkpoint's payload (JSON, keys sorted: equal states give equal bytes).
    public func checkpointPayload() throws -> Data {
        try JournalJSON.encoder.encode(self)
    }

    /// The state a checkpoint holds, or nil when it cannot be used here: written
    /// by another checkpoint version, with another series capacity, or not
    /// decodable. Nil means "fold from the events", never an error.
    public static func fromCheckpoint(_ payload: Data, version: Int, seriesCapacity: Int = 3600) -> WarRoomState? {
        guard version == checkpointVersion,
            let state = try? JournalJSON.decoder.decode(WarRoomState.self, from: payload),
            state.seriesCapacity == max(1, seriesCapacity)
        else { return nil }
        return state
    }
}

/// In a checkpoint a series is its source and newest point only; its history
/// is not part of the folded state's truth (sparklines read it from storage).
extension Series: Codable {
    private enum CodingKeys: String, CodingKey { case capacity, source, latest }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(points.capacity, forKey: .capacity)
        try c.encode(source, forKey: .source)
        try c.encodeIfPresent(latest, forKey: .latest)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let capacity = try c.decode(Int.self, forKey: .capacity)
        guard capacity > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .capacity, in: c, debugDescription: "a series needs a capacity above 0")
        }
        self.init(capacity: capacity, source: try c.decode(String.self, forKey: .source))
        if let latest = try c.decodeIfPresent(Point.self, forKey: .latest) {
            append(latest.value, at: latest.time, from: source)
        }
    }
}

/// Series and rule keys are dictionary keys in the state: as "cohort.metric"
/// strings they encode as a JSON object (sorted), not as a list in hash order.
extension SeriesKey: CodingKeyRepresentable {
    public var codingKey: any CodingKey { CheckpointKey(cohort.rawValue + "." + metric.rawValue) }
    public init?<T: CodingKey>(codingKey: T) {
        let parts = codingKey.stringValue.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let c = Cohort(rawValue: parts[0]), let m = MetricKind(rawValue: parts[1]) else { return nil }
        self.init(c, m)
    }
}

extension RuleKey: CodingKeyRepresentable {
    public var codingKey: any CodingKey { CheckpointKey(cohort.rawValue + "." + rule.rawValue) }
    public init?<T: CodingKey>(codingKey: T) {
        let parts = codingKey.stringValue.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, let c = Cohort(rawValue: parts[0]), let r = RuleMetric(rawValue: parts[1]) else { return nil }
        self.init(c, r)
    }
}

private struct CheckpointKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
