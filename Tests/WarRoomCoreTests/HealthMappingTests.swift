import Foundation
import Testing

@testable import WarRoomCore

@Suite("JSON paths")
struct JSONPathTests {
    @Test(
        "valid paths",
        arguments: [
            ("$", [JSONPath.Segment]()),
            ("$.a.b", [.name("a"), .name("b")]),
            ("$.checks[2].latency_ms", [.name("checks"), .index(2), .name("latency_ms")]),
            ("$['a.b'][0]", [.name("a.b"), .index(0)]),
            (#"$["x y"]["z"]"#, [.name("x y"), .name("z")]),
            (#"$['it\'s']"#, [.name("it's")]),
            (#"$["say \"hi\" \\ bye"]"#, [.name(#"say "hi" \ bye"#)]),
            (#"$['"']"#, [.name("\"")]),
            ("$['']", [.name("")]),
            ("$.café.日本", [.name("café"), .name("日本")]),
            ("$.error-rate.p95", [.name("error-rate"), .name("p95")]),
            ("$[0][10]", [.index(0), .index(10)]),
            ("$.a[007]", [.name("a"), .index(7)]),
        ])
    func valid(text: String, segments: [JSONPath.Segment]) throws {
        let path = try JSONPath(text)
        #expect(path.segments == segments)
        #expect(path.description == text)
    }

    @Test(
        "parse errors say the column and what was expected",
        arguments: [
            ("$.a..b", "$.a..b: column 4: expected a name after '.' (recursive descent '..' is not supported)"),
            ("", ": column 1: expected '$' at the start, got an empty path"),
            ("a.b", "a.b: column 1: expected '$' at the start, got 'a'"),
            (" $.a", " $.a: column 1: expected '$' at the start, got U+0020"),
            ("$.", "$.: column 2: expected a name after '.'"),
            ("$.*", "$.*: column 2: expected a name after '.' (wildcards are not supported)"),
            ("$a", "$a: column 2: expected '.' or '[', got 'a'"),
            ("$.a b", "$.a b: column 4: expected '.' or '[', got U+0020"),
            ("$.a.b ", "$.a.b : column 6: expected '.' or '[', got U+0020"),
            ("$[", "$[: column 2: expected an index or a quoted name after '['"),
            ("$[-1]", "$[-1]: column 2: expected a non-negative index or a quoted name after '['"),
            ("$[*]", "$[*]: column 2: expected an index or a quoted name after '[' (wildcards are not supported)"),
            ("$[?(@.a)]", "$[?(@.a)]: column 2: expected an index or a quoted name after '[' (filters are not supported)"),
            ("$[name]", "$[name]: column 2: expected an index or a quoted name after '['"),
            ("$['a", "$['a: column 3: unterminated quoted name: missing the closing '"),
            (#"$["a\"]"#, #"$["a\"]: column 3: unterminated quoted name: missing the closing ""#),
            ("$['a'", "$['a': column 6: expected ']' after the quoted name"),
            ("$['a'x]", "$['a'x]: column 6: expected ']' after the quoted name"),
            (#"$['a\n']"#, #"$['a\n']: column 5: unknown escape '\n' (only \', \" and \\ are allowed)"#),
            ("$[1", "$[1: column 4: expected ']' after the index"),
            ("$[1a]", "$[1a]: column 4: expected ']' after the index"),
            ("$[1:2]", "$[1:2]: column 4: expected ']' after the index"),
            ("$[99999999999999999999]", "$[99999999999999999999]: column 3: the index is too large"),
            ("$.a]", "$.a]: column 4: expected '.' or '[', got ']'"),
            ("$.é\u{1b}", "$.é\u{1b}: column 4: expected '.' or '[', got U+001B"),
        ])
    func errors(text: String, message: String) {
        do {
            _ = try JSONPath(text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.description == message.replacingOccurrences(of: "\u{1b}", with: "\u{FFFD}"))
        }
    }

    let document: Any =
        [
            "a": ["b": 1.5, "n": NSNull(), "list": [10, 20, ["deep": "x"]]] as [String: Any],
            "dotted.key": 7,
        ] as [String: Any]

    @Test("select: a value, JSON null, or nothing")
    func select() throws {
        func pick(_ text: String) throws -> Any?? { try JSONPath(text).select(in: document) }
        #expect(try (pick("$.a.b") ?? nil) as? Double == 1.5)
        #expect(try (pick("$['dotted.key']") ?? nil) as? Int == 7)
        #expect(try (pick("$.a.list[2].deep") ?? nil) as? String == "x")
        #expect(try (pick("$") ?? nil) is [String: Any])
        // JSON null: present, but nil inside.
        let null = try pick("$.a.n")
        #expect(null != nil)
        #expect(null.flatMap { $0 } == nil)
        // Missing: nil outside.
        for missing in ["$.x", "$.a.list[3]", "$.a.b.c", "$.a[0]", "$.a.list.b", "$.a.n.x", "$.a.list['0']"] {
            #expect(try pick(missing) == nil, "\(missing)")
        }
    }
}

@Suite("Health mapping")
struct HealthMappingTests {
    func mapping(_ entries: [(SeriesKey, String, Double)]) throws -> HealthMapping {
        var list: [HealthMapping.Entry] = []
        for (key, path, scale) in entries { list.append(try HealthMapping.Entry(key, path, scale: scale)) }
        return HealthMapping(entries: list)
    }

    func failure(_ mapping: HealthMapping, _ json: String) -> HealthMappingFailure? {
        do {
            _ = try mapping.read(Data(json.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test("values are read through paths and scaled into the project's units")
    func scaled() throws {
        let m = try mapping([
            (SeriesKey(.canary, .errorRate), "$.checks.errors.percent", HealthMapping.Scale.percent),
            (SeriesKey(.canary, .latencyAvg), "$.latency['avg ms']", HealthMapping.Scale.milliseconds),
            (SeriesKey(.canary, .latencyP95), "$.latency.p95_ms", 0.001),
            (SeriesKey(.canary, .throughput), "$.rps[0]", HealthMapping.Scale.perSecond),
            (SeriesKey(.stable, .errorRate), "$['stable.errors']", 1),
        ])
        let samples = try m.read(
            Data(
                """
                {"checks":{"errors":{"percent":2.5}},"latency":{"avg ms":120,"p95_ms":"310"},"rps":[20],"stable.errors":0.004}
                """.utf8))
        #expect(
            samples.map(\.key) == [
                SeriesKey(.canary, .errorRate), SeriesKey(.canary, .latencyAvg), SeriesKey(.canary, .latencyP95),
                SeriesKey(.canary, .throughput), SeriesKey(.stable, .errorRate),
            ])
        let expected = [0.025, 0.12, 0.31, 1200, 0.004]
        for (sample, value) in zip(samples, expected) {
            #expect(abs(sample.value - value) < 1e-12, "\(sample.key)")
        }
    }

    @Test("a missing path or JSON null is no data, not an error")
    func noData() throws {
        let m = try mapping([
            (SeriesKey(.canary, .errorRate), "$.a.rate", 1),
            (SeriesKey(.canary, .throughput), "$.b", 1),
            (SeriesKey(.stable, .throughput), "$.c[5]", 1),
            (SeriesKey(.stable, .latencyAvg), "$.d", 1),
        ])
        let samples = try m.read(Data(#"{"a":{"rate":null},"b":null,"c":[1],"d":0}"#.utf8))
        #expect(samples == [Sample(SeriesKey(.stable, .latencyAvg), 0)])
        #expect(try HealthMapping(entries: []).read(Data("{}".utf8)).isEmpty)
    }

    @Test("the whole document can be the number")
    func root() throws {
        let m = try mapping([(SeriesKey(.stable, .throughput), "$", 1)])
        #expect(try m.read(Data("42".utf8)) == [Sample(SeriesKey(.stable, .throughput), 42)])
    }

    @Test(
        "bad values name the key and path",
        arguments: [
            (#"{"x":true}"#, 1.0, "canary error_rate at $.x: expected a number, got a boolean"),
            (#"{"x":false}"#, 1.0, "canary error_rate at $.x: expected a number, got a boolean"),
            (#"{"x":"abc"}"#, 1.0, #"canary error_rate at $.x: expected a number, got the string "abc""#),
            (#"{"x":" 0.25"}"#, 1.0, #"canary error_rate at $.x: expected a number, got the string " 0.25""#),
            (#"{"x":"0.25%"}"#, 1.0, #"canary error_rate at $.x: expected a number, got the string "0.25%""#),
            (#"{"x":{}}"#, 1.0, "canary error_rate at $.x: expected a number, got an object"),
            (#"{"x":[0.1]}"#, 1.0, "canary error_rate at $.x: expected a number, got an array"),
            (#"{"x":"NaN"}"#, 1.0, "canary error_rate at $.x: not a finite number (nan)"),
            (#"{"x":"-Inf"}"#, 1.0, "canary error_rate at $.x: not a finite number (-inf)"),
            (#"{"x":-0.1}"#, 1.0, "canary error_rate at $.x: must not be negative, got -0.1"),
            (
                #"{"x":5}"#, 1.0,
                "canary error_rate at $.x: an error rate must be a fraction between 0 and 1, got 5.0; it looks like a percentage: set `unit: percent`"
            ),
            (
                #"{"x":"100"}"#, 1.0,
                "canary error_rate at $.x: an error rate must be a fraction between 0 and 1, got 100.0; it looks like a percentage: set `unit: percent`"
            ),
            (#"{"x":150}"#, 1.0, "canary error_rate at $.x: an error rate must be a fraction between 0 and 1, got 150.0"),
            (#"{"x":250}"#, 0.01, "canary error_rate at $.x: an error rate must be a fraction between 0 and 1, got 2.5 (250.0 × 0.01)"),
            (#"{"x":0.5}"#, 0.0, "canary error_rate at $.x: the scale must be a positive number, got 0.0"),
            (#"{"x":0.5}"#, -1.0, "canary error_rate at $.x: the scale must be a positive number, got -1.0"),
        ])
    func badValues(json: String, scale: Double, message: String) throws {
        let m = try mapping([(SeriesKey(.canary, .errorRate), "$.x", scale)])
        #expect(failure(m, json)?.description == message)
    }

    @Test("an error rate of exactly 0 or 1 is fine; other metrics may exceed 1")
    func bounds() throws {
        let m = try mapping([
            (SeriesKey(.canary, .errorRate), "$.zero", 1), (SeriesKey(.stable, .errorRate), "$.one", 1),
            (SeriesKey(.stable, .latencyP95), "$.big", 1),
        ])
        #expect(try m.read(Data(#"{"zero":0,"one":1,"big":12.5}"#.utf8)).map(\.value) == [0, 1, 12.5])
    }

    @Test("overflow after scaling is an error")
    func overflow() throws {
        let m = try mapping([(SeriesKey(.stable, .throughput), "$.x", 60)])
        #expect(failure(m, #"{"x":1e308}"#)?.description == "stable throughput at $.x: 1e+308 × 60.0 is not a finite number")
    }

    @Test("a body that is not JSON fails as a whole")
    func notJSON() throws {
        let m = try mapping([(SeriesKey(.stable, .throughput), "$.x", 1)])
        let error = failure(m, "<html>down</html>")
        #expect(error?.key == nil)
        #expect(error?.description.hasPrefix("not valid JSON (") == true)
        #expect(error?.description.hasSuffix("it starts with: <html>down</html>") == true)
    }

    @Test("booleans from JSONSerialization are recognised on this platform")
    func booleans() throws {
        let parsed = try JSONSerialization.jsonObject(with: Data("[true, false, 1, 0, 1.5]".utf8)) as? [Any] ?? []
        #expect(parsed.map(FeedJSON.typeName) == ["a boolean", "a boolean", "a number", "a number", "a number"])
        #expect(parsed.map(FeedJSON.number) == [nil, nil, 1, 0, 1.5])
    }
}

@Suite("Shared JSON helpers")
struct FeedJSONTests {
    @Test("cleaning untrusted text for the terminal")
    func clean() {
        #expect(FeedJSON.clean("  a\n\tb\u{1b}[0m  c\u{202E}d  ", limit: 100) == "a b [0m c d")
        #expect(FeedJSON.clean(String(repeating: "é", count: 10), limit: 3) == "ééé…")
        // Zero-width joiners are format characters (InertText): tmux 3.3a and ncurses disagree on a joined emoji's width.
        #expect(FeedJSON.clean("👩‍👩‍👧 ok", limit: 10) == "👩 👩 👧 ok")
        #expect(FeedJSON.excerpt(Data([0xFF, 0xFE, 0x41])) == "\u{FFFD}\u{FFFD}A")
        #expect(FeedJSON.excerpt(Data("\n \n".utf8)) == "(empty body)")
    }

    @Test("field paths quote keys that are not identifiers")
    func paths() {
        #expect(FeedJSON.member("", "a") == "a")
        #expect(FeedJSON.member("x", "b_1") == "x.b_1")
        #expect(FeedJSON.member("x", "1b") == #"x["1b"]"#)
        #expect(FeedJSON.member("x", "a b") == #"x["a b"]"#)
        #expect(FeedJSON.member("x", "") == #"x[""]"#)
        #expect(FeedJSON.member("x", "q\"\n") == #"x["q\"\n"]"#)
    }

    @Test(
        "seconds for URLs",
        arguments: [
            (1700000000.0, "1700000000"), (1700000000.5, "1700000000.5"), (0.25, "0.25"), (15, "15"),
            (1700000000.1234, "1700000000.123"), (-1.5, "-1.5"), (.nan, "0"),
        ])
    func seconds(value: Double, text: String) {
        #expect(FeedJSON.seconds(value) == text)
    }
}
