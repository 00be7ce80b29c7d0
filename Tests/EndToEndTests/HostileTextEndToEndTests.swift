import Foundation
import Testing
import WarRoomTestSupport

/// No control (but newline and tab), format or separator character: nothing
/// that a terminal would act on or that could hide or reorder text.
func inertScalars(_ text: String) -> [UInt32] {
    text.unicodeScalars.filter { s in
        if s == "\n" || s == "\t" { return false }
        switch s.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }.map(\.value)
}

extension EndToEnd {
    @Suite("Hostile text end to end", .serialized)
    struct HostileTextEndToEndTests {
        /// ESC, CSI, OSC 52 (clipboard), OSC 2 (title), C1 CSI/OSC/ST, BEL, bidi, zero-width, U+2028, emoji.
        static let payload =
            "\u{1B}[2J\u{1B}[H\u{1B}]52;c;cHduZWQ=\u{07}\u{1B}]2;PWNED\u{07}\u{9B}2J\u{9D}2;PWNED2\u{9C}\u{07}\u{202E}dlrow\u{200B}\u{2028}🚀✅❌⚠️\u{1B}[7mREVERSED"

        /// Display columns of a captured row, as tmux 3.3a placed it, for the scalars these tests show.
        static func columns(_ row: String) -> Int {
            row.unicodeScalars.reduce(0) { n, s in
                if ["🚀", "✅", "❌"].contains(s) || (0x4E00 ... 0x9FFF).contains(s.value) { return n + 2 }
                if s.properties.generalCategory == .nonspacingMark || s == "\u{FE0F}" { return n }
                return n + 1
            }
        }

        static func routes() throws -> [String: (contentType: String, body: String)] {
            let alerts: [[String: Any]] = [
                [
                    "labels": ["alertname": "Evil\u{1B}]52;c;eA==\u{07}", "severity": "critical", "team\u{202E}": "x\u{9B}"],
                    "annotations": ["summary": "owned " + payload],
                    "startsAt": "2026-12-01T00:00:00Z", "endsAt": "2099-01-01T00:00:00Z",
                    "status": ["state": "active", "silencedBy": [String](), "inhibitedBy": [String]()],
                ],
                [
                    "labels": [
                        "alertname": "🚀✅❌⚠️e\u{301}\u{301}\u{301} 漢字\u{200D}🚀✅❌⚠️🚀✅❌⚠️🚀✅❌⚠️🚀✅❌⚠️🚀✅❌⚠️🚀✅❌⚠️🚀✅❌⚠️🚀✅❌⚠️🚀✅❌⚠️🚀✅❌⚠️🚀✅❌⚠️🚀✅❌⚠️🚀✅❌⚠️🚀✅❌⚠️",
                        "severity": "warning",
                    ],
                    "annotations": ["summary": String(repeating: "🚀✅❌⚠️ä\u{308}", count: 40)],
                    "startsAt": "2026-12-01T00:00:00Z", "endsAt": "2099-01-01T00:00:00Z",
                ],
            ]
            let health: [String: Any] = [
                "status": "healthy " + payload, "error_rate": 0.001, "avg_response_time": 120,
                "p95_response_time": 300, "requests_per_minute": 1000,
            ]
            func json(_ v: Any) throws -> String { String(decoding: try JSONSerialization.data(withJSONObject: v), as: UTF8.self) }
            return ["/api/v2/alerts": ("application/json", try json(alerts)), "/health": ("application/json", try json(health))]
        }

        @Test(
            "an Alertmanager and a health source serving ESC, CSI, OSC 52, C1, BEL, bidi and zero-width: the dashboard, status, export, probe and the log stay inert"
        )
        func everySink() async throws {
            let binary = try warroomBinary()
            let server = try FixedServer(routes: try Self.routes())
            defer { server.stop() }
            let config = temporaryPath("hostile.yaml")
            try """
            service: checkout
            sources:
              - {name: health, kind: health, url: "http://127.0.0.1:\(server.port)/health", interval: 1s}
              - {name: alerts, kind: alertmanager, url: "http://127.0.0.1:\(server.port)", interval: 1s}
            """.write(toFile: config, atomically: true, encoding: .utf8)
            let journal = temporaryPath("hostile.sqlite")
            let log = journal + ".log"
            let tmux = try Tmux(
                command: "'\(binary)' run --config '\(config)' --journal '\(journal)' --log '\(log)'; sleep 600", width: 160, height: 48)
            let title = tmux.display("#{pane_title}")
            let screen = try await tmux.waitFor("both hostile alerts on the timeline", seconds: 30) {
                $0.contains("alert Evil\\x1b]52;c;eA==\\x07 FIRING") && $0.contains("alert 🚀✅❌")
            }
            // Emoji and combining marks take the columns tmux gives them: every row of the timeline ends at the pane's border.
            let emojiRows = screen.split(separator: "\n").filter { $0.contains("alert 🚀✅❌") }
            #expect(!emojiRows.isEmpty)
            for row in emojiRows {
                #expect(Self.columns(String(row)) == 160, "\(row)")
                #expect(row.hasSuffix("│"), "\(row)")
            }
            // The escapes are shown, not obeyed: the screen was not cleared, the title not set, nothing reached a clipboard buffer.
            #expect(screen.contains("\\x1b[2J") || screen.contains("owned \\x1b"), "\(screen)")
            #expect(screen.contains("checkout"), "the header is still there")
            #expect(inertScalars(screen).isEmpty)
            #expect(tmux.display("#{pane_title}") == title, "the pane title was not changed")
            #expect(!tmux.display("#{pane_title}").contains("PWNED"))
            #expect(((try? tmux.run(["list-buffers"])) ?? "").isEmpty, "OSC 52 made no paste buffer")
            let colours = tmux.capture(colors: true)
            #expect(!colours.contains("\u{1B}[7mREVERSED"), "the injected SGR had no effect")
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count >= 47, "the whole 48-row screen is there")

            // A note whose --by is hostile is stored inert; a note whose text is hostile is refused.
            let byHostile = try spawn([binary, "note", "--journal", journal, "--by", "\u{1B}[2Jmallory\u{202E}", "checking the alert"])
            #expect(byHostile.status == 0, "\(byHostile.output)")
            let refused = try spawn(["/bin/sh", "-c", "'\(binary)' note --journal '\(journal)' \"$(printf 'bad \\033[2J')\" 2>&1"])
            #expect(refused.status == 1)
            #expect(refused.output.contains("control character (U+001B)"), "\(refused.output)")
            #expect(inertScalars(refused.output).isEmpty)
            try await tmux.waitFor("the note", seconds: 10) { $0.contains("checking the alert") }
            #expect(inertScalars(tmux.capture()).isEmpty)

            for args in [["status"], ["status", "--json"], ["export"], ["export", "--format", "json"]] {
                let out = try spawn(["/bin/sh", "-c", "'\(binary)' \(args.joined(separator: " ")) --journal '\(journal)' 2>&1"])
                #expect(out.status == 0, "\(args): \(out.output)")
                #expect(inertScalars(out.output).isEmpty, "\(args): \(inertScalars(out.output))")
                #expect(!out.output.contains("\u{1B}"))
            }
            let md = try spawn([binary, "export", "--journal", journal]).output
            #expect(md.contains("Evil\\\\x1b\\]52;c;eA==\\\\x07"), "the alert name, inert and markdown-escaped")
            #expect(md.contains("\\\\x1b\\[2Jmallory\\\\u202e"), "the hostile --by, inert")
            let json = try spawn([binary, "export", "--journal", journal, "--format", "json"]).output
            #expect(try JSONSerialization.jsonObject(with: Data(json.utf8)) is [String: Any], "still valid JSON")

            for (kind, url) in [("alertmanager", "http://127.0.0.1:\(server.port)"), ("health", "http://127.0.0.1:\(server.port)/health")] {
                let out = try spawn(["/bin/sh", "-c", "'\(binary)' probe --kind \(kind) '\(url)' 2>&1"])
                #expect(out.status == 0, "\(kind): \(out.output)")
                #expect(inertScalars(out.output).isEmpty, "\(kind): \(inertScalars(out.output))")
                #expect(out.output.contains("\\x1b[2J"), "\(kind): shown as an escape: \(out.output)")
            }
            // A note typed with a bidi override and a zero-width space is refused on screen; the log line of its intent is inert.
            try tmux.sendKeys("n")
            try tmux.run(["send-keys", "-l", "typed\u{202E}evil\u{200B}"])
            try tmux.sendKeys("Enter")
            try await tmux.waitFor("the refusal", seconds: 10) { $0.contains("invisible formatting character (U+202E)") }
            let deadline = Date().addingTimeInterval(10)
            var logText = ""
            while Date() < deadline {
                logText = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                if logText.contains("typed") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(logText.contains("typed\\u202eevil"), "the typed intent is logged as escapes (tmux does not pass the zero-width space on)")
            #expect(inertScalars(logText).isEmpty, "the log: \(inertScalars(logText))")
        }

        @Test("a config holding a control or bidi character is refused at check, naming line and field")
        func hostileConfig() throws {
            let binary = try warroomBinary()
            let config = temporaryPath("badtext.yaml")
            try "service: \"check\\e[2Jout\"\nsources: [{name: \"h\\u202E\", kind: health, url: \"http://127.0.0.1:9/health\"}]\n"
                .write(toFile: config, atomically: true, encoding: .utf8)
            let out = try spawn(["/bin/sh", "-c", "'\(binary)' check --config '\(config)' 2>&1"])
            #expect(out.status == 2, "\(out.output)")
            #expect(out.output.contains("\(config):1:10: service: holds \\x1b (U+001B)"), "\(out.output)")
            #expect(out.output.contains("sources[0].name: holds \\u202e (U+202E)"), "\(out.output)")
            #expect(inertScalars(out.output).isEmpty)
            // ArgumentParser's own messages (usage errors, thrown errors) are inert too.
            let usage = try spawn(["/bin/sh", "-c", "'\(binary)' probe --header-env \"$(printf 'X\\033[2J\\302\\233')\" http://127.0.0.1:9/ 2>&1"])
            #expect(usage.status == 64, "\(usage.output)")
            #expect(usage.output.contains("got 'X\\x1b[2J\\x9b'"), "\(usage.output)")
            #expect(inertScalars(usage.output).isEmpty)
        }
    }
}
