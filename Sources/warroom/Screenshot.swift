import ArgumentParser
import Foundation
import WarRoomCore
import WarRoomRuntime
import WarRoomThemes
import WarRoomUI

/// The screen for a journal's latest state as text, optionally with colour
/// escapes for a theme and depth: for docs, chat and post-mortems.
struct Screenshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the dashboard for a journal's latest state as text (with --ansi: the colours of a theme at a depth).")

    @Option(help: "The journal.")
    var journal: String

    @Option var width = 160
    @Option var height = 48

    @Flag(help: "Include SGR colour escapes.")
    var ansi = false

    @Flag(help: "Show the wallboard's layout (banner, read-only).")
    var wallboard = false

    @OptionGroup var screen: ScreenOptions

    func run() throws {
        let j = try openReader(journal)
        let state = try fold(j)
        let now = state.lastEventTime ?? Date()
        var dashboard = Dashboard(access: wallboard ? .view : .record, timeZone: TimeZone(identifier: "UTC")!)
        dashboard.distance = wallboard
        let setup = try screen.resolve(config: nil)
        let grid = dashboard.render(Snapshot(state: state, publishedAt: now, viewTime: now), now: now, width: width, height: height)
        if ansi {
            let depth = setup.depth ?? .indexed256
            printRaw(ANSIText.render(grid, theme: setup.theme, depth: depth), terminator: "")
        } else {
            print(grid.text)
        }
    }
}
