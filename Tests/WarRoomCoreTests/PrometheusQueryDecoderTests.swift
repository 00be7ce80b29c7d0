import Foundation
import Testing
import WarRoomTestSupport

@testable import WarRoomCore

@Suite("Prometheus query API decoder")
struct PrometheusQueryDecoderTests {
    func decode(_ json: String, status: Int = 200) throws(PromQueryError) -> PromResponse {
        try PrometheusQueryDecoder.decode(Data(json.utf8), httpStatus: status)
    }

    /// The error a body gives, or nil when it decodes.
    func failure(_ json: String, status: Int = 200) -> PromQueryError? {
        do {
            _ = try decode(json, status: status)
            return nil
        } catch {
            return error
        }
    }

    /// A vector answer with these raw JSON sample values.
    func vector(_ values: [String]) -> String {
        let series = values.enumerated().map { i, v in
            #"{"metric":{"instance":"host-\#(i)"},"value":[1700000000.5,\#(v)]}"#
        }
        return #"{"status":"success","data":{"resultType":"vector","result":["# + series.joined(separator: ",") + "]}}"
    }

    // MARK: Result types

    @Test("the documented instant query answer: a vector of two series")
    func docsVector() throws {
        let r = try decode(
            """
            {
               "status" : "success",
               "data" : {
                  "resultType" : "vector",
                  "result" : [
                     {
                        "metric" : { "__name__" : "up", "job" : "prometheus", "instance" : "localhost:9090" },
                        "value": [ 1435781451.781, "1" ]
                     },
                     {
                        "metric" : { "__name__" : "up", "job" : "node", "instance" : "localhost:9100" },
                        "value" : [ 1435781451.781, "0" ]
                     }
                  ]
               }
            }
            """)
        #expect(
            r.result
                == .vector([
                    PromSeries(
                        labels: ["__name__": "up", "job": "prometheus", "instance": "localhost:9090"],
                        points: [PromPoint(time: 1435781451.781, value: 1)]),
                    PromSeries(
                        labels: ["__name__": "up", "job": "node", "instance": "localhost:9100"],
                        points: [PromPoint(time: 1435781451.781, value: 0)]),
                ]))
        #expect(r.warnings.isEmpty && r.infos.isEmpty && r.skippedHistograms == 0)
    }

    @Test("the documented range query answer: a matrix, points in order")
    func docsMatrix() throws {
        let r = try decode(
            """
            {
               "status" : "success",
               "data" : {
                  "resultType" : "matrix",
                  "result" : [
                     {
                        "metric" : { "__name__" : "up", "job" : "prometheus", "instance" : "localhost:9090" },
                        "values" : [ [ 1435781430.781, "1" ], [ 1435781445.781, "1" ], [ 1435781460.781, "1" ] ]
                     },
                     {
                        "metric" : { "__name__" : "up", "job" : "node", "instance" : "localhost:9091" },
                        "values" : [ [ 1435781430.781, "0" ], [ 1435781445.781, "0" ], [ 1435781460.781, "1" ] ]
                     }
                  ]
               }
            }
            """)
        guard case .matrix(let series) = r.result else {
            Issue.record("expected a matrix, got \(r.result)")
            return
        }
        #expect(series.count == 2)
        #expect(series[1].labels["instance"] == "localhost:9091")
        #expect(series[1].points.map(\.value) == [0, 0, 1])
        #expect(series[0].points.map(\.time) == [1435781430.781, 1435781445.781, 1435781460.781])
    }

    @Test("scalar and string results")
    func scalarAndString() throws {
        let s = try decode(#"{"status":"success","data":{"resultType":"scalar","result":[1435781451.781,"42.5"]}}"#)
        #expect(s.result == .scalar(PromPoint(time: 1435781451.781, value: 42.5)))
        let t = try decode(#"{"status":"success","data":{"resultType":"string","result":[1435781451,"hello \"world\""]}}"#)
        #expect(t.result == .string(time: 1_435_781_451, value: "hello \"world\""))
    }

    @Test("an empty vector and a null result are both empty")
    func emptyResults() throws {
        #expect(try decode(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#).result == .vector([]))
        #expect(try decode(#"{"status":"success","data":{"resultType":"vector","result":null}}"#).result == .vector([]))
        #expect(try decode(#"{"status":"success","data":{"resultType":"matrix","result":null}}"#).result == .matrix([]))
    }

    @Test("a series without labels (after aggregation) or without \"metric\" has no labels")
    func noLabels() throws {
        let r = try decode(#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"3"]},{"value":[1,"4"]}]}}"#)
        #expect(
            r.result
                == .vector([
                    PromSeries(labels: [:], points: [PromPoint(time: 1, value: 3)]),
                    PromSeries(labels: [:], points: [PromPoint(time: 1, value: 4)]),
                ]))
    }

    // MARK: Sample values

    @Test(
        "sample values parse as Go's ParseFloat does",
        arguments: [
            ("\"1\"", 1.0), ("\"0.25\"", 0.25), ("\"-0.25\"", -0.25), ("\"+3\"", 3), ("\"1e-3\"", 0.001),
            ("\"1.5E+2\"", 150), ("\".5\"", 0.5), ("\"5.\"", 5), ("\"0x1p-2\"", 0.25), ("\"123456789012\"", 123_456_789_012),
            ("\"+Inf\"", .infinity), ("\"-Inf\"", -.infinity), ("\"Inf\"", .infinity), ("\"inf\"", .infinity),
            ("\"Infinity\"", .infinity), ("\"-infinity\"", -.infinity), ("\"0\"", 0), ("\"-0\"", 0),
        ])
    func values(raw: String, expected: Double) throws {
        let r = try decode(vector([raw]))
        #expect(try PrometheusQueryDecoder.single(r) == expected)
    }

    @Test("NaN is a value, returned as it is")
    func nan() throws {
        for raw in ["\"NaN\"", "\"nan\""] {
            let value = try PrometheusQueryDecoder.single(try decode(vector([raw])))
            #expect(value?.isNaN == true)
        }
        // NaN points compare equal, so results can be compared.
        #expect(PromPoint(time: 1, value: .nan) == PromPoint(time: 1, value: .nan))
        #expect(PromPoint(time: 1, value: .nan) != PromPoint(time: 1, value: 1))
    }

    @Test(
        "a sample value that is not a number names its path",
        arguments: [
            "\"\"", "\"abc\"", "\"1,5\"", "\" 1\"", "\"1 \"", "\"0x10\"", "\"1e\"", "\"+-1\"", "\"--1\"",
            "\"+NaN\"", "\"1_000\"", "\"1.2.3\"", "\".\"", "\"e5\"", "\"١\"",
        ])
    func badValues(raw: String) {
        let error = failure(vector(["\"1\"", "\"2\"", "\"3\"", raw]))
        guard case .shape(let field, let reason) = error else {
            Issue.record("expected a shape error, got \(String(describing: error))")
            return
        }
        #expect(field == "data.result[3].value[1]")
        #expect(reason.hasPrefix("not a number: \""))
    }

    @Test(
        "wrong types name the field",
        arguments: [
            (#"[1,2]"#, "", "expected a JSON object at the top, got an array"),
            (#"{"data":{}}"#, "status", "missing"),
            (#"{"status":true}"#, "status", "expected a string, got a boolean"),
            (#"{"status":"partial"}"#, "status", #"expected "success" or "error", got "partial""#),
            (#"{"status":"success"}"#, "data", "missing"),
            (#"{"status":"success","data":null}"#, "data", "missing"),
            (#"{"status":"success","data":[]}"#, "data", "expected an object, got an array"),
            (#"{"status":"success","data":{"result":[]}}"#, "data.resultType", "missing"),
            (#"{"status":"success","data":{"resultType":7,"result":[]}}"#, "data.resultType", "expected a string, got a number"),
            (#"{"status":"success","data":{"resultType":"vector"}}"#, "data.result", "missing"),
            (
                #"{"status":"success","data":{"resultType":"histogram","result":[]}}"#, "data.resultType",
                #"unknown result type "histogram" (expected vector, matrix, scalar or string)"#
            ),
            (#"{"status":"success","data":{"resultType":"vector","result":{}}}"#, "data.result", "expected an array of series, got an object"),
            (#"{"status":"success","data":{"resultType":"vector","result":[7]}}"#, "data.result[0]", "expected an object, got a number"),
            (#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{}}]}}"#, "data.result[0].value", "missing"),
            (
                #"{"status":"success","data":{"resultType":"vector","result":[{"metric":[],"value":[1,"1"]}]}}"#,
                "data.result[0].metric", "expected an object of labels, got an array"
            ),
            (
                #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":1},"value":[1,"1"]}]}}"#,
                "data.result[0].metric.job", "expected a string, got a number"
            ),
            (
                #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"service.name":null},"value":[1,"1"]}]}}"#,
                #"data.result[0].metric["service.name"]"#, "expected a string, got null"
            ),
            (
                #"{"status":"success","data":{"resultType":"vector","result":[{"value":"1"}]}}"#,
                "data.result[0].value", #"expected [time, "value"], got a string"#
            ),
            (
                #"{"status":"success","data":{"resultType":"vector","result":[{"value":[1,"1",2]}]}}"#,
                "data.result[0].value", #"expected [time, "value"], got an array of 3 elements"#
            ),
            (
                #"{"status":"success","data":{"resultType":"vector","result":[{"value":[1]}]}}"#,
                "data.result[0].value", #"expected [time, "value"], got an array of 1 element"#
            ),
            (
                #"{"status":"success","data":{"resultType":"vector","result":[{"value":["1","1"]}]}}"#,
                "data.result[0].value[0]", "expected a time in unix seconds (a number), got a string"
            ),
            (
                #"{"status":"success","data":{"resultType":"vector","result":[{"value":[true,"1"]}]}}"#,
                "data.result[0].value[0]", "expected a time in unix seconds (a number), got a boolean"
            ),
            (
                #"{"status":"success","data":{"resultType":"vector","result":[{"value":[1,0.5]}]}}"#,
                "data.result[0].value[1]", #"expected the sample value as a string like "0.25", got a number"#
            ),
            (
                #"{"status":"success","data":{"resultType":"vector","result":[{"value":[1,null]}]}}"#,
                "data.result[0].value[1]", #"expected the sample value as a string like "0.25", got null"#
            ),
            (#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{}}]}}"#, "data.result[0].values", "missing"),
            (
                #"{"status":"success","data":{"resultType":"matrix","result":[{"values":{}}]}}"#,
                "data.result[0].values", #"expected an array of [time, "value"] pairs, got an object"#
            ),
            (
                #"{"status":"success","data":{"resultType":"matrix","result":[{"values":[[1,"1"],[2,"2"],[3,true]]}]}}"#,
                "data.result[0].values[2][1]", #"expected the sample value as a string like "0.25", got a boolean"#
            ),
            (#"{"status":"success","data":{"resultType":"scalar","result":"1"}}"#, "data.result", #"expected [time, "value"], got a string"#),
            (#"{"status":"success","data":{"resultType":"string","result":[1,2]}}"#, "data.result[1]", "expected a string, got a number"),
            (
                #"{"status":"success","warnings":"slow","data":{"resultType":"vector","result":[]}}"#,
                "warnings", "expected an array of strings, got a string"
            ),
            (#"{"status":"success","infos":[1],"data":{"resultType":"vector","result":[]}}"#, "infos[0]", "expected a string, got a number"),
        ])
    func shapes(json: String, field: String, reason: String) {
        #expect(failure(json) == .shape(field: field, reason: reason))
    }

    @Test("the message of a shape error names the field")
    func shapeMessage() {
        let error = failure(vector(["\"1\"", "\"2\"", "\"3\"", "0.5"]))
        #expect(
            error?.description
                == #"unexpected Prometheus answer: data.result[3].value[1]: expected the sample value as a string like "0.25", got a number"#)
    }

    // MARK: Errors from Prometheus and from what is in front of it

    @Test(
        "the error envelope is reported with its type and message, whatever the HTTP status",
        arguments: [
            (400, "bad_data", #"1:8: parse error: unexpected \"}\" in aggregation"#, "check the PromQL expression"),
            (422, "execution", "found duplicate series for the match group {instance=\\\"a\\\"} on the right hand-side", "failed while running"),
            (503, "timeout", "query timed out in expression evaluation", "took too long"),
            (503, "unavailable", "Service Unavailable", "not ready"),
            (499, "canceled", "context canceled", "canceled"),
            (500, "internal", "something broke", "internal"),
            (200, "execution", "query processing would load too many samples into memory in query execution", "failed while running"),
        ])
    func serverErrors(status: Int, type: String, message: String, hint: String) {
        let json = #"{"status":"error","errorType":"\#(type)","error":"\#(message)"}"#
        let error = failure(json, status: status)
        guard case .server(let errorType, let text, let httpStatus) = error else {
            Issue.record("expected a server error, got \(String(describing: error))")
            return
        }
        #expect(errorType == type)
        #expect(httpStatus == status)
        #expect(!text.isEmpty && !text.contains("\\\""))
        let description = error?.description ?? ""
        #expect(description.hasPrefix("Prometheus error \(type) (HTTP \(status)): "))
        #expect(description.contains(hint))
    }

    @Test("HTTP 200 with status error is an error, with the data alongside ignored")
    func errorInside200() {
        let error = failure(
            #"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:1: parse error: unexpected end of input","data":{"resultType":"vector","result":[]}}"#
        )
        #expect(
            error
                == .server(
                    errorType: "bad_data",
                    message: #"invalid parameter "query": 1:1: parse error: unexpected end of input"#,
                    httpStatus: 200))
        #expect(
            error?.description
                == #"Prometheus error bad_data (HTTP 200): invalid parameter "query": 1:1: parse error: unexpected end of input — check the PromQL expression and the query parameters"#
        )
    }

    @Test("an error envelope without type or message still says so; multi-line messages become one line")
    func sparseErrorEnvelope() {
        #expect(failure(#"{"status":"error"}"#, status: 400) == .server(errorType: "", message: "(no message)", httpStatus: 400))
        #expect(failure(#"{"status":"error"}"#, status: 400)?.description == "Prometheus error unknown (HTTP 400): (no message)")
        #expect(
            failure(#"{"status":"error","errorType":"bad_data","error":"line 1\nline 2\u001b[31m red"}"#, status: 400)
                == .server(errorType: "bad_data", message: "line 1 line 2 [31m red", httpStatus: 400))
    }

    @Test("a proxy's HTML 502 says HTTP 502 and the cleaned start of the body")
    func proxy502() {
        let html = """
            <html>\r
            <head><title>502 Bad Gateway</title></head>\r
            <body>\r
            <center><h1>502 Bad Gateway</h1></center>\r
            <hr><center>nginx/1.25.3</center>\r
            </body>\r
            </html>\r
            """ + String(repeating: "<!-- a padding to disable MSIE and Chrome friendly error page -->\n", count: 6)
        let error = failure(html, status: 502)
        guard case .http(let status, let body) = error else {
            Issue.record("expected an HTTP error, got \(String(describing: error))")
            return
        }
        #expect(status == 502)
        #expect(body.hasPrefix("<html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1>"))
        #expect(body.count == 201 && body.hasSuffix("…"))
        #expect(!body.contains("\r") && !body.contains("\n"))
        let description = error?.description ?? ""
        #expect(
            description.hasPrefix(
                "HTTP 502 from Prometheus, and the body is not a Prometheus answer (Prometheus, or a proxy in front of it, is down or overloaded): <html>"
            ))
    }

    @Test(
        "HTTP errors with JSON that is not Prometheus', or an empty body, or terminal escapes",
        arguments: [
            (503, #"{"message":"no healthy upstream"}"#, #"{"message":"no healthy upstream"}"#),
            (404, "404 page not found\n", "404 page not found"),
            (401, "", "(empty body)"),
            (504, "upstream \u{1b}[2Jtimed\tout\u{7}", "upstream [2Jtimed out"),
            (
                500, #"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
                #"{"status":"success","data":{"resultType":"vector","result":[]}}"#
            ),
        ])
    func httpErrors(status: Int, body: String, shown: String) {
        #expect(failure(body, status: status) == .http(status: status, body: shown))
    }

    @Test("HTTP error hints for credentials and wrong URLs")
    func httpHints() {
        #expect(
            failure("denied", status: 403)?.description
                == "HTTP 403 from Prometheus, and the body is not a Prometheus answer (check the credentials): denied")
        #expect(failure("nope", status: 404)?.description.contains("check the base URL") == true)
        #expect(failure("teapot", status: 418)?.description == "HTTP 418 from Prometheus, and the body is not a Prometheus answer: teapot")
    }

    @Test("a success status with a body that is not JSON")
    func notJSON() {
        let error = failure("<html>maintenance</html>")
        guard case .invalidJSON(let reason, let body) = error else {
            Issue.record("expected invalid JSON, got \(String(describing: error))")
            return
        }
        #expect(!reason.isEmpty)
        #expect(body == "<html>maintenance</html>")
        #expect(error?.description.hasPrefix("the Prometheus answer is not valid JSON (") == true)
        #expect(error?.description.hasSuffix("); it starts with: <html>maintenance</html>") == true)
        #expect(failure("") != nil)
        #expect(failure(#"{"status":"success","data":{"#) != nil)
    }

    // MARK: Tolerance

    @Test("warnings and infos are read")
    func warnings() throws {
        let r = try decode(
            """
            {"status":"success","data":{"resultType":"vector","result":[]},
             "warnings":["PromQL warning: encountered a mix of histograms and floats for metric name \\"x\\""],
             "infos":["PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \\"y\\""]}
            """)
        #expect(r.warnings == [#"PromQL warning: encountered a mix of histograms and floats for metric name "x""#])
        #expect(r.infos.count == 1 && r.infos[0].hasPrefix("PromQL info:"))
        let nulls = try decode(#"{"status":"success","warnings":null,"infos":null,"data":{"resultType":"vector","result":[]}}"#)
        #expect(nulls.warnings.isEmpty && nulls.infos.isEmpty)
    }

    @Test("unknown keys are ignored everywhere")
    func unknownKeys() throws {
        let r = try decode(
            """
            {"status":"success","future":{"x":1},"stats":{"timings":{"evalTotalTime":0.01}},
             "data":{"resultType":"vector","extra":[1,2],"result":[
               {"metric":{"job":"api"},"value":[1700000000,"0.5"],"annotations":{"a":1},"newField":true}
             ]}}
            """)
        #expect(r.result == .vector([PromSeries(labels: ["job": "api"], points: [PromPoint(time: 1_700_000_000, value: 0.5)])]))
    }

    @Test("unicode in label names and values")
    func unicodeLabels() throws {
        let r = try decode(
            """
            {"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"__name__":"http_requests_total","path":"/café/日本","service.name":"checkout-🚀","😀":"yes"},
               "value":[1700000000,"12"]}]}}
            """)
        guard case .vector(let series) = r.result, let first = series.first else {
            Issue.record("expected one series")
            return
        }
        #expect(first.labels == ["__name__": "http_requests_total", "path": "/café/日本", "service.name": "checkout-🚀", "😀": "yes"])
        #expect(
            PrometheusQueryDecoder.render(first.labels)
                == #"http_requests_total{path="/café/日本", service.name="checkout-🚀", 😀="yes"}"#)
    }

    @Test("native histograms are skipped and counted, not read and not fatal")
    func histograms() throws {
        let histogram = #"{"count":"3","sum":"1.2","buckets":[[1,"-0.001","0.001","2"],[0,"0.5","1","1"]]}"#
        let vector = try decode(
            """
            {"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"le":"x"},"histogram":[1700000000,\(histogram)]},
              {"metric":{"job":"api"},"value":[1700000000,"7"]}]}}
            """)
        #expect(vector.result == .vector([PromSeries(labels: ["job": "api"], points: [PromPoint(time: 1_700_000_000, value: 7)])]))
        #expect(vector.skippedHistograms == 1)

        let matrix = try decode(
            """
            {"status":"success","data":{"resultType":"matrix","result":[
              {"metric":{"a":"1"},"histograms":[[1700000000,\(histogram)],[1700000015,\(histogram)]]},
              {"metric":{"a":"2"},"values":[[1700000000,"1"]],"histograms":[[1700000015,\(histogram)]]}]}}
            """)
        #expect(matrix.result == .matrix([PromSeries(labels: ["a": "2"], points: [PromPoint(time: 1_700_000_000, value: 1)])]))
        #expect(matrix.skippedHistograms == 2)

        let only = try decode(
            """
            {"status":"success","data":{"resultType":"vector","result":[{"metric":{},"histogram":[1700000000,\(histogram)]}]}}
            """)
        #expect(throws: PromQueryError.self) { try PrometheusQueryDecoder.single(only) }
        #expect(failureOfSingle(only)?.description.contains("histogram_quantile(") == true)
    }

    @Test("never crashes: every prefix of an answer, and bytes that are not text")
    func robustness() {
        let json =
            #"{"status":"success","warnings":["w"],"data":{"resultType":"matrix","result":[{"metric":{"a":"é"},"values":[[1.5,"NaN"],[2,"+Inf"]]}]}}"#
        let bytes = Array(json.utf8)
        var decoded = 0
        for n in 0 ... bytes.count {
            for status in [200, 502] {
                if (try? PrometheusQueryDecoder.decode(Data(bytes[0 ..< n]), httpStatus: status)) != nil { decoded += 1 }
            }
        }
        #expect(decoded == 1)
        var generator = SplitMix(seed: 42)
        for _ in 0 ..< 200 {
            let noise = (0 ..< Int(generator.next() % 64)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let error = failure(String(decoding: noise, as: UTF8.self), status: 200)
            #expect(error != nil)
            #expect((try? PrometheusQueryDecoder.decode(Data(noise), httpStatus: 502)) == nil)
        }
        // Deep nesting and huge numbers.
        #expect(failure(String(repeating: "[", count: 10_000)) != nil)
        #expect(failure(String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)) != nil)
        #expect(
            failure(#"{"status":"success","data":"# + String(repeating: #"{"a":"#, count: 5_000) + "1" + String(repeating: "}", count: 5_001)) != nil)
        #expect(failure(#"{"status":"success","data":{"resultType":"scalar","result":[1e999,"1"]}}"#) != nil)
    }

    // MARK: single

    func failureOfSingle(_ response: PromResponse) -> PromQueryError? {
        do {
            _ = try PrometheusQueryDecoder.single(response)
            return nil
        } catch {
            return error
        }
    }

    @Test("single: a scalar, one series, or no data")
    func single() throws {
        #expect(try PrometheusQueryDecoder.single(PromResponse(result: .scalar(PromPoint(time: 1, value: 2.5)))) == 2.5)
        #expect(try PrometheusQueryDecoder.single(PromResponse(result: .vector([]))) == nil)
        let one = PromResponse(result: .vector([PromSeries(labels: ["job": "api"], points: [PromPoint(time: 1, value: 0.03)])]))
        #expect(try PrometheusQueryDecoder.single(one) == 0.03)
        let inf = PromResponse(result: .vector([PromSeries(labels: [:], points: [PromPoint(time: 1, value: -.infinity)])]))
        #expect(try PrometheusQueryDecoder.single(inf) == -.infinity)
    }

    @Test("single: several series is an error showing the first two label sets and how to aggregate")
    func singleTooMany() throws {
        let r = try decode(
            """
            {"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"__name__":"up","job":"api","instance":"a:9090"},"value":[1,"1"]},
              {"metric":{"job":"api","instance":"b:9090"},"value":[1,"0"]},
              {"metric":{"job":"api","instance":"c:9090"},"value":[1,"1"]}]}}
            """)
        let error = failureOfSingle(r)
        #expect(
            error
                == .tooManySeries(
                    count: 3,
                    first: [
                        ["__name__": "up", "job": "api", "instance": "a:9090"], ["job": "api", "instance": "b:9090"],
                    ]))
        #expect(
            error?.description
                == #"expected one series, got 3: up{instance="a:9090", job="api"}, {instance="b:9090", job="api"}, …; aggregate the query to one number, e.g. with sum(…) or max(…)"#
        )
        let two = PromResponse(
            result: .vector([
                PromSeries(labels: ["a": "1"], points: [PromPoint(time: 1, value: 1)]),
                PromSeries(labels: ["a": "2\n\u{1b}"], points: [PromPoint(time: 1, value: 2)]),
            ]))
        #expect(
            failureOfSingle(two)?.description
                == #"expected one series, got 2: {a="1"}, {a="2\n\x1b"}; aggregate the query to one number, e.g. with sum(…) or max(…)"#)
    }

    @Test("single: a range result or a string is not one number")
    func singleWrongKind() {
        let matrix = PromResponse(result: .matrix([PromSeries(labels: [:], points: [PromPoint(time: 1, value: 1)])]))
        #expect(failureOfSingle(matrix)?.description.contains("range result (matrix)") == true)
        let string = PromResponse(result: .string(time: 1, value: "up"))
        #expect(failureOfSingle(string) == .notANumber(reason: #"expected a number, got the string "up""#))
    }

    // MARK: URLs

    @Test("query URLs percent-encode the expression; + becomes %2B")
    func queryURL() {
        let expression = #"sum(rate(http_requests_total{code=~"5..",path!="/a b"}[5m])) / sum(rate(x[5m])) + 1 & a=b #c %d ?e é"#
        let url = PrometheusQueryDecoder.queryURL(base: "http://prometheus:9090/", expression: expression, time: 1700000000.5)
        #expect(
            url == "http://prometheus:9090/api/v1/query?query="
                + "sum%28rate%28http_requests_total%7Bcode%3D~%225..%22%2Cpath%21%3D%22%2Fa%20b%22%7D%5B5m%5D%29%29"
                + "%20%2F%20sum%28rate%28x%5B5m%5D%29%29%20%2B%201%20%26%20a%3Db%20%23c%20%25d%20%3Fe%20%C3%A9"
                + "&time=1700000000.5")
        #expect(
            PrometheusQueryDecoder.queryURL(base: "http://p:9090", expression: "up", time: nil)
                == "http://p:9090/api/v1/query?query=up")
        #expect(
            PrometheusQueryDecoder.queryURL(base: "https://h/prom//", expression: "a+b", time: 1_700_000_000)
                == "https://h/prom/api/v1/query?query=a%2Bb&time=1700000000")
    }

    @Test("range URLs carry start, end and step in seconds, never in exponent form")
    func rangeURL() {
        let url = PrometheusQueryDecoder.rangeURL(
            base: "http://p:9090", expression: "rate(x[1m])",
            start: 1_700_000_000, end: 1700003600.25, step: 15)
        #expect(url == "http://p:9090/api/v1/query_range?query=rate%28x%5B1m%5D%29&start=1700000000&end=1700003600.25&step=15")
        #expect(
            PrometheusQueryDecoder.rangeURL(base: "http://p", expression: "x", start: 0, end: 1, step: 0.5)
                == "http://p/api/v1/query_range?query=x&start=0&end=1&step=0.5")
    }

    @Test("percent-encoding round-trips through Foundation")
    func percentRoundTrip() {
        let texts = ["a+b c&d=e#f%g?h/i", "日本語 🚀", "~-._", "\u{0}\n\t"]
        for text in texts {
            let encoded = PrometheusQueryDecoder.percentEncoded(text)
            #expect(encoded.removingPercentEncoding == text)
            #expect(encoded.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._~%".contains($0)) })
        }
    }
}
