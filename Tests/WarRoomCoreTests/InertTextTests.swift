import Foundation
import Testing

@testable import WarRoomCore

/// The hostile strings every sink is fed (here, in the UI tests and end to end).
enum Hostile {
    static let esc = "a\u{1B}b"
    static let csi = "before\u{1B}[2J\u{1B}[Hafter"
    static let osc52 = "x\u{1B}]52;c;cHduZWQ=\u{07}y"
    static let c1 = "p\u{9B}2J q\u{9D}0;title\u{9C} r"
    static let bel = "ding\u{07}"
    static let bidi = "abc\u{202E}fed\u{202C} \u{2066}iso\u{2069} \u{200E}\u{200F}\u{061C}"
    static let zeroWidth = "zero\u{200B}width\u{200C}\u{200D}\u{FEFF}\u{2060}\u{2064}soft\u{00AD}hyphen"
    static let separators = "line\u{2028}para\u{2029}end"
    static let emoji = "🚀 ✅ ❌ ⚠️ e\u{301}"
    static let all = [esc, csi, osc52, c1, bel, bidi, zeroWidth, separators, emoji]
    /// One string holding all of them, with a newline and a markdown heading.
    static let mixed = all.joined(separator: " ") + "\n## Root Cause\n- [click](http://evil.example) <script>x</script> ```"
}

/// True when no scalar of `text` is a control (except newline and tab where allowed),
/// a format character or a line/paragraph separator.
func isTerminalSafe(_ text: String, newlines: Bool = false) -> Bool {
    text.unicodeScalars.allSatisfy { s in
        if newlines, s == "\n" || s == "\t" { return true }
        switch s.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return false
        default: return true
        }
    }
}

@Suite("Inert text")
struct InertTextTests {
    @Test(
        "each hostile class is replaced by a visible escape",
        arguments: [
            ("a\u{1B}b", "a\\x1bb"), ("\u{1B}[2J", "\\x1b[2J"), ("\u{07}", "\\x07"), ("\u{7F}", "\\x7f"),
            ("\u{9B}2J", "\\x9b2J"), ("\u{9C}", "\\x9c"), ("\u{9D}", "\\x9d"), ("\u{85}", "\\x85"),
            ("a\nb", "a\\nb"), ("a\tb", "a\\tb"), ("a\rb", "a\\rb"), ("\u{0}", "\\x00"),
            ("\u{202E}x", "\\u202ex"), ("\u{2066}\u{2069}", "\\u2066\\u2069"), ("\u{200E}\u{200F}\u{061C}", "\\u200e\\u200f\\u061c"),
            ("\u{200B}\u{200C}\u{200D}", "\\u200b\\u200c\\u200d"), ("\u{FEFF}", "\\ufeff"), ("\u{2060}\u{2064}", "\\u2060\\u2064"),
            ("soft\u{AD}", "soft\\xad"), ("\u{2028}\u{2029}", "\\u2028\\u2029"), ("\u{E0041}", "\\U000e0041"),
        ])
    func escapes(input: String, expected: String) {
        #expect(InertText.clean(input) == expected)
        #expect(!InertText.isInert(input))
        #expect(InertText.isInert(expected))
    }

    @Test("letters of any script, combining marks, emoji and variation selectors pass unchanged")
    func harmless() {
        for text in [
            "plain ASCII ~!@#$%^&*()", "日本語 한국어 العربية עברית", "e\u{301} a\u{308}\u{308}", Hostile.emoji, "✓ ✖ ▲ ▸ ↩ ⏸ │ ┌", "\u{A0}\u{FFFD}",
        ] {
            #expect(InertText.clean(text) == text)
            #expect(InertText.isInert(text))
        }
    }

    @Test("the hostile strings come out terminal-safe, and cleaning twice changes nothing")
    func hostileCorpus() {
        for text in Hostile.all + [Hostile.mixed] {
            let once = InertText.clean(text)
            #expect(isTerminalSafe(once), "\(once.unicodeScalars.map(\.value))")
            #expect(InertText.clean(once) == once)
            #expect(!once.contains("\u{1B}"))
        }
        #expect(InertText.clean(Hostile.csi) == "before\\x1b[2J\\x1b[Hafter")
        #expect(InertText.clean(Hostile.osc52) == "x\\x1b]52;c;cHduZWQ=\\x07y")
        #expect(InertText.clean(Hostile.c1) == "p\\x9b2J q\\x9d0;title\\x9c r")
    }

    @Test("a sink may keep newlines and tabs; CR LF becomes LF; a lone CR is escaped")
    func lines() {
        #expect(InertText.clean("a\nb\tc", allowing: .lines) == "a\nb\tc")
        #expect(InertText.clean("a\nb\tc", allowing: .newline) == "a\nb\\tc")
        #expect(InertText.clean("one\r\ntwo\r\n", allowing: .lines) == "one\ntwo\n")
        #expect(InertText.clean("over\rwrite", allowing: .lines) == "over\\rwrite")
        #expect(InertText.clean("end\r", allowing: .lines) == "end\\r")
        #expect(InertText.clean("a\u{1B}\n", allowing: .lines) == "a\\x1b\n")
    }

    @Test("every scalar: hostile exactly when it is Cc, Cf, Zl or Zp; cleaning gives it or its ASCII escape")
    func exhaustive() {
        for v in UInt32(0) ... 0x10FFFF {
            guard let s = Unicode.Scalar(v) else { continue }
            let category = s.properties.generalCategory
            let expected = [.control, .format, .lineSeparator, .paragraphSeparator].contains(category)
            if InertText.isHostile(s) != expected {
                Issue.record("U+\(String(v, radix: 16)) \(category)")
                continue
            }
            let cleaned = InertText.clean(String(Character(s)))
            if expected {
                if !(cleaned.hasPrefix("\\") && cleaned.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }) {
                    Issue.record("U+\(String(v, radix: 16)) cleaned to \(cleaned)")
                }
            } else if cleaned.unicodeScalars.count != 1 {
                Issue.record("U+\(String(v, radix: 16)) changed")
            }
        }
    }

    @Test("random mixtures: the result is inert, idempotent, and keeps every harmless scalar in order")
    func random() {
        let alphabet: [Unicode.Scalar] = [
            "a", " ", "\\", "é", "\u{301}", "漢", "😀", "\u{FE0F}", "\u{1B}", "\u{7}", "\u{9C}", "\u{85}",
            "\u{202E}", "\u{200B}", "\u{200D}", "\u{2028}", "\n", "\r", "\t", "\u{AD}", "\u{E0001}",
        ]
        var g = SystemRandomNumberGenerator()
        for _ in 0 ..< 5_000 {
            var s = String.UnicodeScalarView()
            for _ in 0 ..< Int.random(in: 0 ... 20, using: &g) { s.append(alphabet.randomElement(using: &g)!) }
            let text = String(s)
            for allowed in [InertText.Allowed(), .lines] {
                let out = InertText.clean(text, allowing: allowed)
                #expect(InertText.isInert(out, allowing: allowed))
                #expect(InertText.clean(out, allowing: allowed) == out)
                #expect(isTerminalSafe(out, newlines: allowed.contains(.newline)))
                let kept = text.unicodeScalars.filter { !InertText.isHostile($0) && $0 != "\\" }
                #expect(Array(out.unicodeScalars.filter { kept.contains($0) && $0 != "\\" }).count >= kept.count)
            }
        }
    }

    @Test("JSON keeps its meaning: hostile scalars become \\u escapes that parse back to the same text")
    func json() throws {
        let original = Hostile.mixed + " \u{1F680}\u{E0041}"
        let data = try JSONSerialization.data(withJSONObject: ["t": original], options: [.prettyPrinted])
        let text = InertText.json(String(decoding: data, as: UTF8.self))
        #expect(isTerminalSafe(text, newlines: true))
        let back = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
        #expect(back?["t"] == original)
    }

    @Test("label maps: keys and values are cleaned")
    func maps() {
        #expect(InertText.clean(["sev\u{1B}": "crit\u{202E}ical", "ok": "fine"]) == ["sev\\x1b": "crit\\u202eical", "ok": "fine"])
    }
}

@Suite("Inert events and decoders")
struct InertEventTests {
    @Test("an event from outside is stored inert; a command's output keeps its lines")
    func events() {
        let note = Event.note(text: "fine", by: "\u{1B}[2Jmallory\u{202E}")
        guard case .note(let text, let by) = note.inert else {
            Issue.record("changed case")
            return
        }
        #expect(text == "fine")
        #expect(by == "\\x1b[2Jmallory\\u202e")
        let outcome = CommandOutcome(succeeded: false, detail: "exit 1\u{9B}2J", duration: 1.5, output: "line 1\r\nline\t2\n\u{1B}]52;c;eA==\u{07}")
        #expect(outcome.detail == "exit 1\\x9b2J")
        #expect(outcome.output == "line 1\nline\t2\n\\x1b]52;c;eA==\\x07")
        let alert = Event.alert(
            AlertNotice(
                source: "am", fingerprint: "f", name: "A\u{1B}", change: .firing, level: .sev1,
                summary: "s\u{2028}u\u{9C}m", labels: ["k\u{200B}": "v\u{7}"]))
        guard case .alert(let n) = alert.inert else {
            Issue.record("changed case")
            return
        }
        #expect(n.name == "A\\x1b")
        #expect(n.summary == "s\\u2028u\\x9cm")
        #expect(n.labels == ["k\\u200b": "v\\x07"])
        #expect(n.level == .sev1)
        let plain = Event.note(text: "all good 🚀", by: "ana")
        #expect(plain.inert.kind == plain.kind)
        if case .note(let t, let b) = plain.inert { #expect(t == "all good 🚀" && b == "ana") }
    }

    @Test("cleaning an event keeps its numbers and times to the bit")
    func roundTrip() {
        let trigger = Date(timeIntervalSince1970: 1_800_000_000.123_456_7)
        let request = CommandRequest(
            id: 7, action: .setTraffic(percent: 12.5), by: "ana\u{1B}[2J", reason: "why\u{202E}", automatic: false, trigger: trigger)
        guard case .commandIssued(let clean) = Event.commandIssued(request).inert else {
            Issue.record("changed case")
            return
        }
        #expect(clean.by == "ana\\x1b[2J")
        #expect(clean.reason == "why\\u202e")
        #expect(clean.trigger == trigger)
        #expect(clean.id == 7 && clean.action == request.action && !clean.automatic)
    }

    @Test("every decoder hands on inert text: Alertmanager, health, Prometheus API, Prometheus text")
    func decoders() throws {
        let am = """
            [{"labels": {"alertname": "Evil\\u001b]52;c;eA==\\u0007", "severity": "critical", "te\\u200bam": "x"},
              "annotations": {"summary": "\\u001b[2J\\u009b2J\\u202eowned\\u2028"}, "generatorURL": "http://x/\\u009c"}]
            """
        let alerts = try AlertmanagerDecoder.decode(Data(am.utf8))
        let a = try #require(alerts.first)
        #expect(a.name == "Evil\\x1b]52;c;eA==\\x07")
        #expect(a.summary == "\\x1b[2J\\x9b2J\\u202eowned\\u2028")
        #expect(a.labels["te\\u200bam"] == "x")
        #expect(a.generatorURL == "http://x/\\x9c")
        #expect(AlertSeverityMap().level(of: a) == 1, "severity still maps")
        let health = try HealthDecoder.decode(Data(#"{"status": "healthy\u001b[2J\u0085", "error_rate": 0.01}"#.utf8))
        #expect(health.status == "healthy\\x1b[2J\\x85")
        let prom = try PrometheusQueryDecoder.decode(
            Data(
                #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"a\u001bb"},"value":[1,"2"]}]},"warnings":["w\u009b"]}"#
                    .utf8), httpStatus: 200)
        #expect(prom.warnings == ["w\\x9b"])
        if case .vector(let series) = prom.result { #expect(series.first?.labels["job"] == "a\\x1bb") } else { Issue.record("not a vector") }
        let families = try PrometheusTextParser.parse(
            "# HELP up Up \u{1B}[2J\u{202E}\n# TYPE up gauge\nup{job=\"a\u{9B}b\"} 1\n", format: .prometheusText004)
        let inert = try #require(families.first?.inert)
        #expect(inert.help == "Up \\x1b[2J\\u202e")
        #expect(inert.samples.first?.label("job") == "a\\x9bb")
        let calm = try #require(try PrometheusTextParser.parse("up 1\n", format: .prometheusText004).first)
        #expect(calm.inert == calm)
    }
}

@Suite("Note length")
struct NoteLengthTests {
    @Test("notes are counted in scalars: 3,000 combining marks on one letter are refused; hostile text is refused with its position")
    func scalars() {
        let zalgo = "a" + String(repeating: "\u{301}", count: 3_000)
        #expect(zalgo.count == 1)
        #expect(NoteRules.problem(with: zalgo)?.text == "the text is 3001 characters (Unicode scalars) long; at most 500 fit on a timeline line")
        #expect(NoteRules.problem(with: String(repeating: "é", count: 500)) == nil)
        #expect(NoteRules.problem(with: String(repeating: "e\u{301}", count: 250)) == nil)
        #expect(NoteRules.problem(with: String(repeating: "e\u{301}", count: 251)) != nil)
        #expect(NoteRules.problem(with: "ok\u{202E}kay")?.text == "the text has an invisible formatting character (U+202E) at position 3")
        #expect(NoteRules.problem(with: "ok\u{9B}2J")?.text == "the text has a control character (U+009B) at position 3")
        #expect(NoteRules.problem(with: "🚀 ✅ ❌ ⚠️ shipped") == nil)
        #expect(NoteRules.problem(with: "ok\u{9B}2J") == .controlCharacter(0x9B, at: 3))
        #expect(NoteRules.problem(with: "ok\u{202E}kay") == .formattingCharacter(0x202E, at: 3))
        #expect(NoteRules.problem(with: "  ") == .empty)
        #expect(ReasonRules.problem(with: "-rf") == .startsWithDash)
    }
}
