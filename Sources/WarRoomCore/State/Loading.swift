public import Foundation

/// How far a reader has got folding its journal up to the journal's end as
/// of opening. Until it gets there, no screen or report may say anything
/// about severity or incidents: what it has folded so far is the past, and
/// the open SEV-1 may be in the part not yet read.
public struct Loading: Sendable, Equatable {
    /// Where the journal is (for the screen).
    public var journal: String
    /// Events folded so far (from where the fold started).
    public var read: Int64
    /// Events to fold to reach the journal's end as of opening; nil while
    /// that end is not known yet.
    public var total: Int64?
    /// When the fold started, by the caller's clock.
    public var startedAt: Date
    /// Why reading stopped, when it failed (the screen keeps saying it is not live).
    public var failure: String?
    /// Reading, or first the one-time migration of an older journal format
    /// (then `read` and `total` count the migration's work).
    public var stage: Stage = .reading

    public enum Stage: Sendable, Equatable {
        case reading
        /// Migrating to journal format `to`; `step` says what it does.
        case migrating(to: Int, step: String)
    }

    /// A progress bar shows once loading has taken longer than this.
    public static let barAfter: TimeInterval = 0.2

    public init(journal: String, read: Int64 = 0, total: Int64? = nil, startedAt: Date, failure: String? = nil) {
        self.journal = journal
        self.read = read
        self.total = total
        self.startedAt = startedAt
        self.failure = failure
    }

    /// 0 to 1, when the end is known.
    public var fraction: Double? {
        guard let total else { return nil }
        return total <= 0 ? 1 : min(1, max(0, Double(read) / Double(total)))
    }

    /// Whether the screen shows a bar at `now` (loading took over 200 ms).
    public func showsBar(at now: Date) -> Bool {
        fraction != nil && now.timeIntervalSince(startedAt) > Self.barAfter
    }

    /// The one line every loading screen and report shows.
    public var text: String {
        switch stage {
        case .reading:
            if let total { return "LOADING journal … \(read) of \(total) events" }
            return "LOADING journal …"
        case .migrating(let format, _):
            let percent = fraction.map { " \(Int(($0 * 100).rounded(.down)))%" } ?? ""
            return "MIGRATING journal to format \(format) …\(percent)"
        }
    }
}

/// What a screen renders: the journal's state once it has been read to its
/// end, or how far reading has got. There is no third way to draw a header:
/// a severity can only come from `.live`.
public enum Showing: Sendable {
    case loading(Loading)
    case live(Snapshot)

    /// The snapshot, once live.
    public var snapshot: Snapshot? {
        if case .live(let s) = self { return s }
        return nil
    }

    public var loading: Loading? {
        if case .loading(let l) = self { return l }
        return nil
    }
}
