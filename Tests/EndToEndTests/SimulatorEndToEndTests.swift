import Foundation
import Testing
import WarRoomTestSupport

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    @Suite("The simulator alone")
    struct SimulatorEndToEndTests {
        /// Voluntary context switches over every thread of `pid`: each is a
        /// thread that went to sleep, so each is a wake-up to come.
        static func sleeps(_ pid: pid_t) -> Int {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            return tasks.reduce(0) { total, tid in
                let status = (try? String(contentsOfFile: "/proc/\(pid)/task/\(tid)/status", encoding: .utf8)) ?? ""
                let line = status.split(separator: "\n").first { $0.hasPrefix("voluntary_ctxt_switches:") }
                return total + (line.flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0)
            }
        }

        @Test("warroom simulate answers with a Date and its name, and between requests nothing in it wakes: no timer of its own")
        func idle() async throws {
            let binary = try warroomBinary()
            let sim = try startSimulator(binary)
            defer {
                kill(sim.pid, SIGTERM)
                close(sim.fd)
            }
            let (status, headers) = try await head("http://127.0.0.1:\(sim.port)/health")
            #expect(status == 200)
            #expect(headers["server"] == "warroom-simulator")
            let date = try #require(headers["date"])
            let parsed = try #require(Self.imfFixdate.date(from: date), "not an IMF-fixdate: \(date)")
            #expect(abs(parsed.timeIntervalSinceNow) < 120)

            // Hummingbird's Application refreshes a date cache every second:
            // about three sleeps a second in all (the timer's thread twice, a
            // worker once). Idle, two seconds pass with at most two sleeps.
            // A busy machine preempts (involuntary switches), and never adds
            // voluntary ones, so this waits for a quiet window, not a time.
            var windows: [Int] = []
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let before = Self.sleeps(sim.pid)
                try await Task.sleep(for: .seconds(2))
                windows.append(Self.sleeps(sim.pid) - before)
                if windows.last! <= 2 { break }
            }
            #expect(windows.last.map { $0 <= 2 } == true, "sleeps in each 2 s window: \(windows)")
        }

        static let imfFixdate: DateFormatter = {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "GMT")
            f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            return f
        }()
    }
}
