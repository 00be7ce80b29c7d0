public import Foundation

/// One source's readings at one instant, as the samples store keeps them:
/// samples are not incident events, so a batch has no place (`seq`) in the
/// event log, only a time in whole milliseconds since 1970.
public struct SampleBatch: Sendable, Equatable {
    public var milliseconds: Int64
    public var source: String
    public var samples: [Sample]
    /// The newest event's `seq` when the batch was committed: it folds after
    /// that event and before the next. Nil once downsampled (a bucket folds by its time).
    public var afterSeq: Int64?

    public init(milliseconds: Int64, source: String, samples: [Sample], afterSeq: Int64? = nil) {
        self.milliseconds = milliseconds
        self.source = source
        self.samples = samples
        self.afterSeq = afterSeq
    }

    public var time: Date { Self.date(milliseconds) }

    /// A time as the store keeps it: whole milliseconds, rounded down, so a
    /// batch is never later than the events its fold records after it.
    public static func milliseconds(_ time: Date) -> Int64 {
        let ms = (time.timeIntervalSince1970 * 1000).rounded(.down)
        guard ms.isFinite, abs(ms) < 9e15 else { return ms < 0 ? -9_000_000_000_000_000 : 9_000_000_000_000_000 }
        return Int64(ms)
    }

    public static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// The batch as the event a journal of format 1 held (`seq` 0: it has no
    /// place in the event log), for folds, replays and exports.
    public var recorded: Recorded {
        Recorded(seq: 0, time: time, event: .samples(source: source, samples: samples))
    }

    /// Events and sample batches in the order they happened: a batch after
    /// the event it was committed after (`afterSeq`) and before the next; a
    /// batch without one (a downsampled bucket) by time, before an event at
    /// the same time. Each list must already be oldest first.
    public static func merged(events: [Recorded], batches: [SampleBatch]) -> [Recorded] {
        guard !batches.isEmpty else { return events }
        // Where each batch goes: before events[position].
        func position(_ b: SampleBatch) -> Int {
            var low = 0
            var high = events.count
            while low < high {
                let mid = (low + high) / 2
                let before = b.afterSeq.map { events[mid].seq <= $0 } ?? (events[mid].time < b.time)
                if before { low = mid + 1 } else { high = mid }
            }
            return low
        }
        let placed = batches.enumerated().map { (position: position($0.element), index: $0.offset) }
            .sorted { ($0.position, $0.index) < ($1.position, $1.index) }
        var out: [Recorded] = []
        out.reserveCapacity(events.count + batches.count)
        var p = 0
        for (i, e) in events.enumerated() {
            while p < placed.count, placed[p].position <= i {
                out.append(batches[placed[p].index].recorded)
                p += 1
            }
            out.append(e)
        }
        while p < placed.count {
            out.append(batches[placed[p].index].recorded)
            p += 1
        }
        return out
    }
}

/// How long samples are kept, and at what resolution (`retention:` in the
/// config): every point for `full`, then one point per bucket of `every`
/// (the bucket's mean, at its start) until each tier's `until` age; older
/// points are deleted.
public struct SampleRetention: Sendable, Equatable {
    public struct Tier: Sendable, Equatable {
        public var every: TimeInterval
        public var until: TimeInterval
        public init(every: TimeInterval, until: TimeInterval) {
            self.every = every
            self.until = until
        }
    }

    public var full: TimeInterval
    public var tiers: [Tier]

    public init(full: TimeInterval, tiers: [Tier]) {
        self.full = full
        self.tiers = tiers
    }

    /// Full resolution for an hour, 10 s buckets for a day, 1 min for 30 days.
    public static let standard = SampleRetention(full: 3600, tiers: [Tier(every: 10, until: 86_400), Tier(every: 60, until: 30 * 86_400)])

    /// How long any point is kept at all.
    public var keep: TimeInterval { tiers.last?.until ?? full }

    /// What is wrong with it, if anything (the config loader says where).
    public var problems: [(tier: Int?, field: String, message: String)] {
        var out: [(tier: Int?, field: String, message: String)] = []
        var previousUntil = full
        var previousEvery: TimeInterval?
        for (i, t) in tiers.enumerated() {
            if t.every < 1 || t.every != t.every.rounded() {
                out.append((i, "every", "must be a whole number of seconds, at least 1s"))
            } else if let p = previousEvery, t.every <= p || Int(t.every) % Int(p) != 0 {
                out.append((i, "every", "must be a whole multiple of the tier before (\(Format.duration(p))), and longer"))
            }
            if t.until <= previousUntil {
                out.append((i, "until", "must be longer than the age the tier before ends at (\(Format.duration(previousUntil)))"))
            }
            previousUntil = t.until
            previousEvery = t.every
        }
        return out
    }
}
