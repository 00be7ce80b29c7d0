import Benchmark
import Foundation
import Support
import WarRoomCore

// Memory for 24 hours of 1-second history for 200 series: 200 `Series`
// (`Series.Points` each: a Float value and an Int32 millisecond offset a
// point) with capacity 86 400, filled.
// Target: at most 150 MB resident for the whole process.

let seriesCount = 200
let capacity = 86_400

let computedBytes = BenchmarkMetric.custom("computedBytes", polarity: .prefersSmaller, useScalingFactor: false)
let residentAfterFill = BenchmarkMetric.custom("residentAfterFill", polarity: .prefersSmaller, useScalingFactor: false)
let residentBefore = BenchmarkMetric.custom("residentBefore", polarity: .prefersSmaller, useScalingFactor: false)
let pointStride = BenchmarkMetric.custom("pointStride", polarity: .prefersSmaller, useScalingFactor: false)

let historyMetrics: [BenchmarkMetric] = [
    .wallClock, .mallocBytesCount, .mallocCountTotal, .peakMemoryResident,
    computedBytes, residentBefore, residentAfterFill, pointStride,
]

/// 200 full series; the points' values wobble like real readings.
func fill() -> [Series] {
    var all: [Series] = []
    all.reserveCapacity(seriesCount)
    for i in 0 ..< seriesCount {
        var series = Series(capacity: capacity, source: "prometheus")
        let base = 0.1 + Double(i % 17) * 0.01
        for s in 0 ..< capacity {
            series.append(base * (1 + 0.05 * Fixture.noise(s, UInt64(i))), at: Fixture.start.addingTimeInterval(Double(s)), from: "prometheus")
        }
        all.append(series)
    }
    return all
}

let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "history_24h_200_series",
        configuration: .init(
            metrics: historyMetrics,
            timeUnits: .nanoseconds,
            units: exactUnits(historyMetrics),
            warmupIterations: 0,
            scalingFactor: .one,
            maxDuration: .seconds(20),
            maxIterations: 3)
    ) { benchmark in
        let before = Fixture.residentBytes()
        benchmark.startMeasurement()
        let all = fill()
        benchmark.stopMeasurement()
        benchmark.measurement(residentBefore, before)
        benchmark.measurement(residentAfterFill, Fixture.residentBytes())
        benchmark.measurement(
            computedBytes,
            seriesCount * capacity * Series.Points.bytesPerPoint
                + seriesCount * MemoryLayout<Series>.stride)
        benchmark.measurement(pointStride, Series.Points.bytesPerPoint)
        precondition(all.allSatisfy { $0.points.count == capacity })
        blackHole(all)
    }
}
