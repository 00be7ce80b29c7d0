import ArgumentParser
import Foundation

@main
struct WarRoomCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warroom",
        abstract: "A full-screen terminal war room for risky launches: live metrics, canary stage, incident timeline, escalation roster.",
        subcommands: [
            Demo.self, Run.self, Wallboard.self, Replay.self, Note.self, Ack.self, Status.self, Export.self, Check.self, Probe.self, Simulate.self,
            Screenshot.self, JournalStress.self, GroupCommitStress.self, JournalLegacy.self, JournalFill.self, JournalGrowth.self,
        ],
        defaultSubcommand: nil)

    /// ArgumentParser's own `main`, except that its messages (usage errors,
    /// thrown errors, which may quote a path or a server's answer) go out
    /// through `print` and `warn`, inert like everything else.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            let message = fullMessage(for: error)
            let code = exitCode(for: error)
            if !message.isEmpty {
                if code == .success { print(message) } else { warn(message) }
            }
            Foundation.exit(code.rawValue)
        }
    }
}

/// Options every dashboard command shares.
struct JournalOptions: ParsableArguments {
    @Option(name: .long, help: "The journal file (SQLite). Default: a file under $XDG_STATE_HOME/warroom.")
    var journal: String?

    @Option(name: .long, help: "Where to write the log (never the screen). Default: warroom.log beside the journal.")
    var log: String?

    @Flag(name: .long, help: "Show and record commands without sending them.")
    var dryRun = false

    @Flag(
        name: .long,
        help:
            "Ask the commander of this journal for command: its dashboard shows the request and a key grants it; at once when it is no longer running."
    )
    var takeOver = false

    @Option(name: .long, help: "Why you take over (recorded with the handoff).")
    var reason: String?

    /// Why this process asks for command, when it does (`--take-over`).
    var takeOverReason: String? {
        takeOver ? (reason ?? "take-over requested by \(currentUser())") : nil
    }

    /// The log's path: `--log`, else `name` beside the journal (in the
    /// current folder for a journal named without one, never in `/`).
    func logPath(journal: String, name: String = "warroom.log") -> String {
        log ?? Logs.beside(journal: journal, name: name)
    }
}

/// The OS user, for "who did it" in the timeline.
func currentUser() -> String {
    let env = ProcessInfo.processInfo.environment
    if let user = env["USER"] ?? env["LOGNAME"], !user.isEmpty { return user }
    return NSUserName()
}

// `warn` (stderr) and `print` (stdout) are in Output.swift: both make text inert.
