import Foundation
import Testing

@testable import WarRoomCore

@Suite("Health JSON decoder")
struct HealthDecoderTests {
    func decode(_ json: String) throws(HealthDecoder.Failure) -> HealthDecoder.Reading {
        try HealthDecoder.decode(Data(json.utf8))
    }

    @Test("per-cohort shape: fractions and milliseconds become fractions and seconds")
    func cohorts() throws {
        let r = try decode(
            """
            {"status":"healthy","error_rate":0.01,"avg_response_time":130,"requests_per_minute":1200,
             "cohorts":{"canary":{"error_rate":0.25,"avg_response_time":5600,"p95_response_time":9000,"requests_per_minute":300},
                        "stable":{"error_rate":0.004,"avg_response_time":120,"requests_per_minute":900}}}
            """)
        #expect(r.status == "healthy")
        #expect(r.samples.contains(Sample(SeriesKey(.canary, .errorRate), 0.25)))
        #expect(r.samples.contains(Sample(SeriesKey(.canary, .latencyAvg), 5.6)))
        #expect(r.samples.contains(Sample(SeriesKey(.canary, .latencyP95), 9.0)))
        #expect(r.samples.contains(Sample(SeriesKey(.stable, .throughput), 900)))
        #expect(r.samples.count == 7)
    }

    @Test("the runbooks' flat shape is read as the stable cohort")
    func flat() throws {
        let r = try decode(#"{"status":"ok","error_rate":0.02,"avg_response_time":250,"requests_per_minute":60}"#)
        #expect(
            r.samples == [
                Sample(SeriesKey(.stable, .errorRate), 0.02),
                Sample(SeriesKey(.stable, .latencyAvg), 0.25),
                Sample(SeriesKey(.stable, .throughput), 60),
            ])
    }

    @Test("null and absent fields are no data, not zero")
    func nulls() throws {
        let r = try decode(#"{"cohorts":{"canary":{"error_rate":null,"requests_per_minute":0},"stable":null}}"#)
        #expect(r.samples == [Sample(SeriesKey(.canary, .throughput), 0)])
    }

    @Test(
        "wrong types and bad values name the field",
        arguments: [
            (#"{"error_rate":"high"}"#, "field error_rate: expected a number, got a string"),
            (#"{"error_rate":true}"#, "field error_rate: expected a number, got a boolean"),
            (#"{"error_rate":1.5}"#, "field error_rate: must be a fraction between 0 and 1, got 1.5"),
            (#"{"avg_response_time":-3}"#, "field avg_response_time: must not be negative, got -3.0"),
            (#"{"cohorts":[1]}"#, "field cohorts: expected an object, got an array"),
            (#"{"cohorts":{"canary":{"requests_per_minute":"x"}}}"#, "field cohorts.canary.requests_per_minute: expected a number, got a string"),
            (#"{"status":3}"#, "field status: expected a string, got a number"),
            (#"[1,2]"#, "expected a JSON object at the top, got an array"),
        ])
    func badInput(json: String, message: String) {
        #expect(throws: HealthDecoder.Failure.self) { try decode(json) }
        do {
            _ = try decode(json)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("malformed JSON is an error, never a crash")
    func malformed() {
        for text in ["", "{", #"{"error_rate": 0.1"#, "nul", "\u{0}\u{1}", String(repeating: "[", count: 10_000)] {
            #expect(throws: HealthDecoder.Failure.self) { try decode(text) }
        }
    }
}
