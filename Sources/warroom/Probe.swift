import ArgumentParser
import AsyncHTTPClient
import Foundation
import WarRoomCore
import WarRoomRuntime

/// The operator's tool for debugging a source, as `promtool check metrics` is:
/// fetch once and print what warroom reads, or exactly why it cannot.
struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch a source once and print what warroom reads: the values, or the exact error (line numbers for metrics).")

    enum Kind: String, ExpressibleByArgument, CaseIterable { case health, scrape }

    @Argument(help: "The URL to fetch.")
    var url: String

    @Option(help: "health (runbook JSON) or scrape (Prometheus /metrics).")
    var kind: Kind = .health

    @Option(help: "Seconds before giving up.")
    var timeout: Double = 5

    @Option(help: "For scrape: seconds between two scrapes, to show rates (0 prints counters only).")
    var interval: Double = 1

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let source = SourceConfig(name: "probe", kind: kind == .health ? .health(url: url) : .scrape(url: url, mapping: ScrapeMapping()),
                                  interval: max(interval, 0.1), timeout: timeout)
        let poller = SourcePoller(source: source, url: url, client: client)
        do {
            switch kind {
            case .health:
                let reading = try await poller.fetch()
                print("status  \(reading.status ?? "(none)")")
                for s in reading.samples { print(line(s)) }
                if reading.samples.isEmpty { print("no values (every field absent or null)") }
            case .scrape:
                let (families, format) = try await poller.scrape()
                print("format  \(format == .openMetrics100 ? "OpenMetrics 1.0" : "Prometheus text 0.0.4"), \(families.count) families, \(families.reduce(0) { $0 + $1.samples.count }) samples: valid")
                let counters = try ScrapeReader.counters(families, mapping: ScrapeMapping())
                for (cohort, c) in counters.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                    print("\(cohort.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) requests \(Int(c.requests)), 5xx \(Int(c.errors)), latency count \(Int(c.latencyCount))")
                }
                if interval > 0 {
                    let previous = SourcePoller.Previous()
                    _ = try await poller.samples(previous: previous)
                    try await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                    for s in try await poller.samples(previous: previous) { print(line(s)) }
                }
            }
        } catch let failure as PollFailure {
            warn("warroom probe: \(url): \(failure.reason)")
            try? await client.shutdown()
            throw ExitCode(1)
        } catch let missing as ScrapeReader.Missing {
            warn("warroom probe: \(url): \(missing)")
            try? await client.shutdown()
            throw ExitCode(1)
        }
        try? await client.shutdown()
    }

    func line(_ s: Sample) -> String {
        "\(s.key.cohort.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(s.key.metric.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(Format.value(s.value, s.key.metric))"
    }
}
