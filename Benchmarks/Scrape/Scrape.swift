import Benchmark
import Foundation
import LaunchSimulator
import Support
import WarRoomCore

// Scrape parser throughput: `PrometheusTextParser.parse` on a large, valid
// /metrics body. Target: at least 100 MB/s.

/// How large the big body is at least.
let minimumBodyBytes = 22 * 1_000_000

/// A /metrics body the size of a big fleet's: the simulator's own families
/// (`ServiceModel.metricsText()`: a counter, a histogram, a gauge), exposed
/// by thousands of instances, each with its own counters and labels. Each
/// family stays one uninterrupted group, as the format requires.
func fleetBody(minimumBytes: Int) -> [UInt8] {
    var order: [String] = []
    var headers: [String: String] = [:]
    var samples: [String: [UInt8]] = [:]
    var total = 0
    var instance = 0
    let regions = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"]
    while total < minimumBytes {
        var model = ServiceModel(scenario: instance % 3 == 0 ? .demo : .calm)
        model.setTraffic([1, 5, 25, 50][instance % 4])
        model.advance(to: Double(30 + instance % 120))
        let labels =
            "service=\"promptforge-web\",region=\"\(regions[instance % regions.count])\","
            + "instance=\"10.\(instance / 65536 % 256).\(instance / 256 % 256).\(instance % 256):8080\","
            + "pod=\"promptforge-web-7d9f8b6c4-\(String(instance, radix: 36))\""
        var family = ""
        for line in model.metricsText().split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") {
                let words = line.split(separator: " ", maxSplits: 3)
                guard words.count >= 3 else { continue }
                family = String(words[2])
                if instance == 0 {
                    if headers[family] == nil { order.append(family) }
                    headers[family, default: ""] += line + "\n"
                }
                continue
            }
            let withLabels: String
            if let brace = line.firstIndex(of: "{") {
                withLabels = line[..<brace] + "{" + labels + "," + line[line.index(after: brace)...]
            } else if let space = line.firstIndex(of: " ") {
                withLabels = line[..<space] + "{" + labels + "}" + line[space...]
            } else {
                continue
            }
            samples[family, default: []].append(contentsOf: withLabels.utf8)
            samples[family, default: []].append(UInt8(ascii: "\n"))
            total += withLabels.utf8.count + 1
        }
        instance += 1
    }
    var body: [UInt8] = []
    body.reserveCapacity(total + 4096)
    for family in order {
        body.append(contentsOf: headers[family, default: ""].utf8)
        body.append(contentsOf: samples[family, default: []])
    }
    return body
}

/// What the simulator serves two minutes into the demo, with 5% on the canary.
func simulatorBody() -> [UInt8] {
    var model = ServiceModel(scenario: .demo)
    model.setTraffic(5)
    model.advance(to: 120)
    return Array(model.metricsText().utf8)
}

/// Checked once: the body must parse, or the benchmark would time an error path.
func validBody(_ body: [UInt8]) throws -> [UInt8] {
    let families = try PrometheusTextParser.parse(body, format: .prometheusText004)
    precondition(!families.isEmpty && families.allSatisfy { !$0.samples.isEmpty }, "empty families")
    return body
}

let bodyBytes = BenchmarkMetric.custom("bodyBytes", polarity: .prefersLarger, useScalingFactor: false)
let samplesParsed = BenchmarkMetric.custom("samples", polarity: .prefersLarger, useScalingFactor: false)

let scrapeMetrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident, bodyBytes, samplesParsed]

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: scrapeMetrics,
        timeUnits: .nanoseconds,
        units: exactUnits(scrapeMetrics),
        warmupIterations: 1,
        scalingFactor: .one,
        maxDuration: .seconds(8),
        maxIterations: 40
    )

    Benchmark("parse_fleet_body") { benchmark, body in
        benchmark.startMeasurement()
        let families: [MetricFamily]
        do {
            families = try PrometheusTextParser.parse(body, format: .prometheusText004)
        } catch {
            return benchmark.error("\(error)")
        }
        benchmark.stopMeasurement()
        benchmark.measurement(bodyBytes, body.count)
        benchmark.measurement(samplesParsed, families.reduce(0) { $0 + $1.samples.count })
        blackHole(families)
    } setup: {
        try validBody(fleetBody(minimumBytes: minimumBodyBytes))
    }

    // The simulator's own /metrics (one instance, ~2 KB): the per-scrape cost.
    Benchmark(
        "parse_simulator_body",
        configuration: .init(warmupIterations: 100, maxDuration: .seconds(2), maxIterations: 100_000)
    ) { benchmark, body in
        benchmark.startMeasurement()
        let families = try? PrometheusTextParser.parse(body, format: .prometheusText004)
        benchmark.stopMeasurement()
        benchmark.measurement(bodyBytes, body.count)
        blackHole(families)
    } setup: {
        try validBody(simulatorBody())
    }
}
