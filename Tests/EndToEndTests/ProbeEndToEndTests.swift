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
        defer { kill(sim.pid, SIGTERM); close(sim.fd) }
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
}
}
