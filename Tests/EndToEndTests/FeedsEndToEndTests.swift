import Foundation
import Testing
import WarRoomCore
import WarRoomRuntime
import WarRoomTestSupport

/// Start `warroom simulate` on a free port; returns its pid, pipe and port.
func startSimulator(_ binary: String) throws -> (pid: pid_t, fd: Int32, port: Int) {
    let (pid, fd) = try start([binary, "simulate", "--port", "0", "--scenario", "calm"])
    var banner = Data()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while !String(decoding: banner, as: UTF8.self).contains("\n") {
        let n = read(fd, &buffer, buffer.count)
        if n <= 0 { break }
        banner.append(contentsOf: buffer[0 ..< n])
    }
    let text = String(decoding: banner, as: UTF8.self)
    guard let port = text.split(separator: ":").dropFirst(2).first.flatMap({ Int($0.prefix { $0.isNumber }) }) else {
        throw TmuxError("no port in the simulator's banner: \(text)")
    }
    return (pid, fd, port)
}

extension EndToEnd {
    @Suite("Feeds end to end: all four kinds against real servers", .serialized)
    struct FeedsEndToEndTests {
        @Test(
            "warroom run reads health, scrape, a real Prometheus and a real Alertmanager; a killed Prometheus goes stale within two intervals and recovers"
        )
        func allFourKinds() async throws {
            let binary = try warroomBinary()
            let sim = try startSimulator(binary)
            defer {
                kill(sim.pid, SIGTERM)
                close(sim.fd)
            }
            guard var prom = try startPrometheus(scraping: [("sim", "127.0.0.1:\(sim.port)", "/metrics")]),
                let am = try startAlertmanager()
            else { return }
            try await prom.waitReady("http://127.0.0.1:\(prom.port)/-/ready")
            try await am.waitReady("http://127.0.0.1:\(am.port)/-/ready")
            let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
            try await post(
                "http://127.0.0.1:\(am.port)/api/v2/alerts",
                json: """
                    [{"labels": {"alertname": "CanaryErrors", "severity": "critical"}, "annotations": {"summary": "canary 5xx high"}, "endsAt": "\(future)"}]
                    """)

            // No commands: the canary stays at 0%, so its values come from Prometheus alone.
            let config = temporaryPath("all.yaml")
            try """
            service: checkout
            sources:
              - {name: health, kind: health, url: "http://127.0.0.1:\(sim.port)/health", interval: 2s,
                 fields: {stable.throughput: $.cohorts.stable.requests_per_minute}}
              - {name: scrape, kind: scrape, url: "http://127.0.0.1:\(sim.port)/metrics", interval: 2s}
              - name: prometheus
                kind: prometheus
                url: http://127.0.0.1:\(prom.port)
                interval: 2s
                timeout: 1s
                backfill: 1m
                queries:
                  canary.latency_p95: vector(0.4242)
                  canary.error_rate: vector(0.0123)
              - {name: alerts, kind: alertmanager, url: "http://127.0.0.1:\(am.port)", interval: 2s}
            """.write(toFile: config, atomically: true, encoding: .utf8)
            let check = try spawn([binary, "check", "--config", config])
            #expect(check.status == 0, "\(check.output)")

            let journal = temporaryPath("all.sqlite")
            let tmux = try Tmux(
                command: "'\(binary)' run --config '\(config)' --journal '\(journal)' --log '\(journal).log'; echo EXIT=$?; sleep 600",
                width: 200, height: 50)
            try await tmux.waitFor("values from all sources", seconds: 30) {
                $0.contains("424 ms") && $0.contains("1.23%") && $0.contains("alert CanaryErrors FIRING (SEV-1)") && $0.contains("✓ alerts")
            }

            // Kill Prometheus: within two intervals its source is down and its values stale.
            let killed = Date()
            prom.kill(SIGKILL)
            let down = try await tmux.waitFor("prometheus down", seconds: 10) { $0.contains("✖ prometheus DOWN") && $0.contains("? stale") }
            #expect(Date().timeIntervalSince(killed) <= 4.5, "took \(Date().timeIntervalSince(killed))s")
            #expect(down.contains("connection refused"))

            // Bring it back on the same port and data: the source returns and says for how long it was gone.
            prom = try #require(
                try startPrometheus(scraping: [("sim", "127.0.0.1:\(sim.port)", "/metrics")], port: prom.port, directory: prom.directory))
            try await tmux.waitFor("prometheus back", seconds: 40) { $0.contains("source prometheus back after") }
            try await tmux.waitFor("fresh values", seconds: 10) { !$0.contains("✖ prometheus DOWN") && $0.contains("424 ms") }

            try tmux.sendKeys("q")
            try await tmux.waitFor("the confirmation", seconds: 5) { $0.contains("incident #1 is open: press q or Ctrl-C again") }
            try tmux.sendKeys("q")
            try await tmux.waitFor("the shell", seconds: 15) { $0.contains("EXIT=0") }

            let events = try SQLiteJournalReader(path: journal).history()  // events and the samples store
            var sources: Set<String> = []
            for case .samples(let source, _) in events.map(\.event) { sources.insert(source) }
            #expect(sources == ["health", "scrape", "prometheus"])
            #expect(events.contains { if case .alert(let a) = $0.event { a.name == "CanaryErrors" && a.level == .sev1 } else { false } })
            #expect(events.contains { if case .history(let s, _) = $0.event { s == "prometheus" } else { false } })
            #expect(events.contains { if case .sourceDown(let s, _) = $0.event { s == "prometheus" } else { false } })
            _ = am
        }

        @Test("probe reads a Prometheus query URL and an Alertmanager, and fails with Prometheus' own words")
        func probeKinds() async throws {
            let binary = try warroomBinary()
            guard let prom = try startPrometheus(scraping: []), let am = try startAlertmanager() else { return }
            try await prom.waitReady("http://127.0.0.1:\(prom.port)/-/ready")
            try await am.waitReady("http://127.0.0.1:\(am.port)/-/ready")
            let ok = try spawn([binary, "probe", "--kind", "prometheus", "http://127.0.0.1:\(prom.port)/api/v1/query?query=vector(7)"])
            #expect(ok.status == 0)
            #expect(ok.output.contains("vector  1 series"), "\(ok.output)")
            let bad = try spawn(["/bin/sh", "-c", "'\(binary)' probe --kind prometheus 'http://127.0.0.1:\(prom.port)/api/v1/query?query=sum(' 2>&1"])
            #expect(bad.status == 1)
            #expect(bad.output.contains("bad_data"), "\(bad.output)")
            let alerts = try spawn([binary, "probe", "--kind", "alertmanager", "http://127.0.0.1:\(am.port)"])
            #expect(alerts.status == 0)
            #expect(alerts.output.contains("0 alerts"), "\(alerts.output)")
            let refused = try spawn(["/bin/sh", "-c", "'\(binary)' probe --kind alertmanager http://127.0.0.1:9 2>&1"])
            #expect(refused.status == 1)
            #expect(refused.output.contains("connection refused"))
        }
    }

    @Suite("Terminals and colour depths", .serialized)
    struct TerminalMatrixEndToEndTests {
        /// SGR colour parameters in a `capture-pane -e` dump.
        static func hasColour(_ text: String) -> Bool {
            var rest = Substring(text)
            while let start = rest.range(of: "\u{1B}[") {
                let params = rest[start.upperBound...].prefix { $0.isNumber || $0 == ";" }
                rest = rest[start.upperBound...].dropFirst(params.count)
                guard rest.first == "m" else { continue }
                for p in params.split(separator: ";").compactMap({ Int($0) }) {
                    if (30 ... 37).contains(p) || (40 ... 47).contains(p) || (90 ... 97).contains(p) || (100 ... 107).contains(p) || p == 38
                        || p == 48
                    {
                        return true
                    }
                }
            }
            return false
        }

        @Test(
            "the dashboard is right under each TERM and colour depth",
            arguments: [
                ("xterm-256color", nil as String?, true), ("tmux-256color", nil, true), ("screen-256color", nil, true),
                ("linux", nil, true), ("vt100", nil, false), ("tmux-256color", "mono", false), ("tmux-256color", "8", true),
                ("tmux-256color", "16", true), ("tmux-256color", "256", true), ("xterm-256color", "truecolor", true),
            ])
        func term(_ term: String, _ colors: String?, _ coloured: Bool) async throws {
            let binary = try warroomBinary()
            let journal = temporaryPath("term.sqlite")
            let flag = colors.map { " --colors \($0)" } ?? ""
            // tmux sets TERM in its panes to its own default-terminal: set it for the program itself.
            let tmux = try Tmux(
                command: "TERM=\(term) '\(binary)' demo --scenario calm --journal '\(journal)'\(flag); echo EXIT=$?; sleep 600",
                width: 160, height: 48)
            try await tmux.waitFor("the dashboard under \(term)", seconds: 30) { $0.contains("canary at 1%") && $0.contains("Live metrics") }
            let screen = tmux.capture(colors: true)
            #expect(
                Self.hasColour(screen) == coloured,
                "TERM=\(term) colors=\(colors ?? "auto"): colour expected \(coloured): \(screen.prefix(400).debugDescription)")
            // Status never by colour alone: the words are on screen at every depth.
            #expect(tmux.capture().contains("✓ ok") || tmux.capture().contains("ok"))
            try tmux.sendKeys("q")
            try await tmux.waitFor("the shell", seconds: 15) { $0.contains("EXIT=0") }
        }

        @Test("every shipped theme runs the dashboard; the wallboard shows its banner")
        func themes() async throws {
            let binary = try warroomBinary()
            let journal = temporaryPath("themes.sqlite")
            for theme in ["dark", "light", "high-contrast", "solarized", "colorblind", "mono"] {
                let tmux = try Tmux(
                    command: "'\(binary)' demo --scenario calm --journal '\(journal)-\(theme)' --theme \(theme); echo EXIT=$?; sleep 600")
                try await tmux.waitFor("the \(theme) theme", seconds: 30) { $0.contains("canary at 1%") }
                try tmux.sendKeys("q")
                try await tmux.waitFor("the shell", seconds: 15) { $0.contains("EXIT=0") }
            }
            let commander = try Tmux(command: "'\(binary)' demo --scenario calm --journal '\(journal)'; sleep 600")
            try await commander.waitFor("the commander", seconds: 30) { $0.contains("canary at 1%") }
            let wall = try Tmux(
                command: "'\(binary)' wallboard --journal '\(journal)' --theme high-contrast; echo EXIT=$?; sleep 600", width: 160, height: 48)
            let board = try await wall.waitFor("the banner", seconds: 20) {
                $0.contains("SEVERITY") && $0.contains("CANARY") && $0.contains("READ-ONLY")
            }
            #expect(board.contains("█"), "the banner's digits are large")
            #expect(!board.contains("q quit"), "no key footer on a wallboard")
            let bad = try spawn(["/bin/sh", "-c", "'\(binary)' demo --theme /nonexistent.yaml 2>&1"])
            #expect(bad.status == 2)
            #expect(bad.output.contains("/nonexistent.yaml"))
        }

        @Test("--mouse lets the wheel scroll the timeline")
        func mouseWheel() async throws {
            let binary = try warroomBinary()
            let journal = temporaryPath("mouse.sqlite")
            let tmux = try Tmux(command: "'\(binary)' demo --scenario calm --journal '\(journal)' --mouse; echo EXIT=$?; sleep 600")
            try await tmux.waitFor("the dashboard", seconds: 30) { $0.contains("canary at 1%") }
            // What a terminal sends for two turns of the wheel down (X10 mouse encoding, as tmux-256color declares).
            for _ in 0 ..< 2 { try tmux.run(["send-keys", "-l", "\u{1B}[Ma++"]) }
            try await tmux.waitFor("the timeline scrolled", seconds: 5) { $0.contains("↓2 newer") }
            try tmux.sendKeys("q")
            try await tmux.waitFor("the shell", seconds: 15) { $0.contains("EXIT=0") }
        }
    }
}
