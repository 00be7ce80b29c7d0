import Foundation
import Logging
import WarRoomRuntime
import WarRoomTerminal
import WarRoomUI

/// Inside tmux, counts the clients attached to this session (and how many are
/// read-only) every few seconds, for the header. Outside tmux it does nothing.
enum TmuxViewers {
    static func watch(_ mailbox: SnapshotMailbox, every seconds: Double = 5) -> Task<Void, Never>? {
        let env = ProcessInfo.processInfo.environment
        guard env["TMUX"] != nil, let pane = env["TMUX_PANE"] else { return nil }
        // Found once: spawning by name walks PATH with a fork per entry, every time.
        let tmux = (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map { "\($0)/tmux" }
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "tmux"
        return Task {
            let name = await ProgramRunner.run([tmux, "display-message", "-p", "-t", pane, "#{session_name}"], timeout: 2)
            guard name.succeeded else {
                Logger(label: "warroom").warning("tmux viewers: cannot read the session name: \(name.detail) \(name.output)")
                return
            }
            let session = name.output.trimmingCharacters(in: .whitespacesAndNewlines)
            Logger(label: "warroom").info("tmux viewers: counting the clients of session '\(session)'")
            while !Task.isCancelled {
                // Every line counts here (a big war room has many clients): read the whole output.
                let list = await ProgramRunner.output([tmux, "list-clients", "-F", "#{session_name}\t#{client_readonly}"], timeout: 2)
                if list == nil { Logger(label: "warroom").warning("tmux viewers: list-clients failed") }
                mailbox.setViewers(list.map { Viewers.parse($0, session: session) })
                try? await Task.sleep(for: .seconds(seconds))
            }
        }
    }
}
