import ArgumentParser
import Foundation
import WarRoomCore
import WarRoomRuntime
import WarRoomTerminal
import WarRoomUI

/// A read-only screen that follows a journal another warroom writes. It has no
/// command executor, no pager and no writable journal: no key can change anything.
struct Wallboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A read-only wallboard following a war room's journal (for the TV): no key can send a command.")

    @Option(help: "The journal the commander's warroom writes.")
    var journal: String

    @Option(name: .customLong("log"), help: "Where to write the log.")
    var log: String?

    @Option(help: "The war room's config, for its theme and keys (never its commands: a wallboard has none).")
    var config: String?

    @OptionGroup var screen: ScreenOptions

    func run() async throws {
        var loaded: WarRoomConfig?
        if let config {
            do { loaded = try ConfigLoader.load(path: config) } catch let errors as ConfigErrors {
                warn(errors.description)
                throw ExitCode(2)
            }
        }
        let setup = try screen.resolve(config: loaded)
        let j = try openReader(journal)
        Logs.toFile(log ?? Logs.beside(journal: journal, name: "warroom-wallboard.log"))
        try DashboardSession.requireTerminal()
        let mailbox = try SnapshotMailbox()
        let watchingSince = Date()
        // The follower has a thread of its own, asleep in poll() until the
        // journal changes or the next second starts: an idle wallboard wakes for
        // nothing else (async sleeps cost a hop through the runtime's threads each).
        let changes = j.makeWakeup()
        let follower = Thread {
            try? "warroom-follow".write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
            // First the journal up to its end as of opening, saying how far on
            // screen: the state folded so far is the past and says nothing
            // about now. A read that fails is shown and tried again.
            var loaded: JournalLoader.Loaded?
            while loaded == nil {
                do {
                    loaded = try JournalLoader.load(j, progress: { mailbox.post(loading: $0) })
                } catch {
                    if changes.wait(milliseconds: 1000) == .stopped { return }
                }
            }
            guard let loaded else { return }
            var state = loaded.state
            var position = loaded.follower  // events, and samples from the samples store
            var failed = false
            var posted = false
            var recheck = false
            // An unchanged stamp is only a hint: read anyway every 5 s.
            var watch = j.makeWatch(maximumGap: .seconds(5))
            var commander: CommanderPresence?
            var lookedAtLease = ContinuousClock.now - .seconds(10)
            var why = JournalWait.timedOut
            // After a change that showed nothing yet, look again this soon (ms).
            var soon: ArraySlice<Int32> = []
            var lookingAgain = false
            while why != .stopped {
                // The log's write comes just before its commit (an fsync): let it land.
                if why == .changed { usleep(useconds_t(SQLiteJournalWakeup.readAfter[0] * 1000)) }
                // Who commands: a held lease with a fresh heartbeat, looked at every second.
                var presenceChanged = false
                if ContinuousClock.now - lookedAtLease >= .milliseconds(900) {
                    lookedAtLease = ContinuousClock.now
                    var seen = SQLiteCommanderLease.presence(journal: journal)
                    if case .absent(let last, .none) = seen { seen = .absent(last: last, since: watchingSince) }
                    presenceChanged = seen != commander
                    commander = seen
                }
                do {
                    // A change seen by the kernel is read at once; the stamp check
                    // at each second catches what it cannot see. The commit itself
                    // is invisible to inotify: a read that found nothing after a
                    // change looks again (`SQLiteJournalWakeup.readAfter`), then at the next second.
                    let changed = watch.shouldRead() || why == .changed || lookingAgain
                    let fresh = changed || recheck || failed ? try position.read(j, into: &state) : 0
                    recheck = changed && fresh == 0
                    if fresh > 0 { soon = [] } else if why == .changed { soon = SQLiteJournalWakeup.readAfter.dropFirst().map(Int32.init)[...] }
                    if failed { mailbox.flash("journal readable again", isError: false) }
                    failed = false
                    // Only new events (or news of the commander) wake the screen; its clock ticks on its own.
                    if fresh > 0 || !posted || presenceChanged {
                        mailbox.post(Snapshot(state: state, publishedAt: Date(), label: "READ-ONLY", commander: commander))
                        posted = true
                    }
                } catch {
                    // Keep showing the last good state, and say that it is not live.
                    if !failed { mailbox.flash("cannot read the journal: \(error)", isError: true, seconds: 3600) }
                    failed = true
                }
                let toNextSecond = SecondTicks.untilNextSecond()
                let second = Int32(toNextSecond.components.seconds * 1000 + toNextSecond.components.attoseconds / 1_000_000_000_000_000)
                let pause = soon.popFirst()
                lookingAgain = pause.map { $0 < second } ?? false
                why = changes.wait(milliseconds: lookingAgain ? pause ?? second : second)
            }
        }
        follower.name = "warroom-follower"
        follower.start()
        var dashboard = Dashboard(access: .view)
        dashboard.distance = true
        dashboard.keyMap = setup.keyMap
        if let first = setup.warnings.first { mailbox.flash(first, isError: true, seconds: 10) }
        let viewers = TmuxViewers.watch(mailbox)
        let reason = await TerminalApp.run(mailbox: mailbox, dashboard: dashboard, theme: setup.theme, depth: setup.depth, mouse: setup.mouse) {
            intent in
            if intent != .quit { mailbox.flash("read-only wallboard: nothing is recorded or sent", isError: true) }
        }
        changes.stop()
        viewers?.cancel()
        if reason.status != 0 { throw ExitCode(reason.status) }
    }
}
