import ArgumentParser
import Foundation
import LaunchSimulator
import Logging
import WarRoomCore
import WarRoomRuntime

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch a simulated launch: a built-in service on loopback, stepped through the canary plan until a fault hits.")

    @OptionGroup var options: JournalOptions
    @OptionGroup var screen: ScreenOptions

    @Option(help: "The simulator's scenario: demo, calm, or quick (the demo's story in under a minute).")
    var scenario = "demo"

    func run() async throws {
        guard let scenario = Scenario.named(scenario) else {
            throw ValidationError("unknown scenario '\(self.scenario)'; choose demo, calm or quick")
        }
        let stamp = Date().formatted(
            .iso8601.year().month().day().dateSeparator(.omitted).time(includingFractionalSeconds: false).timeSeparator(.omitted))
        let journalPath =
            options.journal ?? SQLiteJournal.defaultDirectory()
            + "/demo-\(stamp.replacingOccurrences(of: "T", with: "-").replacingOccurrences(of: "Z", with: "")).sqlite"
        try TakeCommand.prepareFolder(journal: journalPath)
        Logs.toFile(options.logPath(journal: journalPath))
        let setup = try screen.resolve(config: nil)
        // Before the terminal check: a refusal (who commands, an unsafe journal) needs no terminal to be read.
        let lease = try await TakeCommand.lease(journal: journalPath, options: options)
        try DashboardSession.requireTerminal()

        let simulator = LaunchSimulator(scenario: scenario, logger: Logger(label: "simulator"))
        let (ready, readyContinuation) = AsyncStream.makeStream(of: Int.self)
        let server = Task {
            do {
                try await simulator.run { port in readyContinuation.yield(port) }
            } catch {
                Logger(label: "simulator").error("simulator stopped: \(error)")
            }
            readyContinuation.finish()
        }
        var iterator = ready.makeAsyncIterator()
        guard let port = await iterator.next() else {
            throw ValidationError("the simulator could not start on 127.0.0.1; see the log")
        }
        var config = try ConfigLoader.parse(DemoConfig.yaml(port: port, scenario: scenario), file: "<built-in demo config>")
        if options.dryRun { config.dryRun = true }
        let status = try await DashboardSession(
            config: config, journalPath: journalPath, mode: .demo, lease: lease, takeOver: options.takeOverReason, screen: setup, autoStart: true
        ).run()
        server.cancel()
        warn("journal: \(journalPath)")
        if status != 0 { throw ExitCode(status) }
    }
}

enum DemoConfig {
    /// The demo's config: the runbooks' thresholds and roster, the canary plan
    /// compressed from hours to minutes, commands wired to the simulator.
    static func yaml(port: Int, scenario: Scenario) -> String {
        let h = scenario.holds.map { Format.duration($0) }
        return """
            service: promptforge-web (simulated)
            sources:
              - name: health
                kind: health
                url: http://127.0.0.1:\(port)/health
                interval: 1s
                timeout: 800ms
                # One source: nothing to spread apart. Read on the second, with the screen's clock.
                jitter: 0
            severity:
              error_rate: {sev3: 5%, sev2: 10%, sev1: 20%}
              latency: {sev3: 3s, sev2: 5s, sev1: 10s}
            canary:
              steps:
                - {weight: 1%, hold: \(h[0])}
                - {weight: 5%, hold: \(h[1])}
                - {weight: 25%, hold: \(h[2])}
                - {weight: 100%}
              analysis:
                interval: \(Format.duration(scenario.analysisInterval))
                failure_limit: 1
                inconclusive_limit: 3
                auto_rollback: true
                metrics:
                  - {metric: error_rate, max: 5%, max_increase: 2%}
                  - {metric: latency, max: 3s, max_increase: 1s}
            # The runbooks' escalation, compressed from minutes to seconds.
            roster:
              tiers:
                - {tier: Primary, name: Ana Ruiz, handle: "@ana", contact: "+1 555 0101", escalate_after: 15s}
                - {tier: Secondary, name: Ben Okafor, handle: "@ben", contact: "+1 555 0102", escalate_after: 30s}
                - {tier: Eng lead, name: Chen Wei, handle: "@chen", contact: "+1 555 0103", escalate_after: 60s}
                - {tier: CTO, name: Dana Levi, handle: "@dana", contact: "+1 555 0104", escalate_after: 120s}
            # A harmless pager: prints the page. A real one would call your paging service.
            paging:
              program: [/bin/echo, "PAGE {handle} ({tier}) {severity}: {title}"]
              timeout: 5s
            abort_window: 3s
            commands:
              set_traffic:
                webhook: {method: POST, url: "http://127.0.0.1:\(port)/traffic", body: '{"percent": {percent}, "reason": "{reason}"}'}
                timeout: 5s
              rollback:
                webhook: {method: POST, url: "http://127.0.0.1:\(port)/rollback", body: '{"reason": "{reason}"}'}
                timeout: 5s
              # The simulator answers like a traffic controller: the weight in force.
              read_traffic:
                webhook: {method: GET, url: "http://127.0.0.1:\(port)/traffic"}
                timeout: 2s
                interval: 5s
            """
    }
}
