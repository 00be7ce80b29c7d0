public import Foundation
public import WarRoomCore

/// When a follower on a thread of its own (the wallboard) reads, posts and
/// sleeps, decided on the time it is given, so its rhythm is tested without
/// waiting. The thread does what a `Step` says and blocks in the journal's
/// wake-up for `wait` milliseconds (or until the journal changes).
///
/// - The kernel's word that the journal changed is read at once, after
///   `readAfter[0]` ms for the write to land. The commit itself is invisible
///   to it, so a read that found nothing looks again after each later pause,
///   then at the next second.
/// - An unchanged file stamp is only a hint: the watch reads anyway every
///   `maximumGap`.
/// - Who commands (the lease) is looked at no more than once every 900 ms.
/// - A read that fails keeps the last good state on screen, says so once,
///   and is tried again each time; the first good read after says so too.
/// - Only news (events, samples, a change of commander) posts a snapshot.
public struct FollowerRhythm {
    public enum Action: Sendable, Equatable {
        case post(commander: CommanderPresence?)
        case flash(String, isError: Bool, seconds: Double)
    }

    public struct Step: Sendable, Equatable {
        public var actions: [Action]
        /// Block in the wake-up this long, at most (ms).
        public var wait: Int32
    }

    public static let presenceEvery: Duration = .milliseconds(900)

    private var watch: any JournalWatching
    private let readAfter: [Int]
    private let watchingSince: Date
    private var commander: CommanderPresence?
    private var lookedAtLease: ContinuousClock.Instant?
    private var failed = false
    private var posted = false
    private var recheck = false
    private var soon: ArraySlice<Int> = []
    private var lookingAgain = false

    public init(watch: any JournalWatching, readAfter: [Int] = SQLiteJournalWakeup.readAfter, watchingSince: Date) {
        self.watch = watch
        self.readAfter = readAfter
        self.watchingSince = watchingSince
    }

    /// One wake-up: `why` it woke, `now` on the follower's clock, and `wall`
    /// asked after the read, for the next whole second. `read` folds what is
    /// new and says how much; `presence` looks at the lease.
    public mutating func step(
        why: JournalWait, now: ContinuousClock.Instant, wall: () -> Date,
        read: () throws -> Int, presence: () -> CommanderPresence
    ) -> Step {
        var actions: [Action] = []
        var presenceChanged = false
        if lookedAtLease.map({ now - $0 >= Self.presenceEvery }) ?? true {
            lookedAtLease = now
            var seen = presence()
            if case .absent(let last, .none) = seen { seen = .absent(last: last, since: watchingSince) }
            presenceChanged = seen != commander
            commander = seen
        }
        do {
            let changed = watch.shouldRead(now: now) || why == .changed || lookingAgain
            let fresh = changed || recheck || failed ? try read() : 0
            recheck = changed && fresh == 0
            if fresh > 0 {
                soon = []
            } else if why == .changed {
                soon = readAfter.dropFirst()
            }
            if failed { actions.append(.flash("journal readable again", isError: false, seconds: 5)) }
            failed = false
            if fresh > 0 || !posted || presenceChanged {
                actions.append(.post(commander: commander))
                posted = true
            }
        } catch {
            if !failed { actions.append(.flash("cannot read the journal: \(error)", isError: true, seconds: 3600)) }
            failed = true
        }
        let toNextSecond = SecondTicks.untilNextSecond(now: wall())
        let second = Int32(toNextSecond.components.seconds * 1000 + toNextSecond.components.attoseconds / 1_000_000_000_000_000)
        let pause = soon.popFirst().map { Int32($0) }
        lookingAgain = pause.map { $0 < second } ?? false
        return Step(actions: actions, wait: lookingAgain ? pause ?? second : second)
    }

    /// How long to sleep before the step after waking for `why` (ms): a
    /// change's write lands just before its commit (an fsync).
    public func settle(after why: JournalWait) -> Int {
        why == .changed ? readAfter.first ?? 0 : 0
    }
}
