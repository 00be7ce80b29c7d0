import Foundation
import Testing
import WarRoomCore

@testable import LaunchSimulator

@Suite("Launch simulator model")
struct SimulatorModelTests {
    @Test("traffic really moves between cohorts, and rollback puts it all on stable")
    func routing() {
        var m = ServiceModel(scenario: .calm)
        #expect(m.cohort(.canary, at: 0).requestsPerMinute == 0)
        m.setTraffic(25)
        let canary = m.cohort(.canary, at: 0).requestsPerMinute
        let stable = m.cohort(.stable, at: 0).requestsPerMinute
        #expect(abs(canary / (canary + stable) - 0.25) < 1e-9)
        m.rollback()
        #expect(m.cohort(.canary, at: 0).requestsPerMinute == 0)
        #expect(m.rolledBack)
    }

    @Test("the demo's faults arrive at their times and only hit the canary")
    func faults() {
        var m = ServiceModel(scenario: .demo)
        m.setTraffic(25)
        #expect(m.cohort(.canary, at: 100).errorRate < 0.01)
        #expect(m.endpointDown(at: 80))
        #expect(!m.endpointDown(at: 90))
        #expect(m.cohort(.canary, at: 190).avgLatency > 4)
        #expect(m.cohort(.canary, at: 155).errorRate > 0.2)
        #expect(m.cohort(.stable, at: 210).errorRate < 0.01)
        #expect(m.cohort(.stable, at: 210).avgLatency < 0.2)
    }

    @Test("health JSON is what our decoder reads, with idle cohorts reported as no data")
    func healthJSON() throws {
        var m = ServiceModel(scenario: .calm)
        m.setTraffic(5)
        let reading = try HealthDecoder.decode(Data(m.healthJSON(at: 10).utf8))
        #expect(reading.samples.count == 8)
        m.rollback()
        let idle = try HealthDecoder.decode(Data(m.healthJSON(at: 10).utf8))
        #expect(idle.samples.filter { $0.key.cohort == .canary } == [Sample(SeriesKey(.canary, .throughput), 0)])
    }

    @Test("the Date header is RFC 9110's IMF-fixdate, in English and UTC whatever the locale")
    func httpDate() {
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 1_798_761_599)) == "Thu, 31 Dec 2026 23:59:59 GMT")
    }

    @Test("metrics counters only go up, and buckets are cumulative")
    func counters() {
        var m = ServiceModel(scenario: .demo)
        m.setTraffic(25)
        m.advance(to: 60)
        let first = m.counters
        m.advance(to: 240)
        for c in SimCohort.allCases {
            #expect(m.counters[c]!.count > first[c]!.count)
            #expect(m.counters[c]!.errors >= first[c]!.errors)
            let b = m.counters[c]!.buckets
            #expect(zip(b, b.dropFirst()).allSatisfy { $0 <= $1 })
        }
        let text = m.metricsText()
        #expect(text.contains("# TYPE http_requests_total counter"))
        #expect(text.contains(#"http_request_duration_seconds_bucket{cohort="canary",le="+Inf"}"#))
        #expect(text.contains("canary_traffic_percent 25.0"))
    }
}
