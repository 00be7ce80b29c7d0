import Foundation
import Testing

extension EndToEnd {
@Suite("warroom probe", .serialized)
struct ProbeEndToEndTests {
    @Test("probe reads health and scrape sources, and fails with the reason: refused, HTTP status, parse error with its line")
    func probe() async throws {
        let binary = try warroomBinary()
        let (pid, fd) = try start([binary, "simulate", "--port", "0", "--scenario", "calm"])
        defer { kill(pid, SIGTERM); close(fd) }
        var banner = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: banner, as: UTF8.self).contains("\n") {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            banner.append(contentsOf: buffer[0 ..< n])
        }
        let text = String(decoding: banner, as: UTF8.self)
        let port = try #require(text.split(separator: ":").dropFirst(2).first?.prefix { $0.isNumber }).description
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
