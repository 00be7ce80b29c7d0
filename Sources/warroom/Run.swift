import ArgumentParser
import Foundation
import WarRoomCore
import WarRoomRuntime
import WarRoomThemes
import WarRoomUI

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Open the war room for a real launch described by a config file.")

    @Option(help: "The war room's YAML config (see examples/).")
    var config: String

    @OptionGroup var options: JournalOptions
    @OptionGroup var screen: ScreenOptions

    @Flag(help: "Start the launch at once (the canary's first step) instead of waiting for L.")
    var start = false

    func run() async throws {
        var config: WarRoomConfig
        do {
            config = try ConfigLoader.load(path: self.config)
            if options.dryRun { config.dryRun = true }
        } catch let errors as ConfigErrors {
            warn(errors.description)
            throw ExitCode(2)
        }
        let safeName = config.service.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" }
        let journalPath = options.journal ?? SQLiteJournal.defaultDirectory() + "/\(String(safeName)).sqlite"
        try TakeCommand.prepareFolder(journal: journalPath)
        Logs.toFile(options.logPath(journal: journalPath))
        let setup = try screen.resolve(config: config)
        // Before the terminal check: a refusal (who commands, an unsafe journal) needs no terminal to be read.
        let lease = try await TakeCommand.lease(journal: journalPath, options: options)
        try DashboardSession.requireTerminal()
        let status = try await DashboardSession(
            config: config, journalPath: journalPath, mode: .run, lease: lease, takeOver: options.takeOverReason, screen: setup, autoStart: start
        ).run()
        warn("journal: \(journalPath)")
        if status != 0 { throw ExitCode(status) }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Validate a config file: every problem with its file, line and field.")

    @Option(help: "The war room's YAML config.")
    var config: String?

    @Option(help: "Validate a theme instead (or as well): a name or a YAML file.")
    var theme: String?

    func run() throws {
        guard config != nil || theme != nil else { throw ValidationError("give --config FILE, --theme NAME|PATH, or both") }
        if let theme {
            do {
                let (t, warnings) = try ThemeLoader.load(nameOrPath: theme, searchDirectories: ScreenOptions.searchDirectories())
                for w in warnings { warn(w.description) }
                print(
                    "\(theme): ok: theme \(t.name), \(t.styles.count) roles\(warnings.isEmpty ? "" : ", \(warnings.count) warning\(warnings.count == 1 ? "" : "s")")"
                )
            } catch {
                warn(error.description)
                throw ExitCode(2)
            }
        }
        guard let config else { return }
        do {
            let c = try ConfigLoader.load(path: config)
            if !c.keyBindings.isEmpty { _ = try ScreenOptions.keyMap(c) }
            if let theme = c.theme, self.theme == nil {
                do { _ = try ThemeLoader.load(nameOrPath: theme, searchDirectories: ScreenOptions.searchDirectories()) } catch {
                    warn(error.description)
                    throw ExitCode(2)
                }
            }
            let plan = c.plan.steps.map { Format.weight($0.weight) + ($0.hold.map { " " + Format.duration($0) } ?? "") }
            print("\(config): ok")
            print("  service  \(c.service)")
            print("  sources  \(c.sources.map { "\($0.name) every \(Format.duration($0.interval))" }.joined(separator: ", "))")
            print("  plan     \(plan.joined(separator: " → "))")
            print(
                "  severity error rate \(Format.percent(c.rules.errorRate.sev3))/\(Format.percent(c.rules.errorRate.sev2))/\(Format.percent(c.rules.errorRate.sev1)), latency \(Format.latency(c.rules.latency.sev3))/\(Format.latency(c.rules.latency.sev2))/\(Format.latency(c.rules.latency.sev1)) for SEV-3/2/1"
            )
            print("  roster   \(c.roster.tiers.map { "\($0.name): \($0.person.name)" }.joined(separator: ", "))")
            print("  commands \(c.commands.keys.sorted().joined(separator: ", ").nonEmpty ?? "none (the canary will pause at its first step)")")
            print("  manual rollback (if warroom is down): \(c.breakGlass(by: currentUser()))")
        } catch let errors as ConfigErrors {
            warn(errors.description)
            warn("\(errors.errors.count) problem\(errors.errors.count == 1 ? "" : "s") in \(config)")
            throw ExitCode(2)
        }
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
