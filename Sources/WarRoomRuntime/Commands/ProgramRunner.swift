public import Foundation
import Subprocess
import Synchronization
public import WarRoomCore

#if canImport(System)
    import System
#else
    import SystemPackage
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// Runs a configured program: argv as given (no shell), in its own process
/// group, killed as a group when it outlives its timeout. Keeps the exit
/// status and the last lines of its output.
public enum ProgramRunner {
    public static let keptLines = 20

    /// `environment` is the child's whole environment (see `ChildEnv.environment`);
    /// nil inherits warroom's, which only tests and internal queries do.
    public static func run(
        _ argv: [String], timeout: TimeInterval, clock: any WarRoomClock = SystemClock(),
        environment: [String: String]? = nil
    ) async -> CommandOutcome {
        let started = clock.now()
        guard let first = argv.first, !first.isEmpty else {
            return CommandOutcome(succeeded: false, detail: "no program configured", duration: 0)
        }
        let tail = Tail()
        let timedOut = Flag()
        var options = PlatformOptions()
        options.processGroupID = 0  // its own group, so a timeout reaches its children too
        let executable: Executable = first.contains("/") ? .path(FilePath(first)) : .name(first)
        let env: Subprocess.Environment =
            environment.map { values in
                .custom(Dictionary(uniqueKeysWithValues: values.map { (Subprocess.Environment.Key(stringLiteral: $0.key), $0.value) }))
            } ?? .inherit
        do {
            let result = try await Subprocess.run(
                executable, arguments: Arguments(Array(argv.dropFirst())), environment: env, platformOptions: options,
                input: .none, output: .sequence, error: .combinedWithOutput
            ) { execution in
                let pid = execution.processIdentifier.value
                let watchdog = Task {
                    try await clock.sleep(for: timeout)
                    timedOut.set()
                    kill(-pid, SIGKILL)
                }
                defer { watchdog.cancel() }
                // Pre-empted (a rollback, a pause, shutdown): the whole group goes at once.
                try await withTaskCancellationHandler {
                    for try await buffer in execution.standardOutput {
                        buffer.withUnsafeBytes { tail.append($0) }
                    }
                } onCancel: {
                    kill(-pid, SIGKILL)
                }
            }
            let duration = clock.now().timeIntervalSince(started)
            if timedOut.isSet {
                return CommandOutcome(
                    succeeded: false, detail: "timeout after \(Format.duration(timeout)): process group killed",
                    duration: duration, output: tail.text)
            }
            switch result.terminationStatus {
            case .exited(let code):
                return CommandOutcome(succeeded: code == 0, detail: "exit \(code)", duration: duration, output: tail.text)
            case .signaled(let signal):
                return CommandOutcome(succeeded: false, detail: "killed by signal \(signal)", duration: duration, output: tail.text)
            }
        } catch {
            return CommandOutcome(
                succeeded: false, detail: "cannot run \(first): \(error)",
                duration: clock.now().timeIntervalSince(started), output: tail.text)
        }
    }

    /// Run a small query program and return all it printed (at most `limit`
    /// bytes), or nil when it fails or times out. For reading state such as
    /// `tmux list-clients`, where every line counts.
    public static func output(_ argv: [String], timeout: TimeInterval, limit: Int = 1 << 16) async -> String? {
        guard let first = argv.first, !first.isEmpty else { return nil }
        let executable: Executable = first.contains("/") ? .path(FilePath(first)) : .name(first)
        do {
            let result = try await withDeadline(timeout) {
                try await Subprocess.run(
                    executable, arguments: Arguments(Array(argv.dropFirst())),
                    input: .none, output: .string(limit: limit), error: .discarded)
            }
            guard case .exited(0) = result.terminationStatus else { return nil }
            return result.standardOutput
        } catch {
            return nil
        }
    }

    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    /// The last lines of a stream, bounded in memory however much it prints.
    final class Tail: Sendable {
        private let state = Mutex<[UInt8]>([])
        private static let maxBytes = 8192

        func append(_ bytes: UnsafeRawBufferPointer) {
            state.withLock { buffer in
                buffer.append(contentsOf: bytes)
                if buffer.count > Self.maxBytes * 2 { buffer.removeFirst(buffer.count - Self.maxBytes) }
            }
        }

        var text: String {
            let bytes = state.withLock { $0 }
            let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            var kept = lines.suffix(ProgramRunner.keptLines + 1)
            if kept.last == "" { kept.removeLast() }
            return kept.suffix(ProgramRunner.keptLines).joined(separator: "\n")
        }
    }
}
