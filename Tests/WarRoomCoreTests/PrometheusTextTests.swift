// Tests for PrometheusTextParser (Prometheus text 0.0.4 and OpenMetrics 1.0)
// and PrometheusMath.
//
// promtool cross-check (0.0.4 only; promtool has no OpenMetrics checker):
// every fixture in `Text004Fixtures` below was written byte for byte to a
// file and run through `promtool check metrics`, promtool version 2.42.0+ds
// (Debian 2.42.0+ds-5+deb12u1). Exit code 1 ("text format parsing error")
// counts as invalid; 0 or 3 (lint findings only, e.g. "no help text") as valid.
//
//   * valid: spec-example, edge-syntax, empty, only-comments
//     → promtool: valid (rc 3, 3, 0, 0: lint findings only). We agree.
//   * invalid: bad-metric-name, bad-label-name, label-name-colon,
//     label-value-unquoted, invalid-escape, unterminated-label-value,
//     duplicate-label, reserved-label, invalid-utf8-label-value, bad-value,
//     missing-value, value-out-of-range, hex-value, signed-nan,
//     float-timestamp, timestamp-overflow, text-after-timestamp,
//     trailing-whitespace, type-after-samples, duplicate-type,
//     duplicate-help, unknown-type, missing-final-newline, crlf, crlf-sample,
//     invalid-help-escape, bad-name-in-help, bad-le, bad-quantile, bom
//     → promtool: invalid (rc 1), on the same line number we report. We agree.
//   * spec-*: spec-interleaved, spec-interleaved-metadata,
//     spec-duplicate-series, spec-help-after-samples, spec-bucket-without-le,
//     spec-buckets-not-cumulative, spec-buckets-out-of-order,
//     spec-missing-inf-bucket, spec-count-mismatch, spec-histogram-bare-name,
//     spec-le-on-count, spec-negative-counter, spec-quantiles-out-of-order,
//     spec-gauge-histogram-type, spec-invalid-utf8-help
//     → promtool: accepted (rc 0/3). We reject them on purpose: they break
//     rules the 0.0.4 document states ("one uninterrupted group with HELP and
//     TYPE first", "unique combination of metric name and labels", "+Inf
//     bucket identical to x_count", "increasing numerical order of le /
//     quantile", type is one of five, UTF-8) or that the task requires
//     (negative counters, _bucket without le), none of which promtool's
//     parser (prometheus/common expfmt) checks.
//
// The fixtures are Swift literals rather than files so that the test target
// needs no resource/exclude entries in Package.swift.

import Foundation
import Testing
import WarRoomCore

// MARK: - Fixtures

struct ExpositionFixture: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    /// 0 for a valid fixture.
    let line: Int
    let reason: String

    init(_ name: String, _ text: String, line: Int = 0, _ reason: String = "") {
        self.init(name, Array(text.utf8), line: line, reason)
    }

    init(_ name: String, _ bytes: [UInt8], line: Int = 0, _ reason: String = "") {
        self.name = name
        self.bytes = bytes
        self.line = line
        self.reason = reason
    }

    var testDescription: String { name }
}

enum Text004Fixtures {
    static let specExample = ExpositionFixture(
        "spec-example",
        #"""
        # HELP http_requests_total The total number of HTTP requests.
        # TYPE http_requests_total counter
        http_requests_total{method="post",code="200"} 1027 1395066363000
        http_requests_total{method="post",code="400"}    3 1395066363000

        # Escaping in label values:
        msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9

        # Minimalistic line:
        metric_without_timestamp_and_labels 12.47

        # A weird metric from before the epoch:
        something_weird{problem="division by zero"} +Inf -3982045

        # A histogram, which has a pretty complex representation in the text format:
        # HELP http_request_duration_seconds A histogram of the request duration.
        # TYPE http_request_duration_seconds histogram
        http_request_duration_seconds_bucket{le="0.05"} 24054
        http_request_duration_seconds_bucket{le="0.1"} 33444
        http_request_duration_seconds_bucket{le="0.2"} 100392
        http_request_duration_seconds_bucket{le="0.5"} 129389
        http_request_duration_seconds_bucket{le="1"} 133988
        http_request_duration_seconds_bucket{le="+Inf"} 144320
        http_request_duration_seconds_sum 53423
        http_request_duration_seconds_count 144320

        # Finally a summary, which has a complex representation, too:
        # HELP telemetry_requests_metrics_latency_microseconds A summary of the response latency.
        # TYPE telemetry_requests_metrics_latency_microseconds summary
        telemetry_requests_metrics_latency_microseconds{quantile="0.01"} 3102
        telemetry_requests_metrics_latency_microseconds{quantile="0.05"} 3272
        telemetry_requests_metrics_latency_microseconds{quantile="0.5"} 4773
        telemetry_requests_metrics_latency_microseconds{quantile="0.9"} 9001
        telemetry_requests_metrics_latency_microseconds{quantile="0.99"} 76656
        telemetry_requests_metrics_latency_microseconds_sum 1.7560473e+07
        telemetry_requests_metrics_latency_microseconds_count 2693

        """#)

    static let edgeSyntax = ExpositionFixture(
        "edge-syntax",
        """
          # leading blanks before a comment
        # HELP job:errors:rate5m Errors per second, \\\\ backslash and \\n newline.
        #TYPE job:errors:rate5m GAUGE
        job:errors:rate5m{job="api"} 0.25
        \t job:errors:rate5m { job = "web" , } -0.5

        # TYPE multi histogram
        multi_bucket{le="0.1",path="/a"} 1
        multi_bucket{path="/b",le="0.1"} 0
        multi_bucket{le="+Inf",path="/a"} 2
        multi_bucket{path="/b",le="+Inf"} 5
        multi_count{path="/a"} 2
        multi_count{path="/b"} 5
        multi_sum{path="/a"} -1.5
        multi_sum{path="/b"} 3
        # HELP only_help
        # TYPE
        #
        # An ordinary comment may contain anything: \\q "
        specials{kind="nan"} NaN
        specials{kind="inf"} inf
        specials{kind="neginf"} -Infinity
        specials{kind="tiny"} 1e-400
        specials{kind="exp"} 1.5E+3 +42
        specials{kind="neg_ts"} .5 -1000
        no_space{a="b"}12
        utf8{city="Zürich 🚀"} 1
        empty_labels{} 3
        tabs\t7\t8
           \t\u{20}\u{20}
        """)

    static let valid: [ExpositionFixture] = [
        specExample,
        edgeSyntax,
        ExpositionFixture("empty", ""),
        ExpositionFixture("only-comments", "# nothing to see\n\n# HELP\n"),
    ]

    static let invalid: [ExpositionFixture] = [
        ExpositionFixture("bad-metric-name", "1foo 1\n", line: 1, "invalid metric name"),
        ExpositionFixture(
            "bad-label-name", #"foo{1a="x"} 1"# + "\n", line: 1,
            #"invalid label name for metric "foo" (found '1')"#),
        ExpositionFixture(
            "label-name-colon", #"foo{a:b="1"} 1"# + "\n", line: 1,
            #"expected '=' after label name "a", found ':'"#),
        ExpositionFixture(
            "label-value-unquoted", "foo{a=1} 1\n", line: 1,
            #"expected '"' at start of the value of label "a", found '1'"#),
        ExpositionFixture(
            "invalid-escape", #"foo{a="\q"} 1"# + "\n", line: 1,
            #"invalid escape sequence '\q' in the value of label "a" (only \\, \" and \n are allowed)"#),
        ExpositionFixture(
            "unterminated-label-value", "foo 1\n" + #"foo{a="x} 1"# + "\n", line: 2,
            #"unterminated value of label "a" (no closing '"' before the end of the line)"#),
        ExpositionFixture(
            "duplicate-label", #"foo{a="1",b="2",a="3"} 1"# + "\n", line: 1,
            #"duplicate label name "a" for metric "foo""#),
        ExpositionFixture(
            "reserved-label", #"foo{__name__="x"} 1"# + "\n", line: 1,
            #"label name "__name__" is reserved"#),
        ExpositionFixture(
            "invalid-utf8-label-value", Array(#"foo{a=""#.utf8) + [0xFF] + Array("\"} 1\n".utf8),
            line: 1, #"value of label "a" is not valid UTF-8"#),
        ExpositionFixture("bad-value", "# TYPE foo gauge\nfoo abc\n", line: 2, #"expected float as value, got "abc""#),
        ExpositionFixture("missing-value", #"foo{a="1"}"# + "\n", line: 1, #"missing value for "foo""#),
        ExpositionFixture(
            "value-out-of-range", "foo 1e400\n", line: 1,
            #"value "1e400" is outside the range of a 64-bit float"#),
        ExpositionFixture("hex-value", "foo 0x10\n", line: 1, #"expected float as value, got "0x10""#),
        ExpositionFixture("signed-nan", "foo +NaN\n", line: 1, #"expected float as value, got "+NaN""#),
        ExpositionFixture(
            "float-timestamp", "foo 1 1.5\n", line: 1,
            #"expected integer as timestamp (milliseconds), got "1.5""#),
        ExpositionFixture(
            "timestamp-overflow", "foo 1 9223372036854775808\n", line: 1,
            #"expected integer as timestamp (milliseconds), got "9223372036854775808""#),
        ExpositionFixture(
            "text-after-timestamp", #"foo{a="1"} 1 2 3"# + "\n", line: 1,
            #"unexpected text after the timestamp: " 3""#),
        ExpositionFixture("trailing-whitespace", "foo 1 \n", line: 1, "trailing whitespace after the value"),
        ExpositionFixture(
            "type-after-samples", "foo 1\n# TYPE foo gauge\n", line: 2,
            #"TYPE line for "foo" after its samples (TYPE must come before the first sample)"#),
        ExpositionFixture(
            "duplicate-type", "# TYPE foo gauge\n# HELP foo x\n# TYPE foo gauge\n", line: 3,
            #"second TYPE line for metric name "foo" (the first is on line 1)"#),
        ExpositionFixture(
            "duplicate-help", "# HELP foo x\n# HELP foo y\nfoo 1\n", line: 2,
            #"second HELP line for metric name "foo" (the first is on line 1)"#),
        ExpositionFixture(
            "unknown-type", "# TYPE foo timer\nfoo 1\n", line: 1,
            #"unknown metric type "timer" (expected counter, gauge, histogram, summary or untyped)"#),
        ExpositionFixture(
            "missing-final-newline", "foo 1\nbar 2", line: 2,
            "unexpected end of input: the last line does not end with a line feed"),
        ExpositionFixture(
            "crlf", "# TYPE foo counter\r\nfoo 1\r\n", line: 1,
            #"unknown metric type "counter\r" (carriage return before the line feed: CRLF line endings are not allowed)"#),
        ExpositionFixture(
            "crlf-sample", #"foo{a="1"} 1"# + "\r\n", line: 1,
            #"expected float as value, got "1\r" (carriage return before the line feed: CRLF line endings are not allowed)"#),
        ExpositionFixture(
            "invalid-help-escape", #"# HELP foo a \t b"# + "\nfoo 1\n", line: 1,
            #"invalid escape sequence '\t' in HELP text (only \\ and \n are allowed)"#),
        ExpositionFixture("bad-name-in-help", "# HELP foo-bar Some text.\n", line: 1, "invalid metric name in HELP line"),
        ExpositionFixture(
            "bad-le", "# TYPE foo histogram\n" + #"foo_bucket{le="x"} 1"# + "\n", line: 2,
            #"expected float as value for the "le" label, got "x""#),
        ExpositionFixture(
            "bad-quantile", "# TYPE foo summary\n" + #"foo{quantile="p99"} 1"# + "\n", line: 2,
            #"expected float as value for the "quantile" label, got "p99""#),
        ExpositionFixture(
            "bom", "\u{FEFF}foo 1\n", line: 1,
            "invalid metric name (the input starts with a byte order mark)"),

        // Rules of the 0.0.4 document that promtool does not check.
        ExpositionFixture(
            "spec-interleaved", "a 1\nb 1\na 2\n", line: 3,
            #"metric family "a" is not contiguous: it already appeared on line 1 and other families came in between (all lines of a family must form one group)"#
        ),
        ExpositionFixture(
            "spec-interleaved-metadata", "# HELP foo x\n# HELP bar y\n# TYPE foo gauge\nfoo 1\n", line: 3,
            #"metric family "foo" is not contiguous: it already appeared on line 1 and other families came in between (all lines of a family must form one group)"#
        ),
        ExpositionFixture(
            "spec-duplicate-series", #"foo{a="1",b="2"} 1"# + "\n" + #"foo{b="2",a="1"} 2"# + "\n", line: 2,
            #"duplicate sample foo{b="2",a="1"}: the same name and labels already appeared on line 1"#),
        ExpositionFixture(
            "spec-help-after-samples", "foo 1\n# HELP foo x\n", line: 2,
            #"HELP line for "foo" after its samples (HELP and TYPE must come first)"#),
        ExpositionFixture(
            "spec-bucket-without-le", "# TYPE foo histogram\nfoo_bucket 1\n", line: 2,
            #"histogram bucket "foo_bucket" has no "le" label"#),
        ExpositionFixture(
            "spec-buckets-not-cumulative",
            """
            # TYPE foo histogram
            foo_bucket{le="1"} 5
            foo_bucket{le="2"} 3
            foo_bucket{le="+Inf"} 5

            """, line: 3, #"histogram bucket counts must be cumulative: le="2" has 3.0, less than 5.0 in le="1""#),
        ExpositionFixture(
            "spec-buckets-out-of-order",
            """
            # TYPE foo histogram
            foo_bucket{le="2"} 1
            foo_bucket{le="1"} 1
            foo_bucket{le="+Inf"} 1

            """, line: 3, #"histogram buckets must be in increasing order of "le": le="1" comes after le="2""#),
        ExpositionFixture(
            "spec-missing-inf-bucket",
            """
            # TYPE foo histogram
            foo_bucket{le="1"} 1
            foo_bucket{le="2"} 2
            foo_sum 3
            foo_count 2
            # TYPE bar gauge
            bar 1

            """, line: 3, #"histogram foo has no bucket with le="+Inf""#),
        ExpositionFixture(
            "spec-count-mismatch",
            """
            # TYPE foo histogram
            foo_bucket{le="1"} 1
            foo_bucket{le="+Inf"} 2
            foo_sum 3
            foo_count 3

            """, line: 5, #"foo_count (3.0) differs from the le="+Inf" bucket (2.0)"#),
        ExpositionFixture(
            "spec-histogram-bare-name", "# TYPE foo histogram\nfoo 1\n", line: 2,
            #"sample name "foo" is not valid for histogram "foo" (expected foo_bucket, foo_sum or foo_count)"#),
        ExpositionFixture(
            "spec-le-on-count",
            "# TYPE foo histogram\n" + #"foo_bucket{le="+Inf"} 1"# + "\n"
                + #"foo_count{le="1"} 1"# + "\n", line: 3,
            #"the "le" label is only allowed on foo_bucket samples, not on "foo_count""#),
        ExpositionFixture(
            "spec-negative-counter", "# TYPE foo_total counter\nfoo_total -1\n", line: 2,
            #""foo_total" must not be negative, got -1.0"#),
        ExpositionFixture(
            "spec-quantiles-out-of-order",
            "# TYPE foo summary\n" + #"foo{quantile="0.9"} 1"# + "\n"
                + #"foo{quantile="0.5"} 1"# + "\n", line: 3,
            #"summary quantiles must be in increasing order: quantile="0.5" comes after quantile="0.9""#),
        ExpositionFixture(
            "spec-gauge-histogram-type", "# TYPE foo gauge_histogram\n", line: 1,
            #"unknown metric type "gauge_histogram" (expected counter, gauge, histogram, summary or untyped)"#),
        ExpositionFixture(
            "spec-invalid-utf8-help", Array("# HELP foo caf".utf8) + [0xE9] + Array("\nfoo 1\n".utf8),
            line: 1, "HELP text is not valid UTF-8"),
    ]
}

// MARK: - Helpers

private func parse004(_ text: String) throws(ExpositionError) -> [MetricFamily] {
    try PrometheusTextParser.parse(text, format: .prometheusText004)
}

private func parseOM(_ text: String) throws(ExpositionError) -> [MetricFamily] {
    try PrometheusTextParser.parse(text, format: .openMetrics100)
}

/// The error a parse throws, or nil if it succeeds.
private func failure(_ text: String, _ format: ExpositionFormat) -> ExpositionError? {
    do {
        _ = try PrometheusTextParser.parse(text, format: format)
        return nil
    } catch {
        return error
    }
}

private func sample(_ name: String, _ value: Double, ts: Double? = nil, exemplar: MetricExemplar? = nil) -> MetricSample {
    sample(name, [], value, ts: ts, exemplar: exemplar)
}

private func sample(
    _ name: String, _ labels: [(String, String)], _ value: Double, ts: Double? = nil,
    exemplar: MetricExemplar? = nil
) -> MetricSample {
    MetricSample(
        name: name, labels: labels.map { MetricLabel($0.0, $0.1) }, value: value, timestamp: ts,
        exemplar: exemplar)
}

// MARK: - Content type

@Suite("Exposition format from Content-Type")
struct ExpositionFormatTests {
    @Test(arguments: [
        ("application/openmetrics-text; version=1.0.0; charset=utf-8", ExpositionFormat.openMetrics100),
        ("application/openmetrics-text; version=1.0.0", .openMetrics100),
        ("Application/OpenMetrics-Text", .openMetrics100),
        ("  application/openmetrics-text ;version=0.0.1", .openMetrics100),
        ("text/plain; version=0.0.4; charset=utf-8", .prometheusText004),
        ("text/plain", .prometheusText004),
        ("application/json", .prometheusText004),
        ("", .prometheusText004),
        ("garbage;;;", .prometheusText004),
    ])
    func chooses(contentType: String, expected: ExpositionFormat) {
        #expect(ExpositionFormat.from(contentType: contentType) == expected)
    }

    @Test func missingHeaderIs004() {
        #expect(ExpositionFormat.from(contentType: nil) == .prometheusText004)
    }
}

// MARK: - 0.0.4

@Suite("Prometheus text format 0.0.4")
struct PrometheusText004Tests {
    @Test("valid fixtures parse", arguments: Text004Fixtures.valid)
    func validFixture(_ fixture: ExpositionFixture) throws {
        _ = try PrometheusTextParser.parse(fixture.bytes, format: .prometheusText004)
    }

    @Test("invalid fixtures are rejected with line and reason", arguments: Text004Fixtures.invalid)
    func invalidFixture(_ fixture: ExpositionFixture) {
        #expect(throws: ExpositionError(line: fixture.line, reason: fixture.reason)) {
            _ = try PrometheusTextParser.parse(fixture.bytes, format: .prometheusText004)
        }
    }

    @Test func errorDescription() {
        let error = ExpositionError(line: 12, reason: "invalid metric name")
        #expect(error.description == "line 12: invalid metric name")
        #expect(
            "\(failure("ok 1\n1bad 2\n", .prometheusText004).map(String.init(describing:)) ?? "")"
                == "line 2: invalid metric name")
    }

    @Test func specExampleExactly() throws {
        let families = try PrometheusTextParser.parse(Text004Fixtures.specExample.bytes, format: .prometheusText004)
        #expect(
            families.map(\.name) == [
                "http_requests_total", "msdos_file_access_time_seconds", "metric_without_timestamp_and_labels",
                "something_weird", "http_request_duration_seconds", "telemetry_requests_metrics_latency_microseconds",
            ])
        #expect(families.map(\.type) == [.counter, .unknown, .unknown, .unknown, .histogram, .summary])
        #expect(
            families[0]
                == MetricFamily(
                    name: "http_requests_total", type: .counter,
                    help: "The total number of HTTP requests.",
                    samples: [
                        sample("http_requests_total", [("method", "post"), ("code", "200")], 1027, ts: 1_395_066_363_000),
                        sample("http_requests_total", [("method", "post"), ("code", "400")], 3, ts: 1_395_066_363_000),
                    ]))
        #expect(
            families[1].samples == [
                sample(
                    "msdos_file_access_time_seconds",
                    [("path", #"C:\DIR\FILE.TXT"#), ("error", "Cannot find file:\n\"FILE.TXT\"")], 1.458255915e9)
            ])
        #expect(families[2].samples == [sample("metric_without_timestamp_and_labels", 12.47)])
        #expect(
            families[3].samples == [
                sample("something_weird", [("problem", "division by zero")], .infinity, ts: -3_982_045)
            ])
        let histogram = families[4]
        #expect(histogram.help == "A histogram of the request duration.")
        #expect(histogram.samples.count == 8)
        #expect(histogram.samples[5] == sample("http_request_duration_seconds_bucket", [("le", "+Inf")], 144_320))
        #expect(histogram.samples[7] == sample("http_request_duration_seconds_count", 144_320))
        let summary = families[5]
        #expect(
            summary.samples.first
                == sample(
                    "telemetry_requests_metrics_latency_microseconds",
                    [("quantile", "0.01")], 3102))
        #expect(summary.samples[5] == sample("telemetry_requests_metrics_latency_microseconds_sum", 1.7560473e7))
        #expect(families.allSatisfy { $0.unit == nil })
    }

    @Test func edgeSyntaxExactly() throws {
        let families = try PrometheusTextParser.parse(Text004Fixtures.edgeSyntax.bytes, format: .prometheusText004)
        #expect(
            families == [
                MetricFamily(
                    name: "job:errors:rate5m", type: .gauge,
                    help: "Errors per second, \\ backslash and \n newline.",
                    samples: [
                        sample("job:errors:rate5m", [("job", "api")], 0.25),
                        sample("job:errors:rate5m", [("job", "web")], -0.5),
                    ]),
                MetricFamily(
                    name: "multi", type: .histogram,
                    samples: [
                        sample("multi_bucket", [("le", "0.1"), ("path", "/a")], 1),
                        sample("multi_bucket", [("path", "/b"), ("le", "0.1")], 0),
                        sample("multi_bucket", [("le", "+Inf"), ("path", "/a")], 2),
                        sample("multi_bucket", [("path", "/b"), ("le", "+Inf")], 5),
                        sample("multi_count", [("path", "/a")], 2),
                        sample("multi_count", [("path", "/b")], 5),
                        sample("multi_sum", [("path", "/a")], -1.5),
                        sample("multi_sum", [("path", "/b")], 3),
                    ]),
                MetricFamily(
                    name: "specials", type: .unknown,
                    samples: [
                        sample("specials", [("kind", "nan")], .nan),
                        sample("specials", [("kind", "inf")], .infinity),
                        sample("specials", [("kind", "neginf")], -.infinity),
                        sample("specials", [("kind", "tiny")], 0),
                        sample("specials", [("kind", "exp")], 1500, ts: 42),
                        sample("specials", [("kind", "neg_ts")], 0.5, ts: -1000),
                    ]),
                MetricFamily(name: "no_space", type: .unknown, samples: [sample("no_space", [("a", "b")], 12)]),
                MetricFamily(name: "utf8", type: .unknown, samples: [sample("utf8", [("city", "Zürich 🚀")], 1)]),
                MetricFamily(name: "empty_labels", type: .unknown, samples: [sample("empty_labels", 3)]),
                MetricFamily(name: "tabs", type: .unknown, samples: [sample("tabs", 7, ts: 8)]),
            ])
        #expect(families[2].samples[0].value.isNaN)
    }

    @Test func emptyAndCommentOnlyInputsHaveNoFamilies() throws {
        #expect(try parse004("").isEmpty)
        #expect(try parse004("# just a comment\n\n   \n").isEmpty)
        #expect(try parse004("\n\n  ").isEmpty)  // a final line of blanks needs no line feed
    }

    @Test func metadataWithoutSamplesIsKept() throws {
        #expect(
            try parse004("# HELP foo Some help.\n# TYPE foo counter\n")
                == [MetricFamily(name: "foo", type: .counter, help: "Some help.")])
    }

    @Test func typeKeywordIsCaseInsensitiveLikePromtool() throws {
        #expect(try parse004("# TYPE a COUNTER\na 1\n# TYPE b Summary\n").map(\.type) == [.counter, .summary])
    }

    @Test func histogramSeriesMayInterleaveWithinTheFamily() throws {
        // 0.0.4 only requires the family to be contiguous; each series' buckets must still be ordered.
        let text = """
            # TYPE h histogram
            h_bucket{a="1",le="1"} 1
            h_bucket{a="2",le="1"} 2
            h_bucket{a="1",le="+Inf"} 3
            h_bucket{a="2",le="+Inf"} 4
            h_count{a="2"} 4

            """
        #expect(try parse004(text).first?.samples.count == 5)
        #expect(
            failure(
                text.replacingOccurrences(of: "h_count{a=\"2\"} 4", with: "h_count{a=\"2\"} 3"),
                .prometheusText004)
                == ExpositionError(line: 6, reason: #"h_count (3.0) differs from the le="+Inf" bucket (4.0)"#))
    }

    @Test func missingInfBucketIsReportedPerSeries() {
        let text = """
            # TYPE h histogram
            h_bucket{a="1",le="+Inf"} 3
            h_bucket{a="2",le="5"} 2
            h_count{a="2"} 2

            """
        #expect(
            failure(text, .prometheusText004)
                == ExpositionError(line: 3, reason: #"histogram h{a="2"} has no bucket with le="+Inf""#))
    }

    @Test func summaryAndHistogramSuffixesBelongToTheirFamily() throws {
        let text = """
            # TYPE s summary
            s{quantile="0.5"} 1
            s_sum 2
            s_count 3
            s_extra 4

            """
        let families = try parse004(text)
        #expect(families.map(\.name) == ["s", "s_extra"])
        #expect(families[0].samples.map(\.name) == ["s", "s_sum", "s_count"])
        // A summary's _sum after the family has ended is an interleaving error.
        #expect(
            failure(text + "s_sum 5\n", .prometheusText004)
                == ExpositionError(
                    line: 6,
                    reason:
                        #"metric family "s" is not contiguous: it already appeared on line 1 and other families came in between (all lines of a family must form one group)"#
                ))
    }

    @Test func counterValuesMustNotBeNegativeButGaugesMay() throws {
        #expect(try parse004("# TYPE g gauge\ng -5\n").first?.samples.first?.value == -5)
        #expect(
            failure("# TYPE c counter\nc{a=\"x\"} 1\nc{a=\"y\"} -0.5\n", .prometheusText004)
                == ExpositionError(line: 3, reason: #""c" must not be negative, got -0.5"#))
    }

    @Test func carriageReturnInsideHelpIsTextLikePromtool() throws {
        // promtool keeps a CR in HELP text (and only fails on the first CRLF sample or TYPE line).
        #expect(try parse004("# HELP foo a\r\nfoo 1\n").first?.help == "a\r")
    }

    @Test func allInputKindsAgree() throws {
        let bytes = Text004Fixtures.specExample.bytes
        let fromBytes = try PrometheusTextParser.parse(bytes, format: .prometheusText004)
        let fromString = try parse004(String(decoding: bytes, as: UTF8.self))
        let fromData = try PrometheusTextParser.parse(Data(bytes), format: .prometheusText004)
        #expect(fromBytes == fromString)
        #expect(fromBytes == fromData)
    }

    @Test func manyLabels() throws {
        let labels = (0 ..< 70).map { "l\($0)=\"v\($0)\"" }
        let line = "big{\(labels.joined(separator: ","))} 1\n"
        #expect(try parse004(line).first?.samples.first?.labels.count == 70)
        #expect(try parseOM(line + "# EOF\n").first?.samples.first?.labels.count == 70)
        // A duplicate name far into the label set.
        let duplicated = "big{\((labels + ["l40=\"again\""]).joined(separator: ","))} 1\n"
        #expect(
            failure(duplicated, .prometheusText004)
                == ExpositionError(line: 1, reason: #"duplicate label name "l40" for metric "big""#))
        #expect(
            failure(duplicated + "# EOF\n", .openMetrics100)
                == ExpositionError(line: 1, reason: #"duplicate label name "l40" in the label set of metric "big""#))
        // The same 70 labels in another order are the same series.
        let reordered = "big{\(labels.reversed().joined(separator: ","))} 2\n"
        #expect(failure(line + reordered, .prometheusText004)?.reason.hasPrefix("duplicate sample big{") == true)
        #expect(failure(line + reordered, .prometheusText004)?.line == 2)
    }

    @Test func exemplarSyntaxIsNotPartOf004() {
        #expect(
            failure("foo_total 1 # {a=\"b\"} 1\n", .prometheusText004)
                == ExpositionError(line: 1, reason: ##"expected integer as timestamp (milliseconds), got "#""##))
    }
}

// MARK: - Numbers (shared grammar)

@Suite("Number grammar")
struct ExpositionNumberTests {
    @Test(arguments: [
        ("1", 1.0), ("-1.5e-3", -0.0015), (".5", 0.5), ("5.", 5), ("+3", 3), ("0001", 1), ("1E5", 100_000),
        ("1e+2", 100), ("0.1", 0.1), ("123456789012345678901234567890", 1.2345678901234568e29),
        ("0.30000000000000004", 0.30000000000000004), ("1.7976931348623157e308", 1.7976931348623157e308),
        ("4.9e-324", .leastNonzeroMagnitude), ("1e-400", 0), ("-0", -0.0), ("+Inf", .infinity), ("-Inf", -.infinity),
        ("Inf", .infinity), ("inf", .infinity), ("Infinity", .infinity), ("-INFINITY", -.infinity),
    ])
    func accepted(text: String, expected: Double) throws {
        let prom = try parse004("m \(text)\n").first?.samples.first?.value
        let om = try parseOM("m \(text)\n# EOF\n").first?.samples.first?.value
        #expect(prom == expected)
        #expect(om == expected)
        #expect(prom?.sign == expected.sign)
    }

    @Test func nanSpellings() throws {
        for text in ["NaN", "nan", "NAN"] {
            #expect(try parse004("m \(text)\n").first?.samples.first?.value.isNaN == true)
            #expect(try parseOM("m \(text)\n# EOF\n").first?.samples.first?.value.isNaN == true)
        }
    }

    @Test(arguments: [
        "+NaN", "-nan", "0x10", "1_000", "1e", ".", "e5", "--1", "1.5.5", "NaNx", "infinit", "1e5.5",
        "0x1p3", "١",
    ])
    func rejected(text: String) {
        #expect(
            failure("m \(text)\n", .prometheusText004)
                == ExpositionError(line: 1, reason: "expected float as value, got \"\(text)\""))
        #expect(
            failure("m \(text)\n# EOF\n", .openMetrics100)
                == ExpositionError(line: 1, reason: "invalid value \"\(text)\""))
    }

    @Test func outOfRange() {
        #expect(
            failure("m -1e309\n", .prometheusText004)
                == ExpositionError(line: 1, reason: #"value "-1e309" is outside the range of a 64-bit float"#))
        #expect(
            failure("m 2e308\n# EOF\n", .openMetrics100)
                == ExpositionError(line: 1, reason: #"value "2e308" is outside the range of a 64-bit float"#))
    }

    @Test func timestampsAreMillisecondsIn004AndSecondsInOpenMetrics() throws {
        #expect(try parse004("m 1 -9223372036854775808\n").first?.samples.first?.timestamp == -9.223372036854775808e18)
        #expect(try parse004("m 1 1395066363000\n").first?.samples.first?.timestamp == 1_395_066_363_000)
        #expect(try parseOM("m 1 1520879607.789\n# EOF\n").first?.samples.first?.timestamp == 1_520_879_607.789)
        #expect(try parseOM("m 1 -5\n# EOF\n").first?.samples.first?.timestamp == -5)
    }
}

// MARK: - OpenMetrics

@Suite("OpenMetrics 1.0 text format")
struct OpenMetricsTextTests {
    static let full = #"""
        # TYPE acme_http_router_request_seconds summary
        # UNIT acme_http_router_request_seconds seconds
        # HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
        acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32
        acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0
        acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0
        acme_http_router_request_seconds{path="/api/v1",method="GET",quantile="0.99"} 0.3
        acme_http_router_request_seconds{path="/api/v1",method="GET",quantile="0.5"} 0.012
        # TYPE process_cpu_seconds counter
        # UNIT process_cpu_seconds seconds
        # HELP process_cpu_seconds Total CPU time \"spent\" in seconds.\nSecond line, \q kept.
        process_cpu_seconds_total 4.20072246e+06 # {trace_id="KOO5S4vxi0o"} 0.67 1520879607.789
        process_cpu_seconds_created 1520430000.123
        # TYPE foo histogram
        foo_bucket{le="0.01"} 0
        foo_bucket{le="0.1"} 8 # {} 0.054
        foo_bucket{le="1"} 11 # {trace_id="KOO5S4vxi0o"} 0.67
        foo_bucket{le="10"} 17 # {trace_id="oHg5SJYRHA0"} 9.8 1520879607.789
        foo_bucket{le="+Inf"} 17
        foo_count 17
        foo_sum 324789.3
        foo_created 1520430000.123
        # TYPE queue_wait gaugehistogram
        queue_wait_bucket{le="-1"} 0
        queue_wait_bucket{le="+Inf"} 42
        queue_wait_gcount 42
        queue_wait_gsum -3.5
        # TYPE door stateset
        door{entity="front",door="open"} 1
        door{entity="front",door="closed"} 0
        door{entity="back",door="open"} 0
        door{entity="back",door="closed"} 1
        # TYPE build info
        build_info{version="1.2.3",commit="abc\"def"} 1
        # TYPE temperature_celsius gauge
        # UNIT temperature_celsius celsius
        # HELP temperature_celsius\#u{20}
        temperature_celsius{room="a\\b\qc"} 21.5 1520879607.5
        temperature_celsius{room="a\\b\qc"} 22 1520879608
        mystery_value -Inf
        # EOF
        """#

    @Test func fullExpositionExactly() throws {
        let families = try parseOM(Self.full)
        #expect(
            families.map(\.name) == [
                "acme_http_router_request_seconds", "process_cpu_seconds", "foo", "queue_wait",
                "door", "build", "temperature_celsius", "mystery_value",
            ])
        #expect(
            families.map(\.type) == [
                .summary, .counter, .histogram, .gaugehistogram, .stateset, .info, .gauge,
                .unknown,
            ])
        #expect(families.map(\.unit) == ["seconds", "seconds", nil, nil, nil, nil, "celsius", nil])
        let get = [("path", "/api/v1"), ("method", "GET")]
        #expect(
            families[0]
                == MetricFamily(
                    name: "acme_http_router_request_seconds", type: .summary,
                    help: "Latency though all of ACME's HTTP request router.", unit: "seconds",
                    samples: [
                        sample("acme_http_router_request_seconds_sum", get, 9036.32),
                        sample("acme_http_router_request_seconds_count", get, 807_283),
                        sample("acme_http_router_request_seconds_created", get, 1_605_281_325),
                        sample("acme_http_router_request_seconds", get + [("quantile", "0.99")], 0.3),
                        sample("acme_http_router_request_seconds", get + [("quantile", "0.5")], 0.012),
                    ]))
        #expect(
            families[1]
                == MetricFamily(
                    name: "process_cpu_seconds", type: .counter,
                    help: "Total CPU time \"spent\" in seconds.\nSecond line, \\q kept.", unit: "seconds",
                    samples: [
                        sample(
                            "process_cpu_seconds_total", 4.20072246e6,
                            exemplar: MetricExemplar(
                                labels: [MetricLabel("trace_id", "KOO5S4vxi0o")], value: 0.67, timestamp: 1_520_879_607.789)),
                        sample("process_cpu_seconds_created", 1_520_430_000.123),
                    ]))
        #expect(
            families[2].samples.map(\.exemplar) == [
                nil,
                MetricExemplar(labels: [], value: 0.054),
                MetricExemplar(labels: [MetricLabel("trace_id", "KOO5S4vxi0o")], value: 0.67),
                MetricExemplar(labels: [MetricLabel("trace_id", "oHg5SJYRHA0")], value: 9.8, timestamp: 1_520_879_607.789),
                nil, nil, nil, nil,
            ])
        #expect(families[3].samples.last == sample("queue_wait_gsum", -3.5))
        #expect(families[4].samples.map { $0.label("door") } == ["open", "closed", "open", "closed"])
        #expect(families[5].samples == [sample("build_info", [("version", "1.2.3"), ("commit", "abc\"def")], 1)])
        #expect(
            families[6]
                == MetricFamily(
                    name: "temperature_celsius", type: .gauge, help: nil, unit: "celsius",
                    samples: [
                        sample("temperature_celsius", [("room", #"a\b\qc"#)], 21.5, ts: 1_520_879_607.5),
                        sample("temperature_celsius", [("room", #"a\b\qc"#)], 22, ts: 1_520_879_608),
                    ]))
        #expect(families[7].samples == [sample("mystery_value", -.infinity)])
    }

    @Test func eofMayEndWithOneLineFeed() throws {
        #expect(try parseOM("a 1\n# EOF\n").count == 1)
        #expect(try parseOM("# EOF").isEmpty)
        #expect(try parseOM("# TYPE a gauge\n# EOF\n") == [MetricFamily(name: "a", type: .gauge)])
    }

    static let invalid: [ExpositionFixture] = [
        // Overall structure
        ExpositionFixture("missing-eof", "foo 1\n", line: 2, ##"missing "# EOF" at the end of the exposition"##),
        ExpositionFixture("empty", "", line: 1, ##"missing "# EOF" at the end of the exposition"##),
        ExpositionFixture(
            "missing-eof-unterminated", "foo 1", line: 1,
            ##"missing "# EOF": the exposition ends with a line that has no line feed"##),
        ExpositionFixture("line-after-eof", "foo 1\n# EOF\n\n", line: 3, ##"content after "# EOF" (it must be the last line)"##),
        ExpositionFixture("sample-after-eof", "# EOF\nfoo 1\n", line: 2, ##"content after "# EOF" (it must be the last line)"##),
        ExpositionFixture(
            "eof-with-text", "foo 1\n# EOF now\n", line: 2,
            ##"invalid "# EOF" line: nothing may follow "# EOF" on its line"##),
        ExpositionFixture("blank-line", "foo 1\n\nbar 1\n# EOF\n", line: 2, "blank lines are not allowed in OpenMetrics"),
        ExpositionFixture(
            "comment", "# hello\n# EOF\n", line: 1,
            ##"invalid line starting with '#': OpenMetrics allows no comments, only "# TYPE", "# HELP", "# UNIT" and "# EOF" lines"##),
        ExpositionFixture(
            "crlf", "foo 1\r\n# EOF\n", line: 1,
            "carriage return at the end of the line (CRLF line endings are not allowed in OpenMetrics)"),
        ExpositionFixture("bom", "\u{FEFF}foo 1\n# EOF\n", line: 1, "byte order marks are not allowed in OpenMetrics"),
        ExpositionFixture("leading-space", " foo 1\n# EOF\n", line: 1, "leading whitespace is not allowed in OpenMetrics"),
        ExpositionFixture(
            "double-space", "foo  1\n# EOF\n", line: 1,
            "more than one space before the value (OpenMetrics separates tokens by a single space)"),
        ExpositionFixture("trailing-space", "foo 1 \n# EOF\n", line: 1, "trailing space after the value"),
        ExpositionFixture(
            "trailing-comma", #"foo{a="1",} 1"# + "\n# EOF\n", line: 1,
            #"trailing comma in the label set of metric "foo" is not allowed in OpenMetrics"#),
        ExpositionFixture(
            "space-in-labels", #"foo{a= "1"} 1"# + "\n# EOF\n", line: 1,
            #"expected '"' at start of the value of label "a", found ' '"#),
        ExpositionFixture(
            "reserved-label", #"foo{_a="1"} 1"# + "\n# EOF\n", line: 1,
            #"label names beginning with '_' are reserved in OpenMetrics ("_a")"#),
        ExpositionFixture(
            "reserved-family", "_foo 1\n# EOF\n", line: 1,
            "metric family names beginning with '_' are reserved in OpenMetrics"),
        ExpositionFixture(
            "duplicate-label", #"foo{a="1",a="2"} 1"# + "\n# EOF\n", line: 1,
            #"duplicate label name "a" in the label set of metric "foo""#),
        ExpositionFixture(
            "unterminated-label-value", #"foo{a="1} 1"# + "\n# EOF\n", line: 1,
            #"unterminated value of label "a" (no closing '"' before the end of the line)"#),
        ExpositionFixture(
            "bad-timestamp", "foo 1 12x\n# EOF\n", line: 1,
            #"invalid timestamp "12x" (expected seconds since the epoch)"#),
        ExpositionFixture(
            "inf-timestamp", "foo 1 +Inf\n# EOF\n", line: 1,
            #"invalid timestamp "+Inf" (expected seconds since the epoch)"#),
        // Metadata
        ExpositionFixture(
            "untyped-is-not-a-type", "# TYPE foo untyped\n# EOF\n", line: 1,
            #"unknown metric type "untyped" (expected counter, gauge, histogram, gaugehistogram, stateset, info, summary or unknown)"#),
        ExpositionFixture(
            "type-is-case-sensitive", "# TYPE foo Counter\n# EOF\n", line: 1,
            #"unknown metric type "Counter" (expected counter, gauge, histogram, gaugehistogram, stateset, info, summary or unknown)"#),
        ExpositionFixture(
            "duplicate-type", "# TYPE foo gauge\n# TYPE foo gauge\n# EOF\n", line: 2,
            #"second TYPE line for metric family "foo" (the first is on line 1)"#),
        ExpositionFixture(
            "duplicate-help", "# HELP foo a\n# HELP foo \n# EOF\n", line: 2,
            #"second HELP line for metric family "foo" (the first is on line 1)"#),
        ExpositionFixture(
            "duplicate-unit", "# UNIT foo_seconds seconds\n# UNIT foo_seconds seconds\n# EOF\n", line: 2,
            #"second UNIT line for metric family "foo_seconds" (the first is on line 1)"#),
        ExpositionFixture(
            "type-after-samples", "foo 1\n# TYPE foo gauge\n# EOF\n", line: 2,
            #"TYPE line for "foo" after its samples (metadata must come first)"#),
        ExpositionFixture(
            "help-after-samples", "foo 1\n# HELP foo x\n# EOF\n", line: 2,
            #"HELP line for "foo" after its samples (metadata must come first)"#),
        ExpositionFixture(
            "help-without-text", "# HELP foo\n# EOF\n", line: 1,
            #"HELP line for "foo" is missing a space and its text"#),
        ExpositionFixture(
            "help-raw-quote", "# HELP foo say \"hi\"\n# EOF\n", line: 1,
            #"unescaped '"' in HELP text (write \")"#),
        ExpositionFixture(
            "unit-not-suffix", "# TYPE foo counter\n# UNIT foo seconds\nfoo_total 1\n# EOF\n", line: 2,
            #"unit "seconds" is not a suffix of the metric family name "foo" (expected a name ending in "_seconds")"#),
        ExpositionFixture(
            "unit-on-info", "# TYPE foo_seconds info\n# UNIT foo_seconds seconds\n# EOF\n", line: 2,
            #"info family "foo_seconds" must not have a unit"#),
        // Families, metrics, points
        ExpositionFixture(
            "interleaved-families", "a 1\nb 1\na 2\n# EOF\n", line: 3,
            #"metric family "a" appears again (first on line 1); metric families must not be interleaved"#),
        ExpositionFixture(
            "interleaved-family-sample", "# TYPE foo counter\nfoo_total 1\nbar 1\nfoo_total 2\n# EOF\n",
            line: 4,
            #"sample "foo_total" belongs to the counter family "foo" (line 1), which already ended; metric families must not be interleaved"#),
        ExpositionFixture(
            "name-clash", "# TYPE foo counter\nfoo_total 1\n# TYPE foo_created gauge\nfoo_created 1\n# EOF\n",
            line: 3,
            #"metric family "foo_created" clashes with the counter family "foo": both could have samples named "foo_created""#),
        ExpositionFixture(
            "interleaved-metrics",
            #"foo{a="1"} 1"# + "\n" + #"foo{a="2"} 1"# + "\n" + #"foo{a="1"} 2"#
                + "\n# EOF\n", line: 3,
            #"metric foo{a="1"} is interleaved with other metrics: it already appeared on line 1"#),
        ExpositionFixture(
            "interleaved-points",
            """
            # TYPE foo_seconds summary
            foo_seconds_count{a="bb"} 0 123
            foo_seconds_count{a="bb"} 0 456
            foo_seconds_sum{a="bb"} 0 123
            # EOF

            """, line: 4,
            #"timestamp 123.0 of foo_seconds{a="bb"} goes backwards (previous 456.0); MetricPoints must not be interleaved"#),
        ExpositionFixture(
            "mixed-timestamps", "foo 1 100\nfoo 2\n# EOF\n", line: 2,
            "samples of foo mix lines with and without timestamps"),
        ExpositionFixture(
            "duplicate-sample", #"foo{a="1"} 1"# + "\n" + #"foo{a="1"} 2"# + "\n# EOF\n", line: 2,
            #"duplicate sample foo{a="1"} in the same metric point (first on line 1)"#),
        // Counter
        ExpositionFixture(
            "counter-without-total", "# TYPE foo counter\nfoo 1\n# EOF\n", line: 2,
            #"sample name "foo" is not valid for the counter family "foo" (expected "foo_total" or "foo_created")"#),
        ExpositionFixture(
            "counter-negative", "# TYPE foo counter\nfoo_total -1\n# EOF\n", line: 2,
            #""foo_total" must not be negative, got -1.0"#),
        ExpositionFixture(
            "counter-nan", "# TYPE foo counter\nfoo_total NaN\n# EOF\n", line: 2,
            #""foo_total" must not be NaN"#),
        ExpositionFixture(
            "counter-created-only", "# TYPE foo counter\nfoo_created 1\n# EOF\n", line: 2,
            "counter foo has no foo_total sample"),
        // Histogram
        ExpositionFixture(
            "bucket-without-le", "# TYPE foo histogram\nfoo_bucket 2\n# EOF\n", line: 2,
            #"histogram bucket "foo_bucket" has no "le" label"#),
        ExpositionFixture(
            "le-nan", "# TYPE foo histogram\n" + #"foo_bucket{le="NaN"} 2"# + "\n# EOF\n", line: 2,
            #"the "le" label of "foo_bucket" must not be NaN"#),
        ExpositionFixture(
            "missing-inf-bucket",
            "# TYPE foo histogram\n" + #"foo_bucket{le="1"} 1"#
                + "\nfoo_count 1\nfoo_sum 1\n# EOF\n", line: 2, #"histogram foo has no bucket with le="+Inf""#),
        ExpositionFixture(
            "buckets-out-of-order",
            "# TYPE foo histogram\n" + #"foo_bucket{le="1"} 1"# + "\n"
                + #"foo_bucket{le="0.5"} 1"# + "\n# EOF\n", line: 3,
            #"histogram buckets must be in increasing order of "le": le="0.5" comes after le="1""#),
        ExpositionFixture(
            "buckets-not-cumulative",
            "# TYPE foo histogram\n" + #"foo_bucket{le="1"} 2"# + "\n"
                + #"foo_bucket{le="+Inf"} 1"# + "\n# EOF\n", line: 3,
            #"histogram bucket counts must be cumulative: le="+Inf" has 1.0, less than 2.0 in le="1""#),
        ExpositionFixture(
            "count-mismatch",
            "# TYPE foo histogram\n" + #"foo_bucket{le="+Inf"} 2"#
                + "\nfoo_count 3\nfoo_sum 1\n# EOF\n", line: 3,
            #"foo_count (3.0) differs from the le="+Inf" bucket (2.0)"#),
        ExpositionFixture(
            "sum-without-count",
            "# TYPE foo histogram\n" + #"foo_bucket{le="+Inf"} 2"#
                + "\nfoo_sum 1\n# EOF\n", line: 3,
            "histogram foo has foo_sum without foo_count; they must appear together"),
        ExpositionFixture(
            "negative-bucket-with-sum",
            "# TYPE foo histogram\n" + #"foo_bucket{le="-1"} 0"# + "\n"
                + #"foo_bucket{le="+Inf"} 2"# + "\nfoo_count 2\nfoo_sum 1\n# EOF\n", line: 5,
            "histogram foo has negative bucket thresholds, so it must not have foo_sum"),
        ExpositionFixture(
            "fractional-bucket", "# TYPE foo histogram\n" + #"foo_bucket{le="+Inf"} 2.5"# + "\n# EOF\n",
            line: 2, #""foo_bucket" must be an integer, got 2.5"#),
        ExpositionFixture(
            "le-on-count",
            "# TYPE foo histogram\n" + #"foo_bucket{le="+Inf"} 2"# + "\n"
                + #"foo_count{le="+Inf"} 2"# + "\n# EOF\n", line: 3,
            #"the "le" label is only allowed on foo_bucket samples, not on "foo_count""#),
        ExpositionFixture(
            "gsum-negative",
            "# TYPE foo gaugehistogram\n" + #"foo_bucket{le="+Inf"} 2"#
                + "\nfoo_gcount 2\nfoo_gsum -1\n# EOF\n", line: 4,
            "foo_gsum is negative but no bucket threshold is"),
        // Summary, stateset, info
        ExpositionFixture(
            "quantile-out-of-range", "# TYPE foo summary\n" + #"foo{quantile="1.5"} 2"# + "\n# EOF\n",
            line: 2, #"quantile "1.5" is outside 0…1"#),
        ExpositionFixture(
            "quantile-missing", "# TYPE foo summary\nfoo 2\n# EOF\n", line: 2,
            #"summary sample "foo" has no "quantile" label"#),
        ExpositionFixture(
            "quantile-value-negative", "# TYPE foo summary\n" + #"foo{quantile="0.5"} -2"# + "\n# EOF\n",
            line: 2, "quantile values must not be negative, got -2.0"),
        ExpositionFixture(
            "stateset-value", "# TYPE foo stateset\n" + #"foo{foo="a"} 2"# + "\n# EOF\n", line: 2,
            "stateset value must be 0 or 1, got 2.0"),
        ExpositionFixture(
            "stateset-label", "# TYPE foo stateset\n" + #"foo{bar="a"} 1"# + "\n# EOF\n", line: 2,
            #"stateset sample "foo" has no label named "foo" for its state"#),
        ExpositionFixture(
            "info-value", "# TYPE foo info\n" + #"foo_info{v="1"} 2"# + "\n# EOF\n", line: 2,
            "info value must be 1, got 2.0"),
        // Exemplars
        ExpositionFixture(
            "exemplar-on-gauge", #"foo 1 # {a="b"} 1"# + "\n# EOF\n", line: 1,
            #"exemplars are only allowed on counter _total and histogram _bucket samples, not on "foo""#),
        ExpositionFixture(
            "exemplar-outside-bucket",
            "# TYPE foo histogram\n" + #"foo_bucket{le="1"} 1 # {a="b"} 2"#
                + "\n" + #"foo_bucket{le="+Inf"} 1"# + "\n# EOF\n", line: 2,
            #"exemplar value 2.0 is outside its bucket le="1""#),
        ExpositionFixture(
            "exemplar-too-long",
            "# TYPE foo counter\n" + #"foo_total 1 # {a=""#
                + String(repeating: "x", count: 128) + #""} 1"# + "\n# EOF\n", line: 2,
            "exemplar labels are 129 characters long; at most 128 are allowed"),
        ExpositionFixture(
            "exemplar-without-labels", "# TYPE foo counter\nfoo_total 1 # 1\n# EOF\n", line: 2,
            ##"invalid exemplar: expected "# {" after the sample"##),
    ]

    @Test("invalid expositions are rejected with line and reason", arguments: Self.invalid)
    func invalidExposition(_ fixture: ExpositionFixture) {
        #expect(throws: ExpositionError(line: fixture.line, reason: fixture.reason)) {
            _ = try PrometheusTextParser.parse(fixture.bytes, format: .openMetrics100)
        }
    }

    @Test func unknownEscapesAreKeptAsWrittenPerTheABNF() throws {
        // OpenMetrics allows `BS normal-char` (SHOULD NOT be used); 0.0.4 rejects it.
        #expect(try parseOM(#"foo{a="x\qy"} 1"# + "\n# EOF\n").first?.samples.first?.label("a") == #"x\qy"#)
        #expect(
            failure(#"foo{a="x\qy"} 1"# + "\n", .prometheusText004)
                == ExpositionError(
                    line: 1,
                    reason:
                        #"invalid escape sequence '\q' in the value of label "a" (only \\, \" and \n are allowed)"#))
    }

    @Test func metricPointsWithIncreasingTimestamps() throws {
        let families = try parseOM("# TYPE foo gauge\nfoo 17.0 123\nfoo 18.0 456\n# EOF\n")
        #expect(families.first?.samples == [sample("foo", 17, ts: 123), sample("foo", 18, ts: 456)])
        #expect(
            failure("# TYPE foo gauge\nfoo 17.0 456\nfoo 18.0 123\n# EOF\n", .openMetrics100)
                == ExpositionError(
                    line: 3,
                    reason:
                        "timestamp 123.0 of foo goes backwards (previous 456.0); MetricPoints must not be interleaved"))
    }

    @Test func blankLinesAndCommentsDifferBetweenFormats() throws {
        let text = "# a comment\nfoo 1\n\nbar 2\n"
        #expect(try parse004(text).count == 2)
        #expect(failure(text + "# EOF\n", .openMetrics100)?.line == 1)
    }
}

// MARK: - Math helpers

@Suite("Counter rate and histogram quantile")
struct PrometheusMathTests {
    @Test func rateOfAnIncreasingCounter() {
        #expect(PrometheusMath.rate(previous: (value: 100, time: 10), current: (value: 160, time: 40)) == 2)
    }

    @Test func rateAcrossACounterReset() {
        #expect(PrometheusMath.rate(previous: (value: 500, time: 0), current: (value: 30, time: 15)) == 2)
    }

    @Test func rateNeedsTimeToPass() {
        #expect(PrometheusMath.rate(previous: (value: 1, time: 10), current: (value: 5, time: 10)) == nil)
        #expect(PrometheusMath.rate(previous: (value: 1, time: 10), current: (value: 5, time: 9)) == nil)
        #expect(PrometheusMath.rate(previous: (value: .nan, time: 0), current: (value: 5, time: 9)) == nil)
        #expect(PrometheusMath.rate(previous: (value: 1, time: 0), current: (value: .infinity, time: 9)) == nil)
        #expect(PrometheusMath.rate(previous: (value: 7, time: 0), current: (value: 7, time: 9)) == 0)
    }

    static let specBuckets: [(le: Double, count: Double)] = [
        (0.05, 24054), (0.1, 33444), (0.2, 100_392), (0.5, 129_389), (1, 133_988), (.infinity, 144_320),
    ]

    @Test func quantileInterpolatesInsideTheBucket() throws {
        // rank 72160 falls in (0.1, 0.2]: 0.1 + 0.1 × (72160 − 33444) / (100392 − 33444)
        let p50 = try #require(PrometheusMath.histogramQuantile(0.5, buckets: Self.specBuckets))
        #expect(abs(p50 - 0.15782995757901658) < 1e-15)
        // rank 12027 falls in the first bucket, which starts at 0.
        let p5 = try #require(PrometheusMath.histogramQuantile(0.05, buckets: Self.specBuckets))
        #expect(abs(p5 - 0.05 * 7216.0 / 24054.0) < 1e-15)
    }

    @Test func quantileInTheInfBucketIsTheHighestFiniteBound() {
        #expect(PrometheusMath.histogramQuantile(0.99, buckets: Self.specBuckets) == 1)
        #expect(PrometheusMath.histogramQuantile(1, buckets: Self.specBuckets) == 1)
    }

    @Test func quantileEdgeCases() {
        #expect(
            PrometheusMath.histogramQuantile(0.5, buckets: Array(Self.specBuckets.reversed()))
                == PrometheusMath.histogramQuantile(0.5, buckets: Self.specBuckets))
        #expect(PrometheusMath.histogramQuantile(-0.1, buckets: Self.specBuckets) == -.infinity)
        #expect(PrometheusMath.histogramQuantile(1.1, buckets: Self.specBuckets) == .infinity)
        #expect(PrometheusMath.histogramQuantile(.nan, buckets: Self.specBuckets) == nil)
        // No observations, no +Inf bucket, only one bucket: nothing to report.
        #expect(PrometheusMath.histogramQuantile(0.5, buckets: [(1, 0), (.infinity, 0)]) == nil)
        #expect(PrometheusMath.histogramQuantile(0.5, buckets: [(1, 3), (2, 5)]) == nil)
        #expect(PrometheusMath.histogramQuantile(0.5, buckets: [(.infinity, 5)]) == nil)
        #expect(PrometheusMath.histogramQuantile(0.5, buckets: []) == nil)
        // A first bucket with a bound ≤ 0 is returned as is.
        #expect(PrometheusMath.histogramQuantile(0.1, buckets: [(-1, 5), (0, 8), (.infinity, 10)]) == -1)
        // Non-monotonic counts are made monotonic; q = 0 gives the lower edge of the first non-empty bucket.
        #expect(PrometheusMath.histogramQuantile(0.5, buckets: [(1, 4), (2, 3), (4, 8), (.infinity, 8)]) == 1)
        #expect(PrometheusMath.histogramQuantile(0, buckets: [(1, 0), (2, 4), (.infinity, 4)]) == 1)
    }

    @Test func quantileOverBucketDeltasBetweenScrapes() throws {
        let previous: [(le: Double, count: Double)] = [(0.1, 10), (0.5, 20), (1, 30), (.infinity, 30)]
        let current: [(le: Double, count: Double)] = [(0.1, 10), (0.5, 60), (1, 70), (.infinity, 70)]
        let delta = try #require(PrometheusMath.bucketIncrease(previous: previous, current: current))
        #expect(delta.map(\.count) == [0, 40, 40, 40])
        // All 40 new observations were in (0.1, 0.5]: the median is its middle.
        let median = try #require(PrometheusMath.histogramQuantile(0.5, buckets: delta))
        #expect(abs(median - 0.3) < 1e-15)
        // Nothing new since the last scrape: no quantile.
        let idle = try #require(PrometheusMath.bucketIncrease(previous: current, current: current))
        #expect(PrometheusMath.histogramQuantile(0.5, buckets: idle) == nil)
    }

    @Test func bucketIncreaseHandlesResetsAndLayoutChanges() {
        let before: [(le: Double, count: Double)] = [(1, 50), (.infinity, 90)]
        let restarted: [(le: Double, count: Double)] = [(1, 2), (.infinity, 3)]
        #expect(PrometheusMath.bucketIncrease(previous: before, current: restarted)?.map(\.count) == [2, 3])
        #expect(PrometheusMath.bucketIncrease(previous: before, current: [(2, 60), (.infinity, 95)]) == nil)
        #expect(PrometheusMath.bucketIncrease(previous: before, current: [(.infinity, 95)]) == nil)
    }
}
