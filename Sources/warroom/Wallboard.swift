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
        let follower = Task {
            // The newest checkpoint plus the tail; the loop below follows from there.
            var state = (try? j.loadState().state) ?? WarRoomState()
            var failed = false
            var posted = false
            var watch = j.makeWatch()
            var commander: CommanderPresence?
            var lookedAtLease = ContinuousClock.now - .seconds(10)
            while !Task.isCancelled {
                // Who commands: a held lease with a fresh heartbeat, looked at every second.
                var presenceChanged = false
                if ContinuousClock.now - lookedAtLease >= .seconds(1) {
                    lookedAtLease = ContinuousClock.now
                    var seen = SQLiteCommanderLease.presence(journal: journal)
                    if case .absent(let last, .none) = seen { seen = .absent(last: last, since: watchingSince) }
                    presenceChanged = seen != commander
                    commander = seen
                }
                do {
                    // Read only when the commander's journal changed (or every 750 ms), as the dashboard does.
                    let fresh = watch.shouldRead() || failed ? try j.events(after: state.lastSeq) : []
                    for e in fresh { state.apply(e) }
                    if failed { mailbox.flash("journal readable again", isError: false) }
                    failed = false
                    // Only new events (or news of the commander) wake the screen; its clock ticks on its own.
                    if !fresh.isEmpty || !posted || presenceChanged {
                        mailbox.post(Snapshot(state: state, publishedAt: Date(), label: "READ-ONLY", commander: commander))
                        posted = true
                    }
                } catch {
                    // Keep showing the last good state, and say that it is not live.
                    if !failed { mailbox.flash("cannot read the journal: \(error)", isError: true, seconds: 3600) }
                    failed = true
                }
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        var dashboard = Dashboard(commands: nil)
        dashboard.readOnly = true
        dashboard.distance = true
        dashboard.keyMap = setup.keyMap
        if let first = setup.warnings.first { mailbox.flash(first, isError: true, seconds: 10) }
        let viewers = TmuxViewers.watch(mailbox)
        let reason = await TerminalApp.run(mailbox: mailbox, dashboard: dashboard, theme: setup.theme, depth: setup.depth, mouse: setup.mouse) { intent in
            if intent != .quit { mailbox.flash("read-only wallboard: nothing is recorded or sent", isError: true) }
        }
        follower.cancel()
        viewers?.cancel()
        if reason.status != 0 { throw ExitCode(reason.status) }
    }
}
