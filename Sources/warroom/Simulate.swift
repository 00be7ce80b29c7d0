import ArgumentParser
import Foundation
import LaunchSimulator
import Logging

struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the launch simulator alone: GET /health, GET /metrics, POST /traffic, POST /rollback on loopback.")

    @Option(help: "The port to listen on (0 picks a free one).")
    var port = 8080

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The scenario: demo (faults at set times) or calm.")
    var scenario = "demo"

    func run() async throws {
        guard let scenario = Scenario.named(scenario) else {
            throw ValidationError("unknown scenario '\(self.scenario)'; choose demo or calm")
        }
        var logger = Logger(label: "simulator")
        logger.logLevel = .info
        let simulator = LaunchSimulator(scenario: scenario, host: host, port: port, logger: logger)
        try await simulator.run { port in
            let banner = """
                simulator listening on http://\(host):\(port) (scenario \(scenario.name))
                  GET /health  GET /metrics  GET /state  POST /traffic {"percent": N}  POST /rollback

                """
            try? FileHandle.standardOutput.write(contentsOf: Data(banner.utf8))
        }
    }
}
