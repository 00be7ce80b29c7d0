import Foundation
import Testing

@testable import WarRoomCore

@Suite("Masking secrets and exact previews")
struct RedactionTests {
    @Test("userinfo and secret query values are masked; the rest of the URL is kept")
    func urls() {
        #expect(Redact.url("http://ana:hunter2@host:8080/p?q=1") == "http://***@host:8080/p?q=1")
        #expect(
            Redact.url("https://hooks.example/x?token=abc&team=a&sig=zz&X-Amz-Signature=s&api_key=k#frag")
                == "https://hooks.example/x?token=***&team=a&sig=***&X-Amz-Signature=***&api_key=***#frag")
        #expect(Redact.url("https://h/p?password=&key=v") == "https://h/p?password=&key=***")
        #expect(Redact.url("http://h/{percent}?reason={reason}") == "http://h/{percent}?reason={reason}")
        #expect(Redact.hasUserinfo("http://u@h/") && !Redact.hasUserinfo("http://h/a@b"))
    }

    @Test("URLs inside text and known secret values are masked")
    func text() {
        let line = "GET https://u:p@h/a?secret=s1 failed; retry http://h/b?ok=1 with tok-123456"
        #expect(Redact.text(line, secrets: ["tok-123456", "ab"]) == "GET https://***@h/a?secret=*** failed; retry http://h/b?ok=1 with ***")
        #expect(Redact.text("no urls here") == "no urls here")
    }

    @Test("previews show the exact request with placeholders filled: a promote through set_traffic fills {percent}")
    func exactPreview() throws {
        let specs: [String: CommandSpec] = [
            "set_traffic": .webhook(
                method: "POST", url: "https://deploy.example/traffic?token=abc123&svc={service}",
                body: #"{"percent": {percent}, "reason": "{reason}"}"#, headers: ["X-Deploy-Token": "DEPLOY_TOKEN"], timeout: 5),
            "rollback": .program(argv: ["/usr/local/bin/rollback", "--service", "{service}", "{reason}"], timeout: 30, env: [.pass("DEPLOY_TOKEN")]),
        ]
        let promote = CommandSpec.preview(.promote(percent: 25), reason: "checks green", by: "ana", service: "checkout", in: specs)
        #expect(
            promote == #"POST https://deploy.example/traffic?token=***&svc=checkout [X-Deploy-Token: ***] {"percent": 25, "reason": "checks green"}"#)
        let traffic = CommandSpec.preview(.setTraffic(percent: 2.5), reason: "r", by: "ana", service: "checkout", in: specs)
        #expect(traffic.contains(#"{"percent": 2.5, "#))
        #expect(
            CommandSpec.preview(.rollback, reason: "errors up", by: "ana", service: "checkout", in: specs)
                == "/usr/local/bin/rollback --service checkout 'errors up' [env: DEPLOY_TOKEN]")
        // The preview warns before arming what the executor would refuse.
        #expect(CommandSpec.preview(.rollback, reason: "-x", by: "ana", service: "checkout", in: specs).contains("begins with '-'"))
        // Break glass: a line for a shell; header values as the variable that holds them.
        #expect(
            CommandSpec.breakGlass(in: ["rollback": specs["set_traffic"]!], service: "checkout", by: "ana")
                == #"curl -sS -X POST -H "X-Deploy-Token: $DEPLOY_TOKEN" -H 'Content-Type: application/json' --data '{"percent": 0, "reason": "manual rollback: warroom down"}' 'https://deploy.example/traffic?token=***&svc=checkout'"#
        )
        #expect(CommandSpec.breakGlass(in: [:], service: "s", by: "a") == "(no rollback command configured)")
    }

    @Test("the session records the manual rollback, so status can print it without the config")
    func sessionRecordsBreakGlass() throws {
        var config = WarRoomConfig(
            service: "api", sources: [], roster: Roster(tiers: []),
            commands: ["rollback": .program(argv: ["/usr/bin/deploy", "rollback", "{service}"], timeout: 5)])
        #expect(config.sessionInfo(mode: .run, startedBy: "ana").breakGlass == "/usr/bin/deploy rollback api")
        config.commands = [:]
        let data = try JSONEncoder().encode(config.sessionInfo(mode: .run, startedBy: "ana"))
        var object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        object["breakGlass"] = nil
        let old = try JSONDecoder().decode(SessionInfo.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.breakGlass == nil, "journals from before still decode")
    }
}
