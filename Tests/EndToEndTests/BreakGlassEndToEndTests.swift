import Foundation
import Testing
import WarRoomCore
import WarRoomRuntime
import WarRoomTestSupport

extension EndToEnd {
    @Suite("Break glass: the manual rollback when warroom is down", .serialized)
    struct BreakGlassEndToEndTests {
        static let config = """
            service: checkout-api
            sources:
              - {name: h, kind: health, url: "http://127.0.0.1:9/health"}
            commands:
              rollback:
                webhook:
                  url: "https://deploy.example/rollback?service={service}&token=tok-in-file"
                  body: '{"service": "{service}", "reason": "{reason}"}'
                  headers_from_env: {X-Deploy-Token: DEPLOY_TOKEN}
            """

        @Test("status (from the journal, or with --config) and check print the exact manual rollback, secrets masked")
        func statusAndCheck() throws {
            let binary = try warroomBinary()
            let path = temporaryPath("launch.yaml")
            try Self.config.write(toFile: path, atomically: true, encoding: .utf8)
            let expected =
                #"curl -sS -X POST -H "X-Deploy-Token: $DEPLOY_TOKEN" -H 'Content-Type: application/json' --data '{"service": "checkout-api", "reason": "manual rollback: warroom down"}' 'https://deploy.example/rollback?service=checkout-api&token=***'"#

            let check = try spawn([binary, "check", "--config", path])
            #expect(check.status == 0, "\(check.output)")
            #expect(check.output.contains("manual rollback (if warroom is down): " + expected), "\(check.output)")

            // A journal whose session recorded it: status needs no config, as when the commander's machine is gone.
            let journal = temporaryPath("launch.sqlite")
            let loaded = try ConfigLoader.load(path: path)
            _ = try SQLiteJournal(path: journal).append(.sessionStarted(loaded.sessionInfo(mode: .run, startedBy: "ana")), at: Date())
            let status = try spawn([binary, "status", "--journal", journal])
            #expect(status.status == 0)
            #expect(status.output.contains("rollback  " + expected), "\(status.output)")
            #expect(!status.output.contains("tok-in-file"))
            let json = try spawn([binary, "status", "--journal", journal, "--json"])
            let object = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any]
            #expect(object?["manual_rollback"] as? String == expected)
            let fromConfig = try spawn([binary, "status", "--journal", journal, "--config", path])
            #expect(fromConfig.output.contains("rollback  " + expected))
        }

        @Test("check refuses a URL with a password, naming file, line and field, without printing it")
        func userinfo() throws {
            let binary = try warroomBinary()
            let path = temporaryPath("bad.yaml")
            try Self.config.replacingOccurrences(of: "https://deploy.example", with: "https://ops:hunter2@deploy.example")
                .write(toFile: path, atomically: true, encoding: .utf8)
            let check = try spawn(["/bin/sh", "-c", "'\(binary)' check --config '\(path)' 2>&1"])
            #expect(check.status == 2)
            #expect(check.output.contains("\(path):7:"), "\(check.output)")
            #expect(
                check.output.contains("commands.rollback.webhook.url: a user name or password in the URL (https://***@deploy.example/"),
                "\(check.output)")
            #expect(!check.output.contains("hunter2"))
        }
    }
}

extension EndToEnd {
    @Suite("Secrets in the log", .serialized)
    struct LogMaskingEndToEndTests {
        @Test("a line logged with a URL holding a password or token= reaches warroom.log masked")
        func logMasked() async throws {
            let binary = try warroomBinary()
            let journal = temporaryPath("log.sqlite")
            let log = (journal as NSString).deletingLastPathComponent + "/warroom.log"
            let tmux = try Tmux(command: "'\(binary)' demo --scenario calm --journal '\(journal)'; echo EXIT=$?; sleep 600")
            try await tmux.waitFor("the demo", seconds: 30) { $0.contains("canary at 1%") }
            // Every intent is logged; a note with a pasted link is one.
            try tmux.sendKeys("n")
            try tmux.run(["send-keys", "-l", "see https://ana:hunter2@grafana.example/d/x?token=glsa-77aa&from=now-1h"])
            try tmux.sendKeys("Enter")
            try await tmux.waitFor("the note", seconds: 5) { $0.contains("see https://") }
            try tmux.sendKeys("q")
            try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=") }
            let text = try String(contentsOfFile: log, encoding: .utf8)
            #expect(text.contains("https://***@grafana.example/d/x?token=***&from=now-1h"), "\(text.suffix(2000))")
            #expect(!text.contains("hunter2") && !text.contains("glsa-77aa"))
        }
    }
}

extension EndToEnd {
    @Suite("probe against a shared Alertmanager", .serialized)
    struct ProbeAlertmanagerEndToEndTests {
        @Test("probe --matcher reads only our alerts and prints a note when a cap cuts an annotation")
        func matchersAndCaps() async throws {
            let binary = try warroomBinary()
            guard let am = try startAlertmanager() else { return }
            let base = "http://127.0.0.1:\(am.port)"
            try await am.waitReady(base + "/-/ready")
            let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
            try await post(
                base + "/api/v2/alerts",
                json: """
                    [{"labels": {"alertname": "SearchDown", "severity": "critical", "team": "search"}, "endsAt": "\(future)"},
                     {"labels": {"alertname": "CheckoutSlow", "severity": "warning", "team": "payments"},
                      "annotations": {"summary": "\(String(repeating: "s", count: 1500))"}, "endsAt": "\(future)"}]
                    """)
            var out = ""
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                out = try spawn([binary, "probe", base, "--kind", "alertmanager", "--matcher", #"team="payments""#]).output
                if out.contains("CheckoutSlow") { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(out.contains("1 alert\n"), "\(out)")
            #expect(!out.contains("SearchDown"))
            #expect(out.contains("note    1 annotation longer than max_annotation_length 1000 cut"), "\(out)")
        }
    }
}
