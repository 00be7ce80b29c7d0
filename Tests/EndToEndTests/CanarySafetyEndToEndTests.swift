import Foundation
import Testing
import WarRoomCore
import WarRoomRuntime
import WarRoomTestSupport

/// Issue 12 through the real program, the real simulator and tmux.
extension EndToEnd {
    @Suite("Canary safety in tmux", .serialized)
    struct CanarySafetyEndToEndTests {
        /// A `run` config on a calm simulator; `setTraffic` is the command's YAML.
        func config(port: Int, setTraffic: String? = nil, extra: String = "") throws -> String {
            let path = temporaryPath("warroom.yaml")
            let traffic =
                setTraffic ?? #"{webhook: {method: POST, url: "http://127.0.0.1:\#(port)/traffic", body: '{"percent": {percent}}'}, timeout: 5s}"#
            try """
            service: checkout
            sources:
              - {name: health, kind: health, url: "http://127.0.0.1:\(port)/health", interval: 1s, timeout: 800ms}
            canary:
              steps:
                - {weight: 1%, hold: 4s}
                - {weight: 5%, hold: 4s}
                - {weight: 25%, hold: 4s}
                - {weight: 100%}
              analysis:
                interval: 2s
                metrics:
                  - {metric: error_rate, max: 5%, max_increase: 2%}
            roster:
              tiers:
                - {tier: Primary, name: Ana Ruiz, handle: "@ana", escalate_after: 15m}
            abort_window: 1s
            commands:
              set_traffic: \(traffic)
              rollback: {webhook: {method: POST, url: "http://127.0.0.1:\(port)/rollback", body: '{}'}, timeout: 5s}
              read_traffic: {webhook: {method: GET, url: "http://127.0.0.1:\(port)/traffic"}, timeout: 2s, interval: 1s}
            \(extra)
            """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        func simulatorPercent(_ port: Int) throws -> Double? {
            let out = try spawn(["curl", "-s", "http://127.0.0.1:\(port)/state"]).output
            let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
            return (object?["canary_percent"] as? NSNumber)?.doubleValue
        }

        func run(_ binary: String, config: String, journal: String, flags: String = "") throws -> Tmux {
            try Tmux(command: "'\(binary)' run --config '\(config)' --journal '\(journal)' --log '\(journal).log' \(flags); echo EXIT=$?; sleep 600")
        }

        func commands(_ journal: String) throws -> [CommandRequest] {
            try SQLiteJournalReader(path: journal).events().compactMap { if case .commandIssued(let r) = $0.event { r } else { nil } }
        }

        @Test("run on a new journal sends nothing until L starts it; a declared SEV-2 then holds the canary")
        func explicitStartAndIncidentHold() async throws {
            let binary = try warroomBinary()
            let sim = try startSimulator(binary)
            defer {
                kill(sim.pid, SIGTERM)
                close(sim.fd)
            }
            let journal = temporaryPath("start.sqlite")
            let tmux = try run(binary, config: try config(port: sim.port), journal: journal)
            try await tmux.waitFor("the start prompt", seconds: 30) { $0.contains("Not started: press L to start") && $0.contains("✓ health") }
            // Several holds' worth of time: still nothing sent.
            try await tmux.waitFor("a few analysis intervals", seconds: 30) { _ in
                ((try? SQLiteJournalReader(path: journal).history().filter { $0.event.kind == "samples" }.count) ?? 0) >= 6
            }
            #expect(try commands(journal).isEmpty, "opening the war room changes no traffic")
            #expect(try simulatorPercent(sim.port) == 0)

            // Declare SEV-2 first, then start: the first step is held by the incident.
            try tmux.sendKeys("D")
            try tmux.run(["send-keys", "-l", "search is slow"])
            try tmux.sendKeys("Enter")
            try tmux.sendKeys("2")
            try await tmux.waitFor("the incident", seconds: 10) { $0.contains("INCIDENT #1 SEV-2") }
            try tmux.sendKeys("L")
            try await tmux.waitFor("the armed start", seconds: 5) {
                $0.contains("ARMED: start the launch") && $0.contains("/traffic") && $0.contains("\"percent\": 1")
            }
            try tmux.run(["send-keys", "-l", "go for launch"])
            try tmux.sendKeys("Enter")
            try await tmux.waitFor("the hold", seconds: 15) { $0.contains("canary held: incident #1 open at SEV-2") }
            #expect(try commands(journal).isEmpty, "no step into an open SEV-2")

            // A person's set traffic is refused with the hold; O overrides it, with a reason.
            try tmux.sendKeys("t")
            try tmux.run(["send-keys", "-l", "5"])
            try tmux.sendKeys("Enter")
            try await tmux.waitFor("the refusal", seconds: 5) { $0.contains("held: incident #1 open at SEV-2") && $0.contains("O overrides") }
            try tmux.sendKeys("O")
            try await tmux.waitFor("the armed override", seconds: 5) { $0.contains("ARMED: override the holds") }
            try tmux.run(["send-keys", "-l", "SEV-2 is search, not checkout"])
            try tmux.sendKeys("Enter")
            try await tmux.waitFor("the first step", seconds: 20) { $0.contains("canary at 1% (stage 1/4)") }
            #expect(try simulatorPercent(sim.port) == 1)
            let events = try SQLiteJournalReader(path: journal).events()
            #expect(
                events.contains { if case .holdsOverridden(_, _, let reason) = $0.event { reason == "SEV-2 is search, not checkout" } else { false } }
            )
            // Held again at the next step: the override lasted one step.
            try await tmux.waitFor("the next step's hold passed", seconds: 30) {
                $0.contains("Next 5% in 00:00") && $0.contains("held: incident #1 open at SEV-2")
            }
            #expect(try commands(journal).count == 1)
            try tmux.sendKeys("q", "q")
            try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=0") }
        }

        @Test("a critical alert from a real Alertmanager opens SEV-1: the canary holds and is rolled back at once")
        func alertSev1RollsBack() async throws {
            let binary = try warroomBinary()
            let sim = try startSimulator(binary)
            defer {
                kill(sim.pid, SIGTERM)
                close(sim.fd)
            }
            guard let am = try startAlertmanager() else { return }
            try await am.waitReady("http://127.0.0.1:\(am.port)/-/ready")
            let path = try config(port: sim.port)
            var text = try String(contentsOfFile: path, encoding: .utf8)
            text = text.replacingOccurrences(of: "- {weight: 1%, hold: 4s}", with: "- {weight: 1%, hold: 1h}")
            text = text.replacingOccurrences(
                of: "sources:\n", with: "sources:\n  - {name: alerts, kind: alertmanager, url: \"http://127.0.0.1:\(am.port)\", interval: 1s}\n")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let journal = temporaryPath("alert.sqlite")
            let tmux = try run(binary, config: path, journal: journal, flags: "--start")
            try await tmux.waitFor("the first step", seconds: 30) { $0.contains("canary at 1% (stage 1/4)") }
            #expect(try simulatorPercent(sim.port) == 1)
            let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
            try await post(
                "http://127.0.0.1:\(am.port)/api/v2/alerts",
                json: """
                    [{"labels": {"alertname": "CheckoutDown", "severity": "critical"}, "annotations": {"summary": "checkout 5xx"}, "endsAt": "\(future)"}]
                    """)
            try await tmux.waitFor("the automatic rollback", seconds: 30) {
                $0.contains("INCIDENT #1 SEV-1") && $0.contains("canary rolled back: all traffic on stable")
            }
            #expect(try simulatorState(port: sim.port)["rolled_back"] as? Bool == true)
            let issued = try commands(journal)
            #expect(issued.map(\.action) == [.setTraffic(percent: 1), .rollback], "never a step into the SEV-1")
            #expect(issued.last?.reason == "SEV-1: immediate rollback (runbook)")
            // status agrees with the incident.
            let status = try spawn([binary, "status", "--journal", journal])
            #expect(status.output.contains("severity  SEV-1"), "\(status.output)")
            try tmux.sendKeys("q", "q")
            try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=0") }
        }

        @Test("an off-plan weight sits between steps on screen, and promote goes up from it, never down")
        func offPlanThenPromote() async throws {
            let binary = try warroomBinary()
            let sim = try startSimulator(binary)
            defer {
                kill(sim.pid, SIGTERM)
                close(sim.fd)
            }
            var text = try String(contentsOfFile: try config(port: sim.port), encoding: .utf8)
            text = text.replacingOccurrences(of: "hold: 4s}", with: "hold: 1h}")
            let path = temporaryPath("offplan.yaml")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let journal = temporaryPath("offplan.sqlite")
            let tmux = try run(binary, config: path, journal: journal, flags: "--start")
            try await tmux.waitFor("the first step and a passing check", seconds: 30) {
                $0.contains("canary at 1% (stage 1/4)") && $0.contains("Checks ✓1")
            }
            try tmux.sendKeys("t")
            try tmux.run(["send-keys", "-l", "10"])
            try tmux.sendKeys("Enter")
            try await tmux.waitFor("the armed change", seconds: 5) { $0.contains("ARMED: set traffic 10%") && $0.contains(#""percent": 10"#) }
            try tmux.run(["send-keys", "-l", "more signal"])
            try tmux.sendKeys("Enter")
            let screen = try await tmux.waitFor("the off-plan weight", seconds: 15) {
                $0.contains("canary at 10% (off plan, between 5% and 25%)") && $0.contains("off plan, 5%▸25%")
            }
            #expect(screen.contains("PROGRESSING"))
            #expect(try simulatorPercent(sim.port) == 10)
            try await tmux.waitFor("a check at 10%", seconds: 15) { $0.contains("Checks ✓1") && $0.contains("Next 25% in") }
            try tmux.sendKeys(">")
            try await tmux.waitFor("promote upwards", seconds: 5) { $0.contains("ARMED: promote to 25%") }
            try tmux.sendKeys("Escape")
            try tmux.sendKeys("q")
            try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=0") }
        }

        @Test("an acknowledged SEV-3 raised to SEV-1 pages the tiers SEV-1 adds, and the roster says so")
        func ackThenRise() async throws {
            let binary = try warroomBinary()
            let sim = try startSimulator(binary)
            defer {
                kill(sim.pid, SIGTERM)
                close(sim.fd)
            }
            let path = temporaryPath("rise.yaml")
            try """
            service: checkout
            sources:
              - {name: health, kind: health, url: "http://127.0.0.1:\(sim.port)/health", interval: 1s, timeout: 800ms}
            roster:
              tiers:
                - {tier: Primary, name: Ana Ruiz, handle: "@ana", escalate_after: 15m}
                - {tier: Secondary, name: Ben Okafor, handle: "@ben", escalate_after: 30m}
                - {tier: Eng lead, name: Chen Wei, handle: "@chen", escalate_after: 1h}
            paging: {program: [/bin/echo, "PAGE {handle}"], timeout: 5s}
            """.write(toFile: path, atomically: true, encoding: .utf8)
            let journal = temporaryPath("rise.sqlite")
            let tmux = try run(binary, config: path, journal: journal)
            try await tmux.waitFor("the dashboard", seconds: 30) { $0.contains("✓ health") }
            try tmux.sendKeys("D")
            try tmux.run(["send-keys", "-l", "checkout slow"])
            try tmux.sendKeys("Enter")
            try tmux.sendKeys("3")
            try await tmux.waitFor("the primary paged", seconds: 10) { $0.contains("page to Ana Ruiz delivered") }
            try tmux.sendKeys("A")
            try await tmux.waitFor("the ack", seconds: 5) { $0.contains("✓ Acknowledged by") }
            try tmux.sendKeys("S")
            try tmux.sendKeys("1")
            let screen = try await tmux.waitFor("the secondary paged after the rise", seconds: 15) {
                $0.contains("escalation widened for SEV-1 after the acknowledgement") && $0.contains("page to Ben Okafor delivered")
            }
            #expect(!screen.contains("not paged at SEV-3"), "the roster shows the current severity's policy")
            let pages = try SQLiteJournalReader(path: journal).events().compactMap {
                if case .pageIssued(let p) = $0.event { p.person.name } else { nil }
            }
            #expect(pages == ["Ana Ruiz", "Ben Okafor"], "the lead comes after the secondary's escalate_after, not at once")
            try tmux.sendKeys("q", "q")
            try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=0") }
        }

        @Test("a hanging set_traffic never delays a rollback: sent within the abort window plus 1 s, the hung command recorded as unknown")
        func hangingCommandThenRollback() async throws {
            let binary = try warroomBinary()
            let sim = try startSimulator(binary)
            defer {
                kill(sim.pid, SIGTERM)
                close(sim.fd)
            }
            let marker = temporaryPath("hung.pid")
            let hang = #"{program: [/bin/sh, -c, "echo $$ > \#(marker); exec sleep 120"], timeout: 120s}"#
            let journal = temporaryPath("hang.sqlite")
            let tmux = try run(binary, config: try config(port: sim.port, setTraffic: hang), journal: journal, flags: "--start")
            try await tmux.waitFor("the hanging command", seconds: 30) { $0.contains("Sending: set traffic 1%") }
            try await tmux.waitFor("the program", seconds: 10) { _ in FileManager.default.fileExists(atPath: marker) }
            let hungPid = pid_t(try String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            #expect(hungPid > 0)

            try tmux.sendKeys("r")
            try await tmux.waitFor("the armed rollback", seconds: 5) { $0.contains("ARMED: rollback") }
            try tmux.run(["send-keys", "-l", "stuck controller"])
            let confirmed = Date()
            try tmux.sendKeys("Enter")
            try await tmux.waitFor("the rollback", seconds: 10) { $0.contains("canary rolled back: all traffic on stable") }
            // Measured from the journal: issued within the abort window (1 s) plus 1 s of the confirmation.
            let events = try SQLiteJournalReader(path: journal).events()
            let issued = try #require(events.first { if case .commandIssued(let r) = $0.event { r.action == .rollback } else { false } })
            #expect(issued.time.timeIntervalSince(confirmed) <= 2.0, "rollback issued \(issued.time.timeIntervalSince(confirmed))s after Enter")
            let unknown = events.compactMap { if case .commandFinished(_, let o) = $0.event, o.isUnknown { o.detail } else { nil } }
            #expect(unknown == ["outcome unknown (pre-empted by rollback)"])
            // The hung program's process group is gone.
            try await tmux.waitFor("the hung program killed", seconds: 10) { _ in !isRunning(hungPid) }
            #expect(try simulatorState(port: sim.port)["rolled_back"] as? Bool == true)
            try tmux.sendKeys("q")
            try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=0") }
        }

        @Test(
            "a quit while a traffic command hangs ends within the drain's 3 s: the command recorded as unknown, its program left running, and a restart sends nothing twice"
        )
        func quitWhileCommandHangs() async throws {
            let binary = try warroomBinary()
            let sim = try startSimulator(binary)
            defer {
                kill(sim.pid, SIGTERM)
                close(sim.fd)
            }
            let marker = temporaryPath("quit-hung.pid")
            let hang = #"{program: [/bin/sh, -c, "echo $$ > \#(marker); exec sleep 120"], timeout: 120s}"#
            let journal = temporaryPath("quit-hang.sqlite")
            let config = try config(port: sim.port, setTraffic: hang)
            let tmux = try run(binary, config: config, journal: journal, flags: "--start")
            try await tmux.waitFor("the hanging command", seconds: 30) { $0.contains("Sending: set traffic 1%") }
            try await tmux.waitFor("the program", seconds: 10) { _ in FileManager.default.fileExists(atPath: marker) }
            let hungPid = pid_t(try String(contentsOfFile: marker, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            defer { if hungPid > 0 { kill(-hungPid, SIGKILL) } }
            #expect(hungPid > 0)

            let quit = Date()
            try tmux.sendKeys("q")
            let after = try await tmux.waitFor("the shell", seconds: 20) { $0.contains("EXIT=0") }
            #expect(after.contains("recorded as of unknown outcome (a program may still be running)"), "the exit says so: \(after)")
            // 3 s of drain, and the rest of the shutdown; a watchdog's 120 s would be far beyond.
            #expect(Date().timeIntervalSince(quit) < 12, "the quit took \(Date().timeIntervalSince(quit)) s")
            let unknown = try SQLiteJournalReader(path: journal).events().compactMap {
                if case .commandFinished(_, let o) = $0.event, o.isUnknown { o.detail } else { nil }
            }
            #expect(unknown == ["outcome unknown (warroom quit before it reported; it may still be running)"])
            #expect(isRunning(hungPid), "a quit never kills a command halfway")

            // The restart finds nothing in flight: it records no second outcome, and holds (the traffic is not known).
            let second = try run(binary, config: config, journal: journal)
            try await second.waitFor("the unknown outcome", seconds: 30) { $0.contains("OUTCOME UNKNOWN") }
            try second.sendKeys("q")
            try await second.waitFor("the shell", seconds: 10) { $0.contains("EXIT=0") }
            let outcomes = try SQLiteJournalReader(path: journal).events().filter { if case .commandFinished = $0.event { true } else { false } }
            #expect(outcomes.count == 1, "\(outcomes.map(\.event))")
        }

        @Test("a note typed just before q is recorded: the intents are handled before the session stops")
        func noteJustBeforeQuit() async throws {
            let binary = try warroomBinary()
            let sim = try startSimulator(binary)
            defer {
                kill(sim.pid, SIGTERM)
                close(sim.fd)
            }
            let journal = temporaryPath("note-quit.sqlite")
            let tmux = try run(binary, config: try config(port: sim.port), journal: journal)
            try await tmux.waitFor("the dashboard", seconds: 30) { $0.contains("Live metrics") }
            try tmux.sendKeys("n")
            try tmux.run(["send-keys", "-l", "last words before the quit"])
            try tmux.run(["send-keys", "Enter", "q"])  // one write: the quit right behind the note
            try await tmux.waitFor("the shell", seconds: 20) { $0.contains("EXIT=0") }
            let notes = try SQLiteJournalReader(path: journal).events().compactMap { if case .note(let text, _) = $0.event { text } else { nil } }
            #expect(notes == ["last words before the quit"])
        }

        @Test("kill -9 while a traffic command is in flight: the restart closes it as unknown, pauses, and a rollback goes through")
        func killDuringCommandThenRollback() async throws {
            let binary = try warroomBinary()
            let sim = try startSimulator(binary)
            defer {
                kill(sim.pid, SIGTERM)
                close(sim.fd)
            }
            let hang = #"{program: [/bin/sleep, "120"], timeout: 120s}"#
            let journal = temporaryPath("crash.sqlite")
            let config = try config(port: sim.port, setTraffic: hang)
            let first = try run(binary, config: config, journal: journal, flags: "--start")
            try await first.waitFor("the command in flight", seconds: 30) { $0.contains("Sending: set traffic 1%") }
            let pid = pid_t(first.display("#{pane_pid}")) ?? 0
            // The pane runs sh -c; warroom is its child.
            let child = try spawn(["pgrep", "-P", "\(pid)", "-f", "warroom"]).output.split(separator: "\n").first.flatMap { pid_t($0) } ?? 0
            #expect(child > 0)
            kill(child, SIGKILL)
            try await first.waitFor("the crash", seconds: 10) { $0.contains("EXIT=137") }

            let second = try run(binary, config: config, journal: journal)
            try await second.waitFor("the unknown outcome", seconds: 30) {
                $0.contains("OUTCOME UNKNOWN") && $0.contains("PAUSED")
            }
            try second.sendKeys("r")
            try await second.waitFor("the armed rollback", seconds: 5) { $0.contains("ARMED: rollback") }
            try second.run(["send-keys", "-l", "after the crash"])
            try second.sendKeys("Enter")
            try await second.waitFor("the rollback", seconds: 15) { $0.contains("canary rolled back: all traffic on stable") }
            let events = try SQLiteJournalReader(path: journal).events()
            #expect(
                events.contains {
                    if case .commandFinished(_, let o) = $0.event {
                        o.detail == "outcome unknown (warroom restarted while it was in flight)"
                    } else {
                        false
                    }
                })
            #expect(try simulatorState(port: sim.port)["rolled_back"] as? Bool == true)
            try second.sendKeys("q")
            try await second.waitFor("the shell", seconds: 10) { $0.contains("EXIT=0") }
        }

        @Test("drift: the simulator's weight changed behind warroom's back is shown loudly and holds the canary")
        func driftShown() async throws {
            let binary = try warroomBinary()
            let sim = try startSimulator(binary)
            defer {
                kill(sim.pid, SIGTERM)
                close(sim.fd)
            }
            let journal = temporaryPath("drift.sqlite")
            var text = try String(contentsOfFile: try config(port: sim.port), encoding: .utf8)
            // A long first step, so nothing moves but the drift.
            text = text.replacingOccurrences(of: "- {weight: 1%, hold: 4s}", with: "- {weight: 1%, hold: 1h}")
            let path = temporaryPath("drift.yaml")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let tmux = try run(binary, config: path, journal: journal, flags: "--start")
            try await tmux.waitFor("the first step", seconds: 30) { $0.contains("canary at 1% (stage 1/4)") }
            _ = try spawn(["curl", "-s", "-X", "POST", "-d", #"{"percent": 25}"#, "http://127.0.0.1:\(sim.port)/traffic"])
            let screen = try await tmux.waitFor("the drift", seconds: 10) { $0.contains("DRIFT: plan says 1%, controller says 25%") }
            #expect(screen.contains("✖ DRIFT"))
            let status = try spawn([binary, "status", "--journal", journal])
            #expect(status.output.contains("DRIFT     plan says 1%, controller says 25%"), "\(status.output)")
            try tmux.sendKeys("q")
            try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=0") }
        }

        /// A health endpoint on loopback (python3's http.server) whose error rate cycles
        /// through the values in `values` (rewritten by the test), one per request.
        func hoveringServer(values: String) throws -> (pid: pid_t, fd: Int32, port: Int, file: String) {
            let file = temporaryPath("values.txt")
            try values.write(toFile: file, atomically: true, encoding: .utf8)
            let port = freePort()
            let script = """
                import http.server, json
                n = [0]
                class H(http.server.BaseHTTPRequestHandler):
                    def do_GET(self):
                        values = [float(v) for v in open('\(file)').read().split(',')]
                        e = values[n[0] % len(values)]; n[0] += 1
                        body = json.dumps({"status": "ok", "error_rate": e, "avg_response_time": 120, "requests_per_minute": 1000}).encode()
                        self.send_response(200); self.send_header('Content-Type', 'application/json')
                        self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
                    def log_message(self, *a): pass
                http.server.HTTPServer(('127.0.0.1', \(port)), H).serve_forever()
                """
            let (pid, fd) = try start(["/usr/bin/env", "python3", "-c", script])
            return (pid, fd, port, file)
        }

        @Test("a value hovering at a threshold with for: and a clear margin does not flap: one crossing, one incident, one page")
        func hoveringWithFor() async throws {
            let binary = try warroomBinary()
            let server = try hoveringServer(values: "0.052,0.049")
            defer {
                kill(server.pid, SIGTERM)
                close(server.fd)
            }
            let journal = temporaryPath("hover.sqlite")
            let path = temporaryPath("hover.yaml")
            try """
            service: checkout
            sources:
              - {name: health, kind: health, url: "http://127.0.0.1:\(server.port)/health", interval: 1s, timeout: 800ms}
            severity:
              error_rate: {sev3: 5%, sev2: 10%, sev1: 20%, for: 3s, clear_margin: 1%}
            roster:
              tiers:
                - {tier: Primary, name: Ana Ruiz, handle: "@ana", escalate_after: 15m}
            paging: {program: [/bin/echo, "PAGE {handle}"], timeout: 5s}
            """.write(toFile: path, atomically: true, encoding: .utf8)
            func samples() -> Int { ((try? SQLiteJournalReader(path: journal).history().filter { $0.event.kind == "samples" }.count) ?? 0) }
            let tmux = try run(binary, config: path, journal: journal)
            try await tmux.waitFor("twelve polls", seconds: 60) { _ in samples() >= 12 }
            var events = try SQLiteJournalReader(path: journal).events()
            #expect(!events.contains { $0.event.kind == "threshold_crossed" }, "never 3 s above 5% in a row")
            // Above the line for good, then hovering inside the margin: one crossing, one incident, one page.
            try "0.052".write(toFile: server.file, atomically: true, encoding: .utf8)
            try await tmux.waitFor("the incident", seconds: 30) { $0.contains("INCIDENT #1 SEV-3") }
            try "0.052,0.046".write(toFile: server.file, atomically: true, encoding: .utf8)
            let seen = samples()
            try await tmux.waitFor("twelve more polls", seconds: 60) { _ in samples() >= seen + 12 }
            events = try SQLiteJournalReader(path: journal).events()
            #expect(events.filter { $0.event.kind == "threshold_crossed" }.count == 1)
            #expect(events.filter { $0.event.kind == "incident_opened" }.count == 1)
            #expect(events.filter { $0.event.kind == "page_issued" }.count == 1)
            try tmux.sendKeys("q", "q")
            try await tmux.waitFor("the shell", seconds: 10) { $0.contains("EXIT=0") }
        }
    }
}

/// Running, and not a zombie waiting to be reaped.
func isRunning(_ pid: pid_t) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return false }
    let state = stat[stat.index(close, offsetBy: 2)...].prefix(1)
    return state != "Z" && state != "X"
}

func simulatorState(port: Int) throws -> [String: Any] {
    let out = try spawn(["curl", "-s", "http://127.0.0.1:\(port)/state"]).output
    return (try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]) ?? [:]
}
