public import Foundation

// A strict reader for the two text formats a Prometheus scrape target can
// answer with:
//
//   * the Prometheus text exposition format 0.0.4
//     (https://prometheus.io/docs/instrumenting/exposition_formats/), and
//   * the OpenMetrics 1.0 text format
//     (https://github.com/OpenObservability/OpenMetrics/blob/main/specification/OpenMetrics.md).
//
// Strict means an exposition is accepted or rejected as a whole: any syntax
// error or violated MUST of the format's spec throws an `ExpositionError`
// naming the 1-based line and the reason, and no partial result is returned.
// Where the two formats differ, each follows its own spec; for 0.0.4 the
// syntax follows the reference parser (`promtool check metrics`, i.e.
// prometheus/common `expfmt.TextParser`), and on top of it the rules the
// 0.0.4 document states but that parser does not check are enforced too:
// families must be one uninterrupted group with HELP/TYPE first, every
// line's name + label set must be unique, histograms must have an
// `le="+Inf"` bucket equal to `_count`, buckets and quantiles must come in
// increasing order, bucket counts must be cumulative, and counter, bucket
// and count values must not be negative.
//
// The implementation (PrometheusTextMachine.swift, PrometheusTextSupport.swift)
// works on UTF-8 bytes; Strings are only made for names, label values and
// HELP texts, and repeated names/values are interned.

/// Which text format a scrape body is in.
public enum ExpositionFormat: Sendable, Hashable {
    /// Prometheus text format 0.0.4 (`text/plain; version=0.0.4`).
    case prometheusText004
    /// OpenMetrics 1.0 text format (`application/openmetrics-text; version=1.0.0`).
    case openMetrics100

    /// Chooses the parser by Content-Type the way Prometheus does: only the
    /// media type counts (case-insensitively, parameters such as `version`
    /// and `charset` are ignored). `application/openmetrics-text` is
    /// OpenMetrics; anything else, including a missing or malformed header
    /// and `text/plain; version=0.0.4`, is the 0.0.4 text format.
    public static func from(contentType: String?) -> ExpositionFormat {
        guard let contentType else { return .prometheusText004 }
        let mediaType =
            contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
            .first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return mediaType == "application/openmetrics-text" ? .openMetrics100 : .prometheusText004
    }
}

/// A metric family's type. 0.0.4's `untyped` and OpenMetrics' `unknown`
/// are both `.unknown`; `info`, `stateset` and `gaugehistogram` only occur
/// in OpenMetrics.
public enum MetricFamilyType: String, Sendable, Hashable, CaseIterable {
    case counter, gauge, histogram, summary, unknown, info, stateset, gaugehistogram
}

/// One label of a sample or exemplar, with escapes already resolved.
public struct MetricLabel: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name)=\"\(value)\"" }
}

/// An OpenMetrics exemplar attached to a counter's `_total` or a
/// histogram's `_bucket` sample. `timestamp` is in seconds.
public struct MetricExemplar: Sendable, Equatable {
    public var labels: [MetricLabel]
    public var value: Double
    public var timestamp: Double?

    public init(labels: [MetricLabel], value: Double, timestamp: Double? = nil) {
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
    }

    /// NaN equals NaN here so that parsed results can be compared in tests.
    public static func == (a: MetricExemplar, b: MetricExemplar) -> Bool {
        a.labels == b.labels && PrometheusTextParser.sameNumber(a.value, b.value)
            && PrometheusTextParser.sameNumber(a.timestamp, b.timestamp)
    }
}

/// One sample line.
public struct MetricSample: Sendable, Equatable {
    /// The full sample name as written, e.g. `http_request_duration_seconds_bucket`.
    public var name: String
    /// The labels in the order they were written (including `le`/`quantile`).
    public var labels: [MetricLabel]
    public var value: Double
    /// The sample's own timestamp, if it has one. Units differ by format:
    /// **milliseconds** since the epoch for 0.0.4 (an integer there),
    /// **seconds** since the epoch for OpenMetrics (may have a fraction).
    public var timestamp: Double?
    /// Only in OpenMetrics.
    public var exemplar: MetricExemplar?

    public init(
        name: String, labels: [MetricLabel] = [], value: Double, timestamp: Double? = nil,
        exemplar: MetricExemplar? = nil
    ) {
        self.name = name
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
        self.exemplar = exemplar
    }

    /// The value of the label called `name`, if present.
    public func label(_ name: String) -> String? {
        labels.first(where: { $0.name == name })?.value
    }

    /// NaN equals NaN here so that parsed results can be compared in tests.
    public static func == (a: MetricSample, b: MetricSample) -> Bool {
        a.name == b.name && a.labels == b.labels && PrometheusTextParser.sameNumber(a.value, b.value)
            && PrometheusTextParser.sameNumber(a.timestamp, b.timestamp) && a.exemplar == b.exemplar
    }
}

/// A metric family: its metadata and its samples in exposition order.
public struct MetricFamily: Sendable, Equatable {
    /// The family name: the name on its TYPE/HELP/UNIT lines or, without
    /// metadata, the sample name. (For an OpenMetrics counter `foo` the
    /// samples are `foo_total`/`foo_created`; in 0.0.4 a counter's samples
    /// carry the family name itself.)
    public var name: String
    public var type: MetricFamilyType
    /// nil when there was no HELP line (or, in OpenMetrics, an empty one).
    public var help: String?
    /// OpenMetrics UNIT; always nil for 0.0.4.
    public var unit: String?
    public var samples: [MetricSample]

    public init(
        name: String, type: MetricFamilyType, help: String? = nil, unit: String? = nil,
        samples: [MetricSample] = []
    ) {
        self.name = name
        self.type = type
        self.help = help
        self.unit = unit
        self.samples = samples
    }
}

/// Why an exposition was rejected. `line` is 1-based.
public struct ExpositionError: Error, CustomStringConvertible, Hashable {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// Parses a whole exposition. All overloads are equivalent; the byte-based
/// ones avoid a String round trip.
public enum PrometheusTextParser {
    public static func parse(_ text: String, format: ExpositionFormat) throws(ExpositionError) -> [MetricFamily] {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(ExpositionError) in try parse(buffer, format: format) }
        }
        return try result.get()
    }

    public static func parse(_ bytes: [UInt8], format: ExpositionFormat) throws(ExpositionError) -> [MetricFamily] {
        let result = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(ExpositionError) in try parse(buffer, format: format) }
        }
        return try result.get()
    }

    public static func parse(_ data: Data, format: ExpositionFormat) throws(ExpositionError) -> [MetricFamily] {
        let result = data.withUnsafeBytes { raw in
            Result { () throws(ExpositionError) in
                try parse(raw.assumingMemoryBound(to: UInt8.self), format: format)
            }
        }
        return try result.get()
    }

    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>, format: ExpositionFormat) throws(ExpositionError)
        -> [MetricFamily]
    {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            if format == .openMetrics100 {
                throw ExpositionError(line: 1, reason: "missing \"# EOF\" at the end of the exposition")
            }
            return []
        }
        var machine = Machine(base: base, count: buffer.count, openMetrics: format == .openMetrics100)
        return try machine.run()
    }

    /// The same strict parse of the whole page, keeping the samples of only
    /// the named families: a scrape holds in memory what its mapping reads,
    /// not the rest of a large /metrics page.
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>, format: ExpositionFormat, keeping: Set<String>) throws(ExpositionError)
        -> [MetricFamily]
    {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return try parse(buffer, format: format) }
        var machine = Machine(base: base, count: buffer.count, openMetrics: format == .openMetrics100)
        machine.keeping = keeping
        return try machine.run()
    }
}

extension PrometheusTextParser {
    /// Number equality where NaN equals NaN.
    @inline(__always)
    static func sameNumber(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }

    @inline(__always)
    static func sameNumber(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let x?, let y?): return sameNumber(x, y)
        default: return false
        }
    }
}
