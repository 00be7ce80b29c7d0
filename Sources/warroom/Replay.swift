import ArgumentParser
import Foundation
import WarRoomCore
import WarRoomRuntime
import WarRoomTerminal
import WarRoomUI

struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Play a recorded journal back on the dashboard, for the post-mortem meeting. Read-only.")

    @Option(help: "The journal to play.")
    var journal: String

    @Option(help: "How many times faster than real time.")
    var speed: Double = 1

    @OptionGroup var screen: ScreenOptions

    @Option(name: .customLong("log"), help: "Where to write the log.")
    var log: String?

    func run() async throws {
        guard speed > 0, speed.isFinite else { throw ValidationError("--speed must be above 0") }
        let j = try openReader(journal)
        let events = try j.history()  // incident events and samples, at the resolution kept for their age
        guard let first = events.first, let last = events.last else {
            warn("warroom: \(journal) holds no events")
            throw ExitCode(1)
        }
        Logs.toFile(log ?? Logs.beside(journal: journal, name: "warroom.log"))
        try DashboardSession.requireTerminal()
        let mailbox = try SnapshotMailbox()
        let label = "REPLAY \(speed == speed.rounded() ? String(Int(speed)) : String(speed))x"
        let feeder = Task {
            let player = ReplayPlayer(events: events)
            let started = Date()
            var upcoming = 0  // the first event after the moment shown
            while !Task.isCancelled {
                let t = first.time.addingTimeInterval(Date().timeIntervalSince(started) * speed)
                let at = min(t, last.time)
                mailbox.post(
                    Snapshot(
                        state: player.state(at: at), publishedAt: Date(), viewTime: at,
                        label: at >= last.time ? "\(label) · END" : label))
                if at >= last.time { return }  // the end stays on screen; nothing changes any more
                // Wake when the picture changes: the next event, or the next second
                // of the replayed clock; at most 20 frames a second of real time.
                while upcoming < events.count, events[upcoming].time <= at { upcoming += 1 }
                let nextSecond = Date(timeIntervalSince1970: at.timeIntervalSince1970.rounded(.down) + 1)
                let target = upcoming < events.count ? min(events[upcoming].time, nextSecond) : nextSecond
                let wait = max(target.timeIntervalSince(at) / speed, 0.05)
                try? await Task.sleep(for: .milliseconds(Int((wait * 1000).rounded(.up))))
            }
        }
        let setup = try screen.resolve(config: nil)
        let dashboard = Dashboard(access: .view)
        let reason = await TerminalApp.run(mailbox: mailbox, dashboard: dashboard, theme: setup.theme, depth: setup.depth, mouse: setup.mouse) {
            intent in
            if intent != .quit { mailbox.flash("replay is read-only: nothing is recorded", isError: true) }
        }
        feeder.cancel()
        if reason.status != 0 { throw ExitCode(reason.status) }
    }
}
