import Foundation
import Logging
import Synchronization
import WarRoomCore
import WarRoomRuntime

/// Logs to a file, never to the screen: ncurses owns the terminal.
struct FileLogHandler: LogHandler {
    final class Sink: Sendable {
        private let handle: Mutex<FileHandle?>
        init(path: String) {
            let fm = FileManager.default
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty { try? PrivateDirectory.create(dir) }
            if !fm.fileExists(atPath: path) { _ = fm.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) }
            let h = FileHandle(forWritingAtPath: path)
            _ = try? h?.seekToEnd()
            handle = Mutex(h)
        }
        func write(_ line: String) {
            handle.withLock { h in try? h?.write(contentsOf: Data(line.utf8)) }
        }
    }

    let label: String
    let sink: Sink
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let time = Date().formatted(.iso8601)
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let meta = all.isEmpty ? "" : " " + all.map { "\($0)=\($1)" }.sorted().joined(separator: " ")
        sink.write(Self.line(time: time, level: event.level, label: label, meta: meta, message: "\(event.message)"))
    }

    /// One log line: whatever a message quotes (a server's answer, a
    /// command's output) is made inert, newlines included, so a line cannot
    /// forge another or drive the terminal of whoever reads the log; URLs in
    /// it are masked (userinfo, secret query values), whatever logged them.
    static func line(time: String, level: Logger.Level, label: String, meta: String, message: String) -> String {
        Redact.text(InertText.clean("\(time) \(level) \(label):\(meta) \(message)")) + "\n"
    }
}

enum Logs {
    /// `name` in the journal's folder; for a journal named without a folder,
    /// `name` in the current folder (never `/name`).
    static func beside(journal: String, name: String) -> String {
        let dir = (journal as NSString).deletingLastPathComponent
        return dir.isEmpty ? name : (dir as NSString).appendingPathComponent(name)
    }

    private static let bootstrapped = Mutex(false)

    /// Send all logging to `path`. Called once, before anything logs.
    static func toFile(_ path: String) {
        let first = bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        let sink = FileLogHandler.Sink(path: path)
        LoggingSystem.bootstrap { label in FileLogHandler(label: label, sink: sink) }
    }
}
