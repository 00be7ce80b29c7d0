import Foundation
import Testing
import WarRoomTestSupport

/// The real `warroom` binary, built beside this test bundle.
func warroomBinary() throws -> String {
    if let path = ProcessInfo.processInfo.environment["WARROOM_BINARY"] { return path }
    let candidates: [String] = [
        Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("warroom").path,
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("warroom").path,
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/warroom").path,
    ].compactMap { $0 }
    for path in candidates where FileManager.default.isExecutableFile(atPath: path) { return path }
    throw TmuxError("cannot find the warroom binary (looked in \(candidates)); run `swift build` first or set WARROOM_BINARY")
}

struct TmuxError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A private tmux server (own socket, no user config) running one command.
final class Tmux {
    let socket = "warroom-e2e-\(UUID().uuidString.prefix(8))"

    init(command: String, width: Int = 160, height: Int = 48, env: [String: String] = [:]) throws {
        var args = ["-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)"]
        let base = ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "tmux-256color", "NCURSES_NO_UTF8_ACS": "1"]
        for (k, v) in base.merging(env, uniquingKeysWith: { $1 }) { args += ["-e", "\(k)=\(v)"] }
        args.append(command)
        try run(args, capture: false)
    }

    @discardableResult
    func run(_ args: [String], capture: Bool = true) throws -> String {
        var env = ProcessInfo.processInfo.environment
        env["TMUX"] = nil
        env["LANG"] = "C.UTF-8"
        // The test runner sets NO_COLOR; the panes get it only when a test asks (-e).
        env["NO_COLOR"] = nil
        // The first command forks the tmux server, which keeps any pipe it
        // inherits open: only read output from commands that do not start it.
        let result = try spawn(["tmux", "-L", socket] + args, capture: capture, environment: env)
        guard result.status == 0 else { throw TmuxError("tmux \(args.joined(separator: " ")) failed (\(result.status))") }
        return result.output
    }

    func capture(colors: Bool = false) -> String {
        (try? run(["capture-pane", "-p"] + (colors ? ["-e"] : []))) ?? ""
    }

    func sendKeys(_ keys: String...) throws { try run(["send-keys"] + keys) }

    func display(_ format: String) -> String {
        ((try? run(["display-message", "-p", format])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Wait until the screen satisfies `condition`; returns the screen.
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 30, _ condition: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var screen = ""
        while Date() < deadline {
            screen = capture()
            if condition(screen) { return screen }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TmuxError("timed out after \(seconds)s waiting for \(what); screen was:\n\(screen)")
    }

    deinit { _ = try? run(["kill-server"]) }
}

func temporaryPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warroom-e2e-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}
