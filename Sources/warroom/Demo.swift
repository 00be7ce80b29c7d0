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

    @Option(help: "The simulator's scenario: demo or calm.")
    var scenario = "demo"

    func run() async throws {
        guard let scenario = Scenario.named(scenario) else {
            throw ValidationError("unknown scenario '\(self.scenario)'; choose demo or calm")
        }
        let stamp = Date().formatted(.iso8601.year().month().day().dateSeparator(.omitted).time(includingFractionalSeconds: false).timeSeparator(.omitted))
        let journalPath = options.journal ?? Journal.defaultDirectory() + "/demo-\(stamp.replacingOccurrences(of: "T", with: "-").replacingOccurrences(of: "Z", with: "")).sqlite"
        Logs.toFile(options.log ?? (journalPath as NSString).deletingLastPathComponent + "/warroom.log")
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
        let config = try ConfigLoader.parse(DemoConfig.yaml(port: port), file: "<built-in demo config>")
        let status = try await DashboardSession(config: config, journalPath: journalPath, mode: "demo").run()
        server.cancel()
        warn("journal: \(journalPath)")
        if status != 0 { throw ExitCode(status) }
    }
}

enum DemoConfig {
    /// The demo's config: the runbooks' thresholds and roster, the canary plan
    /// compressed from hours to minutes, commands wired to the simulator.
    static func yaml(port: Int) -> String {
        """
        service: promptforge-web (simulated)
        sources:
          - name: health
            kind: health
            url: http://127.0.0.1:\(port)/health
            interval: 1s
            timeout: 800ms
        severity:
          error_rate: {sev3: 5%, sev2: 10%, sev1: 20%}
          latency: {sev3: 3s, sev2: 5s, sev1: 10s}
        canary:
          steps:
            - {weight: 1%, hold: 45s}
            - {weight: 5%, hold: 60s}
            - {weight: 25%, hold: 150s}
            - {weight: 100%}
        roster:
          tiers:
            - {tier: Primary, name: Ana Ruiz, handle: "@ana", contact: "+1 555 0101", escalate_after: 15m}
            - {tier: Secondary, name: Ben Okafor, handle: "@ben", contact: "+1 555 0102", escalate_after: 30m}
            - {tier: Eng lead, name: Chen Wei, handle: "@chen", contact: "+1 555 0103", escalate_after: 1h}
            - {tier: CTO, name: Dana Levi, handle: "@dana", contact: "+1 555 0104", escalate_after: 2h}
        commands:
          set_traffic:
            webhook: {method: POST, url: "http://127.0.0.1:\(port)/traffic", body: '{"percent": {percent}}', timeout: 5s}
          rollback:
            webhook: {method: POST, url: "http://127.0.0.1:\(port)/rollback", body: '{"reason": "{reason}"}', timeout: 5s}
        """
    }
}
