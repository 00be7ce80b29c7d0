import Foundation
import Testing

@testable import WarRoomCore

@Suite("Scrape reader: counters become rates, histograms quantiles")
struct ScrapeReaderTests {
    func page(ok: Int, errors: Int, buckets: [Int], sum: Double) -> String {
        let count = buckets.last ?? 0
        return """
            # TYPE http_requests_total counter
            http_requests_total{cohort="canary",code="200"} \(ok)
            http_requests_total{cohort="canary",code="500"} \(errors)
            # TYPE http_request_duration_seconds histogram
            http_request_duration_seconds_bucket{cohort="canary",le="0.1"} \(buckets[0])
            http_request_duration_seconds_bucket{cohort="canary",le="1"} \(buckets[1])
            http_request_duration_seconds_bucket{cohort="canary",le="+Inf"} \(count)
            http_request_duration_seconds_sum{cohort="canary"} \(sum)
            http_request_duration_seconds_count{cohort="canary"} \(count)

            """
    }

    func counters(_ text: String) throws -> [Cohort: CohortCounters] {
        try ScrapeReader.counters(try PrometheusTextParser.parse(text, format: .prometheusText004), mapping: ScrapeMapping())
    }

    @Test("the change between two scrapes gives throughput, error rate, average, p50, p95 and p99 latency")
    func rates() throws {
        let a = try counters(page(ok: 1000, errors: 10, buckets: [500, 1000, 1010], sum: 150))
        let b = try counters(page(ok: 1900, errors: 110, buckets: [800, 1900, 2010], sum: 450))
        let samples = ScrapeReader.samples(previous: a, current: b, elapsed: 60)
        func value(_ m: MetricKind) -> Double? { samples.first { $0.key == SeriesKey(.canary, m) }?.value }
        #expect(abs((value(.throughput) ?? 0) - 1000) < 1e-9)  // 1000 requests in a minute
        #expect(value(.errorRate) == 0.1)  // 100 of them 5xx
        #expect(value(.latencyAvg) == 0.3)  // 300 s over 1000
        let p95 = try #require(value(.latencyP95))
        #expect(p95 > 0.9 && p95 <= 1, "p95 inside the 0.1–1 s bucket, near its top: \(p95)")
        // 300 under 0.1 s, 600 between 0.1 and 1 s, 100 above: the median is a third of the way
        // into the second bucket, and p99 falls in +Inf, which PromQL reports as the last finite bound.
        #expect(abs((value(.latencyP50) ?? 0) - 0.4) < 1e-9)
        #expect(value(.latencyP99) == 1)
    }

    @Test("a counter reset is a restart from zero, not a negative rate")
    func reset() throws {
        let a = try counters(page(ok: 5000, errors: 50, buckets: [4000, 5000, 5050], sum: 600))
        let b = try counters(page(ok: 90, errors: 10, buckets: [50, 90, 100], sum: 12))
        let samples = ScrapeReader.samples(previous: a, current: b, elapsed: 60)
        #expect(abs((samples.first { $0.key.metric == .throughput }?.value ?? 0) - 100) < 1e-9)
        #expect(samples.first { $0.key.metric == .errorRate }?.value == 0.1)
    }

    @Test("no requests in the interval is no data, not a 0% error rate")
    func idle() throws {
        let a = try counters(page(ok: 100, errors: 1, buckets: [50, 100, 101], sum: 10))
        let samples = ScrapeReader.samples(previous: a, current: a, elapsed: 15)
        #expect(samples == [Sample(SeriesKey(.canary, .throughput), 0)])
    }

    @Test("a page without the requests counter says which metric is missing")
    func missing() throws {
        #expect(throws: ScrapeReader.Missing(description: "no metric family http_requests_total in the scrape")) {
            _ = try counters("# TYPE up gauge\nup 1\n")
        }
    }
}
