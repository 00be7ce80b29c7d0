public import Foundation

/// Reads a health endpoint's JSON in the runbooks' shape:
///
///     {"status": "healthy", "error_rate": 0.004, "avg_response_time": 120,
///      "p95_response_time": 310, "requests_per_minute": 1200,
///      "cohorts": {"canary": {…same fields…}, "stable": {…}}}
///
/// `error_rate` is a fraction, response times are milliseconds. Without
/// `cohorts` the top-level values are the stable cohort's. A field that is
/// absent or null is "no data"; a field of the wrong type is an error.
public enum HealthDecoder {
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var field: String
        public var reason: String
        /// The body is not JSON at all (a /metrics page, an HTML error page).
        public var notJSON = false
        public var description: String { field.isEmpty ? reason : "field \(field): \(reason)" }
    }

    public struct Reading: Sendable, Equatable {
        public var status: String?
        public var samples: [Sample]
        public init(status: String?, samples: [Sample]) {
            self.status = status
            self.samples = samples
        }
    }

    public static func decode(_ data: Data) throws(Failure) -> Reading {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw Failure(field: "", reason: "not valid JSON (\(Self.jsonReason(error)))", notJSON: true)
        }
        guard let root = object as? [String: Any] else {
            throw Failure(field: "", reason: "expected a JSON object at the top, got \(typeName(object))")
        }
        let status = try string(root["status"], "status")
        var samples: [Sample] = []
        if let cohorts = root["cohorts"], !(cohorts is NSNull) {
            guard let map = cohorts as? [String: Any] else {
                throw Failure(field: "cohorts", reason: "expected an object, got \(typeName(cohorts))")
            }
            for cohort in Cohort.allCases {
                guard let value = map[cohort.rawValue], !(value is NSNull) else { continue }
                guard let fields = value as? [String: Any] else {
                    throw Failure(field: "cohorts.\(cohort.rawValue)", reason: "expected an object, got \(typeName(value))")
                }
                samples += try read(fields, cohort: cohort, path: "cohorts.\(cohort.rawValue).")
            }
        } else {
            samples = try read(root, cohort: .stable, path: "")
        }
        return Reading(status: status, samples: samples)
    }

    private static func read(_ fields: [String: Any], cohort: Cohort, path: String) throws(Failure) -> [Sample] {
        var out: [Sample] = []
        if let v = try number(fields["error_rate"], path + "error_rate") {
            guard v >= 0, v <= 1 else {
                throw Failure(field: path + "error_rate", reason: "must be a fraction between 0 and 1, got \(v)")
            }
            out.append(Sample(SeriesKey(cohort, .errorRate), v))
        }
        if let v = try number(fields["avg_response_time"], path + "avg_response_time") {
            guard v >= 0 else { throw Failure(field: path + "avg_response_time", reason: "must not be negative, got \(v)") }
            out.append(Sample(SeriesKey(cohort, .latencyAvg), v / 1000))
        }
        if let v = try number(fields["p95_response_time"], path + "p95_response_time") {
            guard v >= 0 else { throw Failure(field: path + "p95_response_time", reason: "must not be negative, got \(v)") }
            out.append(Sample(SeriesKey(cohort, .latencyP95), v / 1000))
        }
        if let v = try number(fields["requests_per_minute"], path + "requests_per_minute") {
            guard v >= 0 else { throw Failure(field: path + "requests_per_minute", reason: "must not be negative, got \(v)") }
            out.append(Sample(SeriesKey(cohort, .throughput), v))
        }
        return out
    }

    private static func number(_ value: Any?, _ field: String) throws(Failure) -> Double? {
        guard let value, !(value is NSNull) else { return nil }
        // JSONSerialization gives NSNumber for both numbers and booleans.
        if let n = value as? NSNumber, !isBool(n) {
            let d = n.doubleValue
            guard d.isFinite else { throw Failure(field: field, reason: "not a finite number") }
            return d
        }
        throw Failure(field: field, reason: "expected a number, got \(typeName(value))")
    }

    private static func string(_ value: Any?, _ field: String) throws(Failure) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        guard let s = value as? String else { throw Failure(field: field, reason: "expected a string, got \(typeName(value))") }
        return InertText.clean(s)
    }

    private static func isBool(_ n: NSNumber) -> Bool { FeedJSON.isBool(n) }

    static func typeName(_ value: Any) -> String { FeedJSON.typeName(value) }

    private static func jsonReason(_ error: any Error) -> String {
        let ns = error as NSError
        return (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
    }
}
