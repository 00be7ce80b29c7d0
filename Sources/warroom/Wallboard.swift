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
            // An unchanged stamp is only a hint: read anyway every 5 s.
            var rhythm = FollowerRhythm(watch: j.makeWatch(maximumGap: .seconds(5)), watchingSince: watchingSince)
            var why = JournalWait.timedOut
            while why != .stopped {
                let settle = rhythm.settle(after: why)
                if settle > 0 { usleep(useconds_t(settle * 1000)) }
                let step = rhythm.step(
                    why: why, now: .now, wall: { Date() },
                    read: { try position.read(j, into: &state) },
                    presence: { SQLiteCommanderLease.presence(journal: journal) })
                for action in step.actions {
                    switch action {
                    case .post(let commander):
                        mailbox.post(Snapshot(state: state, publishedAt: Date(), label: "READ-ONLY", commander: commander))
                    case .flash(let text, let isError, let seconds):
                        mailbox.flash(text, isError: isError, seconds: seconds)
                    }
                }
                why = changes.wait(milliseconds: step.wait)
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
