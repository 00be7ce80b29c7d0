import Foundation
import Testing

@testable import WarRoomCore

@Suite("Alertmanager API v2 decoder")
struct AlertmanagerDecoderTests {
    func decode(_ json: String, status: Int = 200) throws(AlertmanagerDecoder.Failure) -> [AlertmanagerAlert] {
        try AlertmanagerDecoder.decode(Data(json.utf8), httpStatus: status)
    }

    func failure(_ json: String, status: Int = 200) -> AlertmanagerDecoder.Failure? {
        do {
            _ = try decode(json, status: status)
            return nil
        } catch {
            return error
        }
    }

    /// 2026-11-23T16:05:03Z.
    let base: TimeInterval = 1_795_449_903

    /// Two alerts as Alertmanager v0.25 returns them: one firing, one silenced.
    let v025 = """
        [
          {
            "annotations": {
              "description": "5.2% of checkout requests fail (threshold 2%)",
              "runbook_url": "https://runbooks.example/checkout-errors",
              "summary": "Checkout error rate high"
            },
            "endsAt": "2026-11-23T16:10:03.123Z",
            "fingerprint": "4d1a9c8e2f0b7a61",
            "receivers": [ { "name": "pagerduty-sre" }, { "name": "slack-incidents" } ],
            "startsAt": "2026-11-23T16:05:03.123456789Z",
            "status": { "inhibitedBy": [], "silencedBy": [], "state": "active" },
            "updatedAt": "2026-11-23T17:06:03.5+01:00",
            "generatorURL": "http://prometheus:9090/graph?g0.expr=job%3Acheckout_errors%3Aratio5m+%3E+0.02&g0.tab=1",
            "labels": {
              "alertname": "CheckoutErrorRate",
              "job": "checkout",
              "severity": "critical",
              "service": "checkout"
            }
          },
          {
            "annotations": { "description": "Disk 91% full on db-2" },
            "endsAt": "2026-11-23T16:10:03.000Z",
            "fingerprint": "a0b1c2d3e4f50617",
            "receivers": [ { "name": "slack-incidents" } ],
            "startsAt": "2026-11-23T15:00:00Z",
            "status": { "inhibitedBy": [], "silencedBy": [ "c1a6f4ee-9d7b-4f0e-8e2a-2b8f6b1f0d55" ], "state": "suppressed" },
            "updatedAt": "2026-11-23T16:05:03.000Z",
            "generatorURL": "http://prometheus:9090/graph?g0.expr=disk_used_ratio+%3E+0.9",
            "labels": { "alertname": "DiskAlmostFull", "instance": "db-2:9100", "severity": "warning" }
          }
        ]
        """

    @Test("a v0.25 answer with every field")
    func full() throws {
        let alerts = try decode(v025)
        #expect(alerts.count == 2)
        let a = alerts[0]
        #expect(a.fingerprint == "4d1a9c8e2f0b7a61")
        #expect(a.name == "CheckoutErrorRate")
        #expect(a.labels["severity"] == "critical" && a.labels.count == 4)
        #expect(a.annotations["runbook_url"] == "https://runbooks.example/checkout-errors")
        #expect(a.summary == "Checkout error rate high")
        #expect(abs((a.startsAt?.timeIntervalSince1970 ?? 0) - (base + 0.123456789)) < 1e-6)
        #expect(a.endsAt == Date(timeIntervalSince1970: base + 300.123))
        #expect(a.updatedAt == Date(timeIntervalSince1970: base + 60.5))
        #expect(a.generatorURL?.hasPrefix("http://prometheus:9090/graph?") == true)
        #expect(a.receivers == ["pagerduty-sre", "slack-incidents"])
        #expect(a.state == .active && !a.isSilenced && !a.isInhibited && !a.isSuppressed)

        let b = alerts[1]
        #expect(b.name == "DiskAlmostFull")
        #expect(b.summary == "Disk 91% full on db-2")
        #expect(b.state == .suppressed && b.isSilenced && !b.isInhibited && b.isSuppressed)
        #expect(b.silencedBy == ["c1a6f4ee-9d7b-4f0e-8e2a-2b8f6b1f0d55"])
        #expect(b.startsAt == Date(timeIntervalSince1970: base - 3903))
    }

    @Test("a minimal alert with only labels; the fingerprint is derived from them")
    func minimal() throws {
        let alerts = try decode(#"[{"labels":{"alertname":"X"}}]"#)
        #expect(alerts == [AlertmanagerAlert(fingerprint: "d2aef0c389ca78f9", labels: ["alertname": "X"])])
        let a = alerts[0]
        #expect(a.state == .active && a.startsAt == nil && a.endsAt == nil && a.summary == nil && a.receivers.isEmpty)
        #expect(try decode("[]").isEmpty)
    }

    @Test("derived fingerprints are stable, independent of key order, and differ per label set")
    func fingerprints() throws {
        #expect(AlertmanagerDecoder.fingerprint(of: [:]) == "cbf29ce484222325")
        #expect(AlertmanagerDecoder.fingerprint(of: ["alertname": "CheckoutErrorRate", "severity": "critical"]) == "33ab10019fbb7a80")
        let one = try decode(#"[{"labels":{"a":"1","b":"2","c":"3"}}]"#)[0].fingerprint
        let two = try decode(#"[{"labels":{"c":"3","a":"1","b":"2"},"fingerprint":""}]"#)[0].fingerprint
        #expect(one == two)
        #expect(one.count == 16 && one.allSatisfy(\.isHexDigit))
        // The separators keep "a"="bc" apart from "ab"="c".
        #expect(AlertmanagerDecoder.fingerprint(of: ["a": "bc"]) != AlertmanagerDecoder.fingerprint(of: ["ab": "c"]))
        #expect(AlertmanagerDecoder.fingerprint(of: ["a": "1", "b": "2"]) != AlertmanagerDecoder.fingerprint(of: ["a": "12"]))
    }

    @Test("null and empty fields, Go's zero time, unknown keys and mutedBy are tolerated")
    func tolerance() throws {
        let alerts = try decode(
            """
            [{"labels":{"alertname":"A"},"annotations":null,"receivers":null,"status":null,"fingerprint":null,
              "startsAt":"","endsAt":"0001-01-01T00:00:00Z","updatedAt":null,"generatorURL":"","extra":{"x":[1]}},
             {"labels":{"alertname":"B"},"receivers":[{"name":"r"},{}],
              "status":{"state":"suppressed","silencedBy":null,"inhibitedBy":[],"mutedBy":["weekends"],"future":1}}]
            """)
        #expect(alerts[0].startsAt == nil && alerts[0].endsAt == nil && alerts[0].generatorURL == nil)
        #expect(alerts[0].state == .active)
        #expect(alerts[1].receivers == ["r"])
        #expect(alerts[1].state == .suppressed && !alerts[1].isSilenced && !alerts[1].isInhibited && alerts[1].isSuppressed)
    }

    @Test("without a state, an alert silenced or inhibited is suppressed; unprocessed is read")
    func stateInference() throws {
        let alerts = try decode(
            """
            [{"labels":{"a":"1"},"status":{"inhibitedBy":["fp1"]}},
             {"labels":{"a":"2"},"status":{}},
             {"labels":{"a":"3"},"status":{"state":"unprocessed"}}]
            """)
        #expect(alerts.map(\.state) == [.suppressed, .active, .unprocessed])
        #expect(alerts[0].isInhibited)
    }

    @Test("name and summary fall back")
    func fallbacks() throws {
        let alerts = try decode(
            """
            [{"labels":{"job":"x"},"annotations":{"summary":"  ","description":"the description"}},
             {"labels":{"alertname":""},"annotations":{"message":"m"}}]
            """)
        #expect(alerts[0].name == "(unnamed)" && alerts[0].summary == "the description")
        #expect(alerts[1].name == "(unnamed)" && alerts[1].summary == nil)
    }

    @Test("unicode labels survive")
    func unicode() throws {
        let alerts = try decode(#"[{"labels":{"alertname":"Fehlerquote hoch 🔥","zone":"eu-zürich","ключ":"значение"}}]"#)
        #expect(alerts[0].name == "Fehlerquote hoch 🔥")
        #expect(alerts[0].labels["ключ"] == "значение")
    }

    @Test(
        "wrong shapes name the field",
        arguments: [
            (#"[{"labels":{"a":"b"}},{"labels":{"a":"b"}},{"labels":{"severity":3}}]"#, "[2].labels.severity: expected a string, got a number"),
            (#"[{"annotations":{}}]"#, "[0].labels: missing (every alert has labels)"),
            (#"[{"labels":null}]"#, "[0].labels: missing (every alert has labels)"),
            (#"[{"labels":["a"]}]"#, "[0].labels: expected an object, got an array"),
            (#"[{"labels":{"team.name":true}}]"#, #"[0].labels["team.name"]: expected a string, got a boolean"#),
            (#"[{"labels":{},"annotations":{"summary":1}}]"#, "[0].annotations.summary: expected a string, got a number"),
            (#"[{"labels":{},"annotations":"x"}]"#, "[0].annotations: expected an object, got a string"),
            (#"[{"labels":{},"fingerprint":12}]"#, "[0].fingerprint: expected a string, got a number"),
            (#"[{"labels":{},"startsAt":"yesterday"}]"#, #"[0].startsAt: not an RFC 3339 time like 2026-11-23T16:05:03.123Z: "yesterday""#),
            (#"[{"labels":{},"endsAt":1700000000}]"#, "[0].endsAt: expected a string, got a number"),
            (#"[{"labels":{},"status":"active"}]"#, "[0].status: expected an object, got a string"),
            (
                #"[{"labels":{},"status":{"state":"firing"}}]"#,
                #"[0].status.state: unknown state "firing" (expected active, suppressed or unprocessed)"#
            ),
            (#"[{"labels":{},"status":{"silencedBy":"abc"}}]"#, "[0].status.silencedBy: expected an array of strings, got a string"),
            (#"[{"labels":{},"status":{"inhibitedBy":[1]}}]"#, "[0].status.inhibitedBy[0]: expected a string, got a number"),
            (#"[{"labels":{},"receivers":{"name":"x"}}]"#, "[0].receivers: expected an array, got an object"),
            (#"[{"labels":{},"receivers":["x"]}]"#, "[0].receivers[0]: expected an object, got a string"),
            (#"[{"labels":{},"receivers":[{"name":false}]}]"#, "[0].receivers[0].name: expected a string, got a boolean"),
            (#"[{"labels":{}},7]"#, "[1]: expected an alert object, got a number"),
            (#"{"alerts":[]}"#, "expected a JSON array of alerts at the top, got an object (is the URL /api/v2/alerts?)"),
            (#""bad filter""#, "expected a JSON array of alerts at the top, got a string"),
        ])
    func shapes(json: String, message: String) {
        #expect(failure(json)?.description == message)
    }

    @Test("invalid JSON and HTTP errors")
    func transport() {
        let invalid = failure("[{")
        #expect(invalid?.field == "")
        #expect(invalid?.description.hasPrefix("the Alertmanager answer is not valid JSON (") == true)
        #expect(
            failure("<html>\n<h1>503 Service Unavailable</h1></html>", status: 503)?.description
                == "HTTP 503 from Alertmanager: <html> <h1>503 Service Unavailable</h1></html>")
        #expect(failure("", status: 500)?.description == "HTTP 500 from Alertmanager: (empty body)")
    }

    @Test(
        "RFC 3339 times as Go writes them",
        arguments: [
            ("2026-11-23T16:05:03Z", 0.0),
            ("2026-11-23T16:05:03.5Z", 0.5),
            ("2026-11-23T16:05:03.123456789Z", 0.123456789),
            ("2026-11-23T17:05:03+01:00", 0),
            ("2026-11-23T10:35:03.25-05:30", 0.25),
            ("2026-11-23t16:05:03z", 0),
        ])
    func times(text: String, offset: Double) {
        let date = FeedJSON.rfc3339(text)
        #expect(date != nil)
        #expect(abs((date?.timeIntervalSince1970 ?? 0) - (base + offset)) < 1e-6)
    }

    @Test("calendar edge cases")
    func calendar() {
        #expect(FeedJSON.rfc3339("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(FeedJSON.rfc3339("2028-02-29T00:00:00Z") == Date(timeIntervalSince1970: 1_835_395_200))
        #expect(FeedJSON.rfc3339("2000-03-01T00:00:00Z") == Date(timeIntervalSince1970: 951_868_800))
        #expect(FeedJSON.rfc3339("0001-01-01T00:00:00Z") == FeedJSON.goZeroTime)
        #expect(FeedJSON.rfc3339("0001-01-01T00:00:00.000Z") == FeedJSON.goZeroTime)
    }

    @Test(
        "malformed times are rejected",
        arguments: [
            "", "2026-11-23", "2026-11-23T16:05:03", "2026-11-23 16:05:03Z", "2026-13-01T00:00:00Z",
            "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T16:60:00Z",
            "2026-11-23T16:05:60Z", "2026-11-23T16:05:03.Z", "2026-11-23T16:05:03+0100", "2026-11-23T16:05:03+01:00x",
            "2026-11-23T16:05:03ZZ", "26-11-23T16:05:03Z", "2026-11-23T16:05:03+25:00", "２０２６-11-23T16:05:03Z",
            "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z",
        ])
    func badTimes(text: String) {
        #expect(FeedJSON.rfc3339(text) == nil)
    }
}

@Suite("Alert tracker")
struct AlertTrackerTests {
    let t0 = Date(timeIntervalSince1970: 1_795_449_903)

    func alert(_ name: String, silenced: Bool = false, inhibited: Bool = false, endsAt: Date? = nil) -> AlertmanagerAlert {
        AlertmanagerAlert(
            labels: ["alertname": name, "severity": "critical"],
            endsAt: endsAt,
            state: silenced || inhibited ? .suppressed : .active,
            silencedBy: silenced ? ["s1"] : [],
            inhibitedBy: inhibited ? ["f1"] : []
        )
    }

    @Test("the first update reports everything present; an unchanged list reports nothing")
    func firstUpdate() {
        var tracker = AlertTracker()
        let a = alert("A")
        let b = alert("B", silenced: true)
        #expect(tracker.update([a, b], now: t0) == [.firing(a), .silenced(b)])
        #expect(tracker.update([a, b], now: t0 + 30) == [])
        #expect(tracker.update([b, a], now: t0 + 60) == [])
        #expect(tracker.fingerprints == [a.fingerprint, b.fingerprint])
    }

    @Test("silencing, unsilencing and resolving")
    func transitions() {
        var tracker = AlertTracker()
        let a = alert("A")
        _ = tracker.update([a], now: t0)
        let silencedA = alert("A", silenced: true)
        #expect(tracker.update([silencedA], now: t0 + 30) == [.silenced(silencedA)])
        #expect(tracker.update([silencedA], now: t0 + 60) == [])
        #expect(tracker.update([a], now: t0 + 90) == [.unsilenced(a)])
        let inhibitedA = alert("A", inhibited: true)
        #expect(tracker.update([inhibitedA], now: t0 + 120) == [.silenced(inhibitedA)])
        #expect(tracker.update([], now: t0 + 150) == [.resolved(fingerprint: a.fingerprint, name: "A")])
        #expect(tracker.update([], now: t0 + 180) == [])
        #expect(tracker.update([a], now: t0 + 210) == [.firing(a)])
    }

    @Test("an alert whose endsAt has passed is resolved, and not reported when first seen that way")
    func endsAt() {
        var tracker = AlertTracker()
        let a = alert("A", endsAt: t0 + 100)
        #expect(tracker.update([a], now: t0) == [.firing(a)])
        #expect(tracker.update([a], now: t0 + 99) == [])
        #expect(tracker.update([a], now: t0 + 100) == [.resolved(fingerprint: a.fingerprint, name: "A")])
        var fresh = AlertTracker()
        #expect(fresh.update([alert("Old", endsAt: t0 - 1)], now: t0) == [])
    }

    @Test("changes come in list order, resolutions after, sorted by name; duplicates count once")
    func ordering() {
        var tracker = AlertTracker()
        let a = alert("A")
        let b = alert("B")
        let c = alert("C")
        let d = alert("D")
        _ = tracker.update([c, a, b], now: t0)
        #expect(
            tracker.update([d, d], now: t0 + 30) == [
                .firing(d),
                .resolved(fingerprint: a.fingerprint, name: "A"),
                .resolved(fingerprint: b.fingerprint, name: "B"),
                .resolved(fingerprint: c.fingerprint, name: "C"),
            ])
    }

    @Test("an alert that is new and unprocessed is firing")
    func unprocessed() {
        var tracker = AlertTracker()
        let a = AlertmanagerAlert(labels: ["alertname": "U"], state: .unprocessed)
        #expect(tracker.update([a], now: t0) == [.firing(a)])
    }

    @Test("a tracker fed decoded answers")
    func decoded() throws {
        let firing = try AlertmanagerDecoder.decode(Data(#"[{"labels":{"alertname":"A"},"fingerprint":"f1"}]"#.utf8))
        let silenced = try AlertmanagerDecoder.decode(
            Data(#"[{"labels":{"alertname":"A"},"fingerprint":"f1","status":{"state":"suppressed","silencedBy":["s"]}}]"#.utf8))
        var tracker = AlertTracker()
        #expect(tracker.update(firing, now: t0) == [.firing(firing[0])])
        #expect(tracker.update(silenced, now: t0) == [.silenced(silenced[0])])
        #expect(tracker.update([], now: t0) == [.resolved(fingerprint: "f1", name: "A")])
    }
}

@Suite("Alert severity mapping")
struct AlertSeverityMapTests {
    func alert(
        _ labels: [String: String], silenced: Bool = false, inhibited: Bool = false,
        state: AlertmanagerAlert.State = .active
    ) -> AlertmanagerAlert {
        AlertmanagerAlert(labels: labels, state: state, silencedBy: silenced ? ["s"] : [], inhibitedBy: inhibited ? ["i"] : [])
    }

    @Test(
        "the default mapping, case-insensitive",
        arguments: [
            ("critical", 1), ("CRITICAL", 1), ("page", 1), ("error", 2), ("High", 2), ("warning", 3), ("Warn", 3), (" warning ", 3),
        ])
    func defaults(value: String, level: Int) {
        #expect(AlertSeverityMap().level(of: alert(["severity": value])) == level)
    }

    @Test("unknown, missing, silenced, inhibited and muted alerts have no level")
    func none() {
        let map = AlertSeverityMap()
        #expect(map.level(of: alert(["severity": "info"])) == nil)
        #expect(map.level(of: alert(["alertname": "x"])) == nil)
        #expect(map.level(of: alert(["severity": "critical"], silenced: true)) == nil)
        #expect(map.level(of: alert(["severity": "critical"], inhibited: true)) == nil)
        #expect(map.level(of: alert(["severity": "critical"], state: .suppressed)) == nil)
        #expect(map.level(of: alert(["severity": "critical"], state: .unprocessed)) == 1)
    }

    @Test("a custom label and values; out-of-range levels are ignored; case clashes take the worse level")
    func custom() {
        let map = AlertSeverityMap(labelName: "priority", values: ["P1": 1, "p2": 2, "P3": 3, "P9": 9, "p0": 0, "Urgent": 2, "URGENT": 1])
        #expect(map.level(of: alert(["priority": "p1"])) == 1)
        #expect(map.level(of: alert(["priority": "P2"])) == 2)
        #expect(map.level(of: alert(["priority": "P9"])) == nil)
        #expect(map.level(of: alert(["priority": "P0"])) == nil)
        #expect(map.level(of: alert(["priority": "urgent"])) == 1)
        #expect(map.level(of: alert(["severity": "critical"])) == nil)
    }
}
