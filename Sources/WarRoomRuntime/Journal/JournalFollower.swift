public import Foundation
public import WarRoomCore

/// A follower's place in a journal: the events it has folded (the state's
/// `lastSeq`) and the newest sample batch. The first read folds only the
/// samples of the last `history` seconds (the sparklines' span), so a
/// follower's start does not grow with the samples kept; later reads fold
/// what is new, events and samples in the order they happened.
public struct JournalFollower: Sendable {
    public let history: TimeInterval
    /// The newest sample batch folded (milliseconds since 1970).
    public private(set) var samplesAfter: Int64?
    private var started = false

    public init(history: TimeInterval = 3600) {
        self.history = history
    }

    /// A follower whose first reads are done (`JournalLoader`): from here it
    /// folds only what is new, samples after `samplesAfter`.
    public init(history: TimeInterval, resumingAfter samplesAfter: Int64?) {
        self.history = history
        self.samplesAfter = samplesAfter
        started = true
    }

    /// Fold what is new into `state`; returns how many events and batches that was.
    @discardableResult
    public mutating func read(_ journal: any JournalReader, into state: inout WarRoomState) throws -> Int {
        let changes = try journal.changes(afterSeq: state.lastSeq, samplesAfter: samplesAfter, recent: started ? nil : history)
        started = true
        for recorded in changes.merged { state.apply(recorded) }
        if let last = changes.batches.last { samplesAfter = last.milliseconds }
        return changes.events.count + changes.batches.count
    }
}
