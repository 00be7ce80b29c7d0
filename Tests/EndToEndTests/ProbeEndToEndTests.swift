import Foundation
import Testing
import WarRoomTestSupport

extension EndToEnd {
    @Suite("warroom probe", .serialized)
    struct ProbeEndToEndTests {
        @Test("probe reads health and scrape sources, and fails with the reason: refused, HTTP status, parse error with its line")
        func probe() async throws {
            let binary = try warroomBinary()
            let sim = try startSimulator(binary)
            defer {
                kill(sim.pid, SIGTERM)
                close(sim.fd)
            }
            let port = sim.port
            let health = try spawn([binary, "probe", "http://127.0.0.1:\(port)/health"])
            #expect(health.status == 0)
            #expect(health.output.contains("status  healthy"))
            #expect(health.output.contains("stable  error_rate"))
            let scrape = try spawn([binary, "probe", "http://127.0.0.1:\(port)/metrics", "--kind", "scrape", "--interval", "0"])
            #expect(scrape.status == 0)
            #expect(scrape.output.contains("Prometheus text 0.0.4"))
            #expect(scrape.output.contains("valid"))
            let wrongKind = try spawn([binary, "probe", "http://127.0.0.1:\(port)/health", "--kind", "scrape"])
            #expect(wrongKind.status == 1)
            let missing = try spawn([binary, "probe", "http://127.0.0.1:\(port)/nope"])
            #expect(missing.status == 1)
            let refused = try spawn(["/bin/sh", "-c", "'\(binary)' probe http://127.0.0.1:9/health 2>&1"])
            #expect(refused.status == 1)
            #expect(refused.output.contains("connection refused"))
            let notFound = try spawn(["/bin/sh", "-c", "'\(binary)' probe http://127.0.0.1:\(port)/nope 2>&1"])
            #expect(notFound.output.contains("HTTP 404"))
            let parse = try spawn(["/bin/sh", "-c", "'\(binary)' probe http://127.0.0.1:\(port)/health --kind scrape 2>&1"])
            #expect(parse.output.contains("bad metrics (text 0.0.4): line 1:"), "\(parse.output)")
        }

        @Test("check reads a config's theme and keys: a bad binding or a missing theme is an error at its line")
        func checkThemeAndKeys() throws {
            let binary = try warroomBinary()
            let good = temporaryPath("keys.yaml")
            try """
            service: x
            sources: [{name: h, kind: health, url: "http://127.0.0.1:9/health"}]
            theme: solarized
            keys: {rollback: R, note: [N, f2]}
            """.write(toFile: good, atomically: true, encoding: .utf8)
            let ok = try spawn([binary, "check", "--config", good])
            #expect(ok.status == 0, "\(ok.output)")
            let bad = temporaryPath("badkeys.yaml")
            try """
            service: x
            sources: [{name: h, kind: health, url: "http://127.0.0.1:9/health"}]
            keys:
              rollback: q
              frobnicate: x
            """.write(toFile: bad, atomically: true, encoding: .utf8)
            let refused = try spawn(["/bin/sh", "-c", "'\(binary)' check --config '\(bad)' 2>&1"])
            #expect(refused.status == 2)
            #expect(refused.output.contains("\(bad):5:3: keys.frobnicate: unknown action"), "\(refused.output)")
            let clash = temporaryPath("clash.yaml")
            try """
            service: x
            sources: [{name: h, kind: health, url: "http://127.0.0.1:9/health"}]
            keys:
              rollback: q
            """.write(toFile: clash, atomically: true, encoding: .utf8)
            let clashed = try spawn(["/bin/sh", "-c", "'\(binary)' check --config '\(clash)' 2>&1"])
            #expect(clashed.status == 2)
            #expect(clashed.output.contains("q is bound to both quit and rollback"), "\(clashed.output)")
        }
    }
}
