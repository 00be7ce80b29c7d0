import Benchmark

/// Countable metrics (bytes, counts) reported exactly rather than rounded to
/// K/M/G, so that `run.sh` can read the exported percentiles as they are.
public func exactUnits(_ metrics: [BenchmarkMetric]) -> [BenchmarkMetric: BenchmarkUnits] {
    Dictionary(metrics.filter(\.countable).map { ($0, BenchmarkUnits.count) }, uniquingKeysWith: { a, _ in a })
}
