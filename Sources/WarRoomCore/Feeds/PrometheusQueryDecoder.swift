public import Foundation

/// One sample: unix seconds and a value. NaN equals NaN here so that decoded
/// results can be compared in tests.
public struct PromPoint: Sendable, Equatable {
    public var time: Double
    public var value: Double
    public init(time: Double, value: Double) {
        self.time = time
        self.value = value
    }
    public static func == (a: PromPoint, b: PromPoint) -> Bool {
        a.time == b.time && (a.value == b.value || (a.value.isNaN && b.value.isNaN))
    }
}

/// One series of a vector (exactly one point) or a matrix (its points in
/// time order, as Prometheus sends them).
public struct PromSeries: Sendable, Equatable {
    public var labels: [String: String]
    public var points: [PromPoint]
    public init(labels: [String: String], points: [PromPoint]) {
        self.labels = labels
        self.points = points
    }
}

public enum PromResult: Sendable, Equatable {
    case vector([PromSeries])
    case matrix([PromSeries])
    case scalar(PromPoint)
    case string(time: Double, value: String)
}

public struct PromResponse: Sendable, Equatable {
    public var result: PromResult
    public var warnings: [String]
    public var infos: [String]
    /// Series that carried native histograms, which are not read. A series
    /// that is only histograms is left out of `result`; a matrix series that
    /// changed between floats and histograms keeps its float points.
    public var skippedHistograms: Int
    public init(result: PromResult, warnings: [String] = [], infos: [String] = [], skippedHistograms: Int = 0) {
        self.result = result
        self.warnings = warnings
        self.infos = infos
        self.skippedHistograms = skippedHistograms
    }
}

/// Why a Prometheus answer could not be used. `description` is written for an
/// operator: it says what happened, where, and what to try.
public enum PromQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Prometheus answered with its error envelope
    /// (`{"status":"error","errorType":…,"error":…}`), whatever the HTTP status.
    case server(errorType: String, message: String, httpStatus: Int)
    /// An HTTP error status and a body that is not a Prometheus answer
    /// (a proxy or load balancer answered). `body` is the cleaned start of it.
    case http(status: Int, body: String)
    /// A success status but the body is not JSON.
    case invalidJSON(reason: String, body: String)
    /// The JSON is not shaped like a Prometheus answer; `field` is a path
    /// such as `data.result[3].value[1]`.
    case shape(field: String, reason: String)
    /// `single`: the query gave more than one series. `first` holds the
    /// labels of (up to) the first two.
    case tooManySeries(count: Int, first: [[String: String]])
    /// `single`: the result is not a number (a range result, a string, or
    /// only native histograms).
    case notANumber(reason: String)

    public var description: String {
        switch self {
        case .server(let errorType, let message, let status):
            let type = errorType.isEmpty ? "unknown" : errorType
            let hint = Self.hint(errorType: errorType).map { " — \($0)" } ?? ""
            return "Prometheus error \(type) (HTTP \(status)): \(message)\(hint)"
        case .http(let status, let body):
            let hint = Self.hint(httpStatus: status).map { " (\($0))" } ?? ""
            return "HTTP \(status) from Prometheus, and the body is not a Prometheus answer\(hint): \(body)"
        case .invalidJSON(let reason, let body):
            return "the Prometheus answer is not valid JSON (\(reason)); it starts with: \(body)"
        case .shape(let field, let reason):
            return field.isEmpty
                ? "unexpected Prometheus answer: \(reason)"
                : "unexpected Prometheus answer: \(field): \(reason)"
        case .tooManySeries(let count, let first):
            var shown = first.prefix(2).map(PrometheusQueryDecoder.render).joined(separator: ", ")
            if count > 2 { shown += ", …" }
            return "expected one series, got \(count): \(shown); aggregate the query to one number, e.g. with sum(…) or max(…)"
        case .notANumber(let reason):
            return reason
        }
    }

    static func hint(errorType: String) -> String? {
        switch errorType {
        case "bad_data": "check the PromQL expression and the query parameters"
        case "execution": "the query failed while running; check the expression and Prometheus' logs"
        case "timeout": "the query took too long; shorten the range, raise the step or simplify the expression"
        case "canceled": "the query was canceled; retry"
        case "unavailable": "Prometheus is not ready (starting or overloaded); retry later"
        case "internal": "an internal Prometheus error; see its logs"
        case "not_found": "check the base URL: it should be the Prometheus root, e.g. http://prometheus:9090"
        default: nil
        }
    }

    static func hint(httpStatus: Int) -> String? {
        switch httpStatus {
        case 401, 403: "check the credentials"
        case 404: "check the base URL: it should be the Prometheus root, e.g. http://prometheus:9090"
        case 502, 503, 504: "Prometheus, or a proxy in front of it, is down or overloaded"
        default: nil
        }
    }
}

/// Decodes the JSON answers of the Prometheus HTTP API v1 `/api/v1/query`
/// and `/api/v1/query_range`, and builds their URLs.
///
/// Unknown keys are ignored everywhere. A `vector` or `matrix` result of JSON
/// `null` is read as empty; a series without `metric` has no labels. Native
/// histograms (`histogram`, `histograms`) are not read: see
/// `PromResponse.skippedHistograms`.
public enum PrometheusQueryDecoder {
    public static func decode(_ data: Data, httpStatus: Int) throws(PromQueryError) -> PromResponse {
        let httpOK = (200 ..< 300).contains(httpStatus)
        let object: Any
        switch FeedJSON.parse(data) {
        case .success(let value):
            object = value
        case .failure(let reason):
            if !httpOK { throw .http(status: httpStatus, body: FeedJSON.excerpt(data)) }
            throw .invalidJSON(reason: reason.text, body: FeedJSON.excerpt(data))
        }
        guard let root = object as? [String: Any], let status = root["status"] as? String else {
            if !httpOK { throw .http(status: httpStatus, body: FeedJSON.excerpt(data)) }
            guard let root = object as? [String: Any] else {
                throw .shape(field: "", reason: "expected a JSON object at the top, got \(FeedJSON.typeName(object))")
            }
            guard let status = root["status"] else { throw .shape(field: "status", reason: "missing") }
            throw .shape(field: "status", reason: "expected a string, got \(FeedJSON.typeName(status))")
        }
        switch status {
        case "error":
            let errorType = (root["errorType"] as? String).map { FeedJSON.clean($0, limit: 60) } ?? ""
            let message = (root["error"] as? String).map { FeedJSON.clean($0, limit: 500) } ?? ""
            throw .server(errorType: errorType, message: message.isEmpty ? "(no message)" : message, httpStatus: httpStatus)
        case "success":
            // A success envelope with an error status is contradictory; trust the status.
            if !httpOK { throw .http(status: httpStatus, body: FeedJSON.excerpt(data)) }
        default:
            throw .shape(field: "status", reason: "expected \"success\" or \"error\", got \(FeedJSON.quoted(status))")
        }

        let warnings = try strings(root["warnings"], "warnings")
        let infos = try strings(root["infos"], "infos")
        guard let dataValue = root["data"], !(dataValue is NSNull) else {
            throw .shape(field: "data", reason: "missing")
        }
        guard let dataObject = dataValue as? [String: Any] else {
            throw .shape(field: "data", reason: "expected an object, got \(FeedJSON.typeName(dataValue))")
        }
        guard let typeValue = dataObject["resultType"] else { throw .shape(field: "data.resultType", reason: "missing") }
        guard let resultType = typeValue as? String else {
            throw .shape(field: "data.resultType", reason: "expected a string, got \(FeedJSON.typeName(typeValue))")
        }
        guard let resultValue = dataObject["result"] else { throw .shape(field: "data.result", reason: "missing") }

        var skipped = 0
        let result: PromResult
        switch resultType {
        case "vector":
            result = .vector(try seriesList(resultValue, instant: true, skipped: &skipped))
        case "matrix":
            result = .matrix(try seriesList(resultValue, instant: false, skipped: &skipped))
        case "scalar":
            result = .scalar(try point(resultValue, "data.result"))
        case "string":
            let (time, text) = try pair(resultValue, "data.result")
            guard let string = text as? String else {
                throw .shape(field: "data.result[1]", reason: "expected a string, got \(FeedJSON.typeName(text))")
            }
            result = .string(time: time, value: InertText.clean(string))
        default:
            throw .shape(
                field: "data.resultType",
                reason: "unknown result type \(FeedJSON.quoted(resultType)) (expected vector, matrix, scalar or string)")
        }
        return PromResponse(result: result, warnings: warnings, infos: infos, skippedHistograms: skipped)
    }

    /// The one number of a query meant to give one: a scalar's value, or the
    /// value of a vector's only series. An empty vector is nil (no data).
    /// NaN and ±Inf are returned as they are; the caller decides what they
    /// mean. Throws for several series (with the labels of the first two), a
    /// range result, a string, or a vector of native histograms only.
    public static func single(_ response: PromResponse) throws(PromQueryError) -> Double? {
        switch response.result {
        case .scalar(let point):
            return point.value
        case .vector(let series):
            switch series.count {
            case 0:
                if response.skippedHistograms > 0 {
                    throw .notANumber(
                        reason: "the query gave native histograms, not numbers; "
                            + "wrap it in histogram_quantile(0.95, …), histogram_sum(…) or histogram_count(…)")
                }
                return nil
            case 1:
                return series[0].points.first?.value
            default:
                throw .tooManySeries(count: series.count, first: series.prefix(2).map(\.labels))
            }
        case .matrix:
            throw .notANumber(reason: "expected one number, got a range result (matrix); use an instant query (/api/v1/query)")
        case .string(_, let value):
            throw .notANumber(reason: "expected a number, got the string \(FeedJSON.quoted(value, limit: 60))")
        }
    }

    /// `base/api/v1/query?query=…[&time=…]`. `base` is the Prometheus root
    /// (a trailing slash is fine); the expression is percent-encoded.
    public static func queryURL(base: String, expression: String, time: Double?) -> String {
        var url = root(base) + "/api/v1/query?query=" + percentEncoded(expression)
        if let time { url += "&time=" + FeedJSON.seconds(time) }
        return url
    }

    /// `base/api/v1/query_range?query=…&start=…&end=…&step=…`, times in unix
    /// seconds and the step in seconds.
    public static func rangeURL(base: String, expression: String, start: Double, end: Double, step: Double) -> String {
        root(base) + "/api/v1/query_range?query=" + percentEncoded(expression)
            + "&start=" + FeedJSON.seconds(start) + "&end=" + FeedJSON.seconds(end) + "&step=" + FeedJSON.seconds(step)
    }

    /// Encodes every byte except RFC 3986's unreserved characters
    /// (`A-Z a-z 0-9 - . _ ~`), so `+` becomes `%2B` and a space `%20`.
    public static func percentEncoded(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A") ... UInt8(ascii: "Z"), UInt8(ascii: "a") ... UInt8(ascii: "z"),
                UInt8(ascii: "0") ... UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `name{a="1", b="2"}` in Prometheus' style, terminal-safe, labels sorted.
    public static func render(_ labels: [String: String]) -> String {
        let name = labels["__name__"].map { FeedJSON.clean($0, limit: 80) } ?? ""
        let pairs = labels.filter { $0.key != "__name__" }
            .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            .map { FeedJSON.clean($0.key, limit: 60) + "=" + FeedJSON.quoted($0.value, limit: 60) }
        if pairs.isEmpty && !name.isEmpty { return name }
        return name + "{" + pairs.joined(separator: ", ") + "}"
    }

    // MARK: Pieces

    private static func root(_ base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    private static func strings(_ value: Any?, _ field: String) throws(PromQueryError) -> [String] {
        guard let value, !(value is NSNull) else { return [] }
        guard let array = value as? [Any] else {
            throw .shape(field: field, reason: "expected an array of strings, got \(FeedJSON.typeName(value))")
        }
        var out: [String] = []
        for (i, element) in array.enumerated() {
            guard let s = element as? String else {
                throw .shape(field: FeedJSON.index(field, i), reason: "expected a string, got \(FeedJSON.typeName(element))")
            }
            out.append(InertText.clean(s))
        }
        return out
    }

    private static func seriesList(_ value: Any, instant: Bool, skipped: inout Int) throws(PromQueryError) -> [PromSeries] {
        if value is NSNull { return [] }
        guard let array = value as? [Any] else {
            throw .shape(field: "data.result", reason: "expected an array of series, got \(FeedJSON.typeName(value))")
        }
        var out: [PromSeries] = []
        for (i, element) in array.enumerated() {
            let path = FeedJSON.index("data.result", i)
            guard let series = element as? [String: Any] else {
                throw .shape(field: path, reason: "expected an object, got \(FeedJSON.typeName(element))")
            }
            let labels = try labelSet(series["metric"], FeedJSON.member(path, "metric"))
            let histogramKey = instant ? "histogram" : "histograms"
            let hasHistogram = !FeedJSON.isNull(series[histogramKey])
            if hasHistogram { skipped += 1 }
            if instant {
                let valuePath = FeedJSON.member(path, "value")
                guard let sample = series["value"], !(sample is NSNull) else {
                    if hasHistogram { continue }
                    throw .shape(field: valuePath, reason: "missing")
                }
                out.append(PromSeries(labels: labels, points: [try point(sample, valuePath)]))
            } else {
                let valuesPath = FeedJSON.member(path, "values")
                guard let values = series["values"], !(values is NSNull) else {
                    if hasHistogram { continue }
                    throw .shape(field: valuesPath, reason: "missing")
                }
                guard let list = values as? [Any] else {
                    throw .shape(field: valuesPath, reason: "expected an array of [time, \"value\"] pairs, got \(FeedJSON.typeName(values))")
                }
                var points: [PromPoint] = []
                points.reserveCapacity(list.count)
                for (j, sample) in list.enumerated() {
                    points.append(try point(sample, FeedJSON.index(valuesPath, j)))
                }
                out.append(PromSeries(labels: labels, points: points))
            }
        }
        return out
    }

    private static func labelSet(_ value: Any?, _ path: String) throws(PromQueryError) -> [String: String] {
        guard let value, !(value is NSNull) else { return [:] }
        guard let object = value as? [String: Any] else {
            throw .shape(field: path, reason: "expected an object of labels, got \(FeedJSON.typeName(value))")
        }
        var labels: [String: String] = [:]
        for (name, labelValue) in object {
            guard let s = labelValue as? String else {
                throw .shape(field: FeedJSON.member(path, name), reason: "expected a string, got \(FeedJSON.typeName(labelValue))")
            }
            labels[name] = s
        }
        return InertText.clean(labels)
    }

    /// `[time, "value"]`.
    private static func point(_ value: Any, _ path: String) throws(PromQueryError) -> PromPoint {
        let (time, raw) = try pair(value, path)
        guard let text = raw as? String else {
            throw .shape(
                field: FeedJSON.index(path, 1),
                reason: "expected the sample value as a string like \"0.25\", got \(FeedJSON.typeName(raw))")
        }
        guard let number = FeedJSON.goFloat(text) else {
            throw .shape(field: FeedJSON.index(path, 1), reason: "not a number: \(FeedJSON.quoted(text, limit: 40))")
        }
        return PromPoint(time: time, value: number)
    }

    /// `[time, anything]` with time a finite JSON number of unix seconds.
    private static func pair(_ value: Any, _ path: String) throws(PromQueryError) -> (Double, Any) {
        guard let array = value as? [Any] else {
            throw .shape(field: path, reason: "expected [time, \"value\"], got \(FeedJSON.typeName(value))")
        }
        guard array.count == 2 else {
            throw .shape(field: path, reason: "expected [time, \"value\"], got an array of \(array.count) element\(array.count == 1 ? "" : "s")")
        }
        guard let time = FeedJSON.number(array[0]) else {
            throw .shape(field: FeedJSON.index(path, 0), reason: "expected a time in unix seconds (a number), got \(FeedJSON.typeName(array[0]))")
        }
        guard time.isFinite else {
            throw .shape(field: FeedJSON.index(path, 0), reason: "the time is not a finite number")
        }
        return (time, array[1])
    }
}
