import Foundation
import Testing
import WarRoomCore

@testable import WarRoomRuntime

/// A watch whose stamp changes when the test says.
struct ScriptedWatch: JournalWatching {
    var changes: [Bool]
    mutating func shouldRead(now: ContinuousClock.Instant) -> Bool { changes.isEmpty ? false : changes.removeFirst() }
}

@Suite("A wallboard's rhythm, on the time it is given")
struct FollowerRhythmTests {
    static let base = ContinuousClock.now
    /// A whole second plus `ms`.
    static func wall(_ ms: Int) -> Date { Date(timeIntervalSince1970: 1_800_000_000 + Double(ms) / 1000) }
    static let nobody = CommanderPresence.absent(last: nil, since: nil)

    struct Run {
        var rhythm = FollowerRhythm(watch: ScriptedWatch(changes: []), watchingSince: FollowerRhythmTests.wall(0))
        var reads = 0
        var leaseLooks = 0

        /// One wake-up at `ms`; `fresh` is what the read finds.
        mutating func step(
            _ why: JournalWait, at ms: Int, fresh: Int = 0, failing: Bool = false,
            presence: CommanderPresence = FollowerRhythmTests.nobody
        ) -> FollowerRhythm.Step {
            var reads = self.reads
            var looks = self.leaseLooks
            defer { (self.reads, self.leaseLooks) = (reads, looks) }
            struct Unreadable: Error, CustomStringConvertible { var description: String { "disk I/O error" } }
            return rhythm.step(
                why: why, now: FollowerRhythmTests.base + .milliseconds(ms), wall: { FollowerRhythmTests.wall(ms) },
                read: {
                    reads += 1
                    if failing { throw Unreadable() }
                    return fresh
                },
                presence: {
                    looks += 1
                    return presence
                })
        }
    }

    @Test("the first wake-up posts the state as loaded; an idle one reads nothing and sleeps to just after the next second")
    func idle() {
        var run = Run()
        let first = run.step(.timedOut, at: 0)
        #expect(
            first.actions == [.post(commander: .absent(last: nil, since: Self.wall(0)))], "never seen a commander: absent since the wallboard started"
        )
        #expect(first.wait == 1005)
        let idle = run.step(.timedOut, at: 1005)
        #expect(idle.actions.isEmpty)
        #expect(run.reads == 0)
        #expect(idle.wait == 1000, "from 1.005 s: just after 2 s")
    }

    @Test(
        "a change that shows nothing yet looks again after 50, 100 and 300 ms, then at the next second; what it finds is posted and ends the looking")
    func looksAgain() {
        var run = Run()
        _ = run.step(.timedOut, at: 0)
        #expect(run.rhythm.settle(after: .changed) == 20)
        #expect(run.rhythm.settle(after: .timedOut) == 0)
        var step = run.step(.changed, at: 100)
        #expect(run.reads == 1 && step.actions.isEmpty)
        #expect(step.wait == 50)
        step = run.step(.timedOut, at: 150)
        #expect(run.reads == 2)
        #expect(step.wait == 100)
        step = run.step(.timedOut, at: 250, fresh: 3)
        #expect(run.reads == 3)
        #expect(step.actions == [.post(commander: .absent(last: nil, since: Self.wall(0)))])
        #expect(step.wait == 755, "found: no more looking, to just after the next second")
    }

    @Test("the wait to the next second is measured after the read, however long the read took")
    func waitAfterRead() {
        var rhythm = FollowerRhythm(watch: ScriptedWatch(changes: []), watchingSince: Self.wall(0))
        var ms = 0
        let step = rhythm.step(
            why: .changed, now: Self.base, wall: { Self.wall(ms) },
            read: {
                ms = 150
                return 1
            }, presence: { Self.nobody })
        #expect(step.wait == 855)
    }

    @Test("a pause past the next second waits for the second instead")
    func pausesStopAtTheSecond() {
        var run = Run()
        _ = run.step(.timedOut, at: 0)
        let step = run.step(.changed, at: 980)  // next: 1.005 s, 25 ms on; the 50 ms pause would pass it
        #expect(step.wait == 25)
        let next = run.step(.timedOut, at: 1005)
        #expect(run.reads == 2, "a read that found nothing after a change reads again at the second")
        #expect(next.wait == 100, "then the pauses left go on")
    }

    @Test("the lease is looked at once per 900 ms however often the journal changes; a new commander posts")
    func presenceRate() {
        var run = Run()
        _ = run.step(.timedOut, at: 0)
        for ms in stride(from: 100, through: 800, by: 100) { _ = run.step(.changed, at: ms, fresh: 1) }
        #expect(run.leaseLooks == 1)
        let ana = CommanderIdentity(user: "ana", host: "h", pid: 9, startedAt: Self.wall(0))
        let step = run.step(.timedOut, at: 900, presence: .commanding(ana, heartbeat: Self.wall(800)))
        #expect(run.leaseLooks == 2)
        #expect(step.actions == [.post(commander: .commanding(ana, heartbeat: Self.wall(800)))])
    }

    @Test("a read that fails keeps the last state and says so once; it is tried at every wake-up; the first good read says so and posts")
    func failingRead() {
        var run = Run()
        _ = run.step(.timedOut, at: 0)
        var step = run.step(.changed, at: 100, failing: true)
        #expect(step.actions == [.flash("cannot read the journal: disk I/O error", isError: true, seconds: 3600)])
        step = run.step(.timedOut, at: 1005, failing: true)
        #expect(step.actions.isEmpty, "said once")
        #expect(run.reads == 2, "tried again at the second, with no change seen")
        step = run.step(.timedOut, at: 2005, fresh: 1)
        #expect(
            step.actions == [
                .flash("journal readable again", isError: false, seconds: 5),
                .post(commander: .absent(last: nil, since: Self.wall(0))),
            ])
    }

    @Test("an unchanged stamp that the watch says to read anyway is read; a read that found nothing after it is read again at the next second")
    func watchSaysRead() {
        var run = Run()
        run.rhythm = FollowerRhythm(watch: ScriptedWatch(changes: [false, true, false, false]), watchingSince: Self.wall(0))
        _ = run.step(.timedOut, at: 0)
        _ = run.step(.timedOut, at: 1005)
        #expect(run.reads == 1)
        _ = run.step(.timedOut, at: 2005)
        #expect(run.reads == 2, "the recheck after a change that showed nothing")
        _ = run.step(.timedOut, at: 3005)
        #expect(run.reads == 2)
    }
}
