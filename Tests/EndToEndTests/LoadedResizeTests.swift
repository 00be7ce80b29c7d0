import Foundation
import Testing
import WarRoomTestSupport
import WarRoomUI

extension EndToEnd {
    @Suite("Resize storm on a busy machine", .serialized)
    struct LoadedResizeTests {
        /// The screen is whole after any resize, on a loaded machine too: CI shares
        /// two cores, and a resize storm once left stale rows from earlier sizes on
        /// the 160x48 screen when the machine was busy. `stress-ng --cpu 2` runs for
        /// the whole storm; afterwards every row of the screen must belong to one
        /// 160x48 frame.
        @Test("a resize storm beside stress-ng --cpu 2 leaves every pane whole")
        func stormUnderLoad() async throws {
            guard let stressNG = ServerProcess.find(["stress-ng"]) else {
                if ServerProcess.requireServers { Issue.record("stress-ng is not installed (CI installs it in .ci/run)") }
                return
            }
            let binary = try warroomBinary()
            let journal = temporaryPath("storm.sqlite")
            let tmux = try Tmux(command: "'\(binary)' demo --scenario calm --journal '\(journal)' --log '\(journal).log'; echo EXIT=$?; sleep 600")
            try await tmux.waitFor("the dashboard", seconds: 60) { Self.problems(in: $0, width: 160, height: 48).isEmpty }

            let stress = try ServerProcess(
                [stressNG, "--cpu", "2", "--timeout", "300s", "--quiet"], port: 0,
                directory: try temporaryDirectory("stress"))
            defer { stress.kill() }
            // Wait until the load is there (two workers spinning), not for a fixed time.
            try await waitUntil("stress-ng's workers", seconds: 30) { Self.busyWorkers(parent: stress.pid) >= 2 }

            let sizes = [(300, 100), (1, 1), (80, 24), (161, 49), (20, 5), (240, 70), (79, 23), (2, 60), (200, 2), (120, 40)]
            let started = Date()
            var resizes = 0
            while Date().timeIntervalSince(started) < 45 {
                let (w, h) = sizes[resizes % sizes.count]
                try tmux.run(["resize-window", "-x", "\(w)", "-y", "\(h)"])
                resizes += 1
                // Bursts with no pause between them, then a short breath: both orders of
                // signal and frame happen.
                if resizes % 7 == 0 { try await Task.sleep(for: .milliseconds(120)) }
            }
            #expect(resizes >= 100, "only \(resizes) resizes")
            #expect(Self.busyWorkers(parent: stress.pid) >= 2, "the machine was busy for the whole storm")
            try tmux.run(["resize-window", "-x", "160", "-y", "48"])

            // Still under load: the screen becomes whole again, within a generous time.
            var last: [String] = []
            do {
                try await tmux.waitFor("a whole 160x48 screen after the storm", seconds: 30) { screen in
                    last = Self.problems(in: screen, width: 160, height: 48)
                    return last.isEmpty
                }
            } catch {
                Issue.record("after the storm: \(last.joined(separator: "; "))\n\(tmux.capture())")
            }
            // And it stays whole: a stale row is not a passing moment.
            let settled = tmux.capture()
            #expect(Self.problems(in: settled, width: 160, height: 48) == [], "\(settled)")

            // Still answering: a key is handled while the machine is busy.
            try tmux.sendKeys("?")
            try await tmux.waitFor("the help overlay", seconds: 20) { $0.contains("Keys") }
            try tmux.sendKeys("Escape")
            try await tmux.waitFor("the dashboard again", seconds: 20) { Self.problems(in: $0, width: 160, height: 48).isEmpty }
            try tmux.sendKeys("q")
            if (try? await tmux.waitFor("a confirmation", seconds: 3, { $0.contains("press q or Ctrl-C again") })) != nil { try tmux.sendKeys("q") }
            try await tmux.waitFor("the shell", seconds: 20) { $0.contains("EXIT=0") }
        }

        /// What is wrong with `screen` as one whole frame of the dashboard at
        /// `width`x`height`; empty when every row belongs to it. Rows left over
        /// from another size show up as rows of the wrong width, borders out of
        /// line, or a pane title missing or shown twice.
        static func problems(in screen: String, width: Int, height: Int) -> [String] {
            var lines = screen.components(separatedBy: "\n")
            if lines.last == "" { lines.removeLast() }
            var found: [String] = []
            if lines.count != height { found.append("\(lines.count) rows, not \(height)") }
            guard lines.count >= 4 else { return found + ["too few rows"] }
            if !lines[0].hasPrefix(" WARROOM ") { found.append("row 1 is not the header") }
            if TextWidth.of(lines[0]) > width { found.append("the header is \(TextWidth.of(lines[0])) columns wide") }
            let footer = lines[lines.count - 1]
            if !footer.hasPrefix(" q quit") { found.append("the last row is not the key footer: \(footer.prefix(40))") }
            let left: Set<Character> = ["┌", "│", "└"]
            let right: Set<Character> = ["┐", "│", "┘"]
            var seams = Set<Int>()
            for (i, line) in lines.enumerated().dropFirst().dropLast() {
                guard let first = line.first, let last = line.last, left.contains(first), right.contains(last) else {
                    found.append("row \(i + 1) is not inside a pane: \(line.prefix(30))…\(line.suffix(10))")
                    continue
                }
                let w = TextWidth.of(line)
                if w != width { found.append("row \(i + 1) is \(w) columns wide") }
                // Where the left pane ends and the right one starts: one column on every row.
                let scalars = Array(line.unicodeScalars)
                var column = 0
                for (k, s) in scalars.enumerated() {
                    if k + 1 < scalars.count, "┐│┘".unicodeScalars.contains(s), "┌│└".unicodeScalars.contains(scalars[k + 1]),
                        column > 0, column < width - 2
                    {
                        seams.insert(column)
                    }
                    column += TextWidth.of(s)
                }
            }
            if seams.count != 1 { found.append("the panes' seam is at columns \(seams.sorted()), not one place") }
            for title in ["Live metrics", "Canary stage", "Incident timeline", "Escalation roster"] {
                let n = screen.components(separatedBy: title).count - 1
                if n != 1 { found.append("\(title) shown \(n) times") }
            }
            return found
        }

        /// Children of `parent` that are running on a CPU (state R).
        static func busyWorkers(parent: pid_t) -> Int {
            guard let children = try? String(contentsOfFile: "/proc/\(parent)/task/\(parent)/children", encoding: .utf8) else { return 0 }
            return children.split(separator: " ").filter { pid in
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                    let close = stat.lastIndex(of: ")")
                else { return false }
                return stat[stat.index(close, offsetBy: 2)] == "R"
            }.count
        }
    }
}

/// Wait for a condition that is not on a screen.
func waitUntil(_ what: String, seconds: Double, _ condition: () -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw TmuxError("timed out after \(seconds)s waiting for \(what)")
}

extension EndToEnd.LoadedResizeTests {
    /// The check above must catch what a stale frame looks like.
    @Test("the whole-screen check catches rows left from another size")
    func checkerCatchesStaleRows() throws {
        let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("WarRoomUITests/Snapshots")
        let big = try String(contentsOf: snapshots.appendingPathComponent("healthy-200x60.txt"), encoding: .utf8)
        let small = try String(contentsOf: snapshots.appendingPathComponent("healthy-80x24.txt"), encoding: .utf8)
        #expect(Self.problems(in: big, width: 200, height: 60) == [])
        #expect(Self.problems(in: small, width: 80, height: 24) == [])
        var rows = big.components(separatedBy: "\n")
        let smallRows = small.components(separatedBy: "\n")
        // A row of the 80-column frame left on the 200-column screen.
        var stale = rows
        stale[5] = smallRows[5]
        #expect(!Self.problems(in: stale.joined(separator: "\n"), width: 200, height: 60).isEmpty)
        // A 200-column row whose seam is where another layout put it.
        var shifted = rows
        shifted[20] = String(shifted[20].dropFirst(3)) + "   "
        #expect(!Self.problems(in: shifted.joined(separator: "\n"), width: 200, height: 60).isEmpty)
        // The small frame drawn over the top-left corner of the big one.
        for i in 0 ..< 24 { rows[i] = smallRows[i] + String(rows[i].dropFirst(80)) }
        #expect(!Self.problems(in: rows.joined(separator: "\n"), width: 200, height: 60).isEmpty)
        // A row missing.
        #expect(!Self.problems(in: big.components(separatedBy: "\n").dropLast(2).joined(separator: "\n"), width: 200, height: 60).isEmpty)
    }
}
