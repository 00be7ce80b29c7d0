import Foundation
import Logging
import WarRoomTerminal
import WarRoomUI

#if canImport(Glibc)
    import Glibc
#endif

/// Inside tmux, counts the clients attached to this session (and how many are
/// read-only) every few seconds, for the header. Outside tmux it does nothing.
///
/// It runs on a thread of its own that sleeps in poll() between counts and
/// runs `tmux` with a plain posix_spawn and a blocking read: an async
/// subprocess costs a dozen wake-ups of the runtime's threads each time,
/// which an idle wallboard cannot afford every five seconds.
enum TmuxViewers {
    /// The returned task ends when cancelled (it stops the thread).
    static func watch(_ mailbox: SnapshotMailbox, every seconds: Double = 5) -> Task<Void, Never>? {
        let env = ProcessInfo.processInfo.environment
        guard env["TMUX"] != nil, let pane = env["TMUX_PANE"] else { return nil }
        // Found once: spawning by name walks PATH with a fork per entry, every time.
        // (Absolute entries only: a relative one would find a `tmux` in the current folder.)
        guard
            let tmux = (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":").filter({ $0.hasPrefix("/") }).map({ "\($0)/tmux" })
                .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
        else { return nil }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let (stopRead, stopWrite) = (fds[0], fds[1])
        let (done, finished) = AsyncStream.makeStream(of: Void.self)
        let thread = Thread {
            try? "warroom-viewers".write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
            defer { finished.finish() }
            let logger = Logger(label: "warroom")
            guard let name = output(of: [tmux, "display-message", "-p", "-t", pane, "#{session_name}"], stop: stopRead) else {
                logger.warning("tmux viewers: cannot read the session name")
                return
            }
            let session = name.trimmingCharacters(in: .whitespacesAndNewlines)
            logger.info("tmux viewers: counting the clients of session '\(session)'")
            repeat {
                // Every line counts here (a big war room has many clients): read the whole output.
                let list = output(of: [tmux, "list-clients", "-F", "#{session_name}\t#{client_readonly}"], stop: stopRead)
                if list == nil { logger.warning("tmux viewers: list-clients failed") }
                mailbox.setViewers(list.map { Viewers.parse($0, session: session) })
            } while !stopped(stopRead, waiting: Int32(seconds * 1000))
        }
        thread.start()
        return Task {
            await withTaskCancellationHandler {
                for await _ in done {}
            } onCancel: {
                var byte: UInt8 = 1
                _ = write(stopWrite, &byte, 1)
            }
            close(stopWrite)
            close(stopRead)
        }
    }

    /// Whether the stop pipe became readable within `milliseconds`.
    private static func stopped(_ stop: Int32, waiting milliseconds: Int32) -> Bool {
        var fd = pollfd(fd: stop, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&fd, 1, milliseconds)
            if ready < 0, errno == EINTR { continue }
            return ready != 0
        }
    }

    /// What `argv` prints on stdout, nil if it fails or takes over 2 s (then it is killed).
    private static func output(of argv: [String], stop: Int32) -> String? {
        var out: [Int32] = [-1, -1]
        guard pipe(&out) == 0 else { return nil }
        // Both ends close-on-exec, so no other child keeps the write end open
        // (dup2 onto the child's stdout clears the flag there).
        for fd in out { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // Its environment is ours: TMUX says which server to ask.
        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for a in cArgs + cEnv { free(a) } }
        // The child starts with default signal handling (we ignore SIGPIPE) and no blocked signals.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        var none = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, cEnv)
        close(out[1])
        defer { close(out[0]) }
        guard spawned == 0 else { return nil }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + .seconds(2)
        var fds = [pollfd(fd: out[0], events: Int16(POLLIN), revents: 0), pollfd(fd: stop, events: Int16(POLLIN), revents: 0)]
        var timedOut = false
        while true {
            let left = deadline - ContinuousClock.now
            let ms = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            if ms <= 0 {
                timedOut = true
                break
            }
            for i in fds.indices { fds[i].revents = 0 }
            let ready = poll(&fds, 2, ms)
            if ready < 0 {
                if errno == EINTR {
                    continue
                } else {
                    timedOut = true
                    break
                }
            }
            if ready == 0 {
                timedOut = true
                break
            }
            if fds[1].revents != 0 {
                timedOut = true
                break
            }  // stopping: do not wait for it
            let n = buffer.withUnsafeMutableBytes { read(out[0], $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n < 0 {
                timedOut = true
                break
            }
            if n == 0 { break }  // end of its output
            bytes += buffer[0 ..< n]
        }
        // Anything but the end of its output: it must not keep the thread in waitpid.
        if timedOut { kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        // Exited normally with 0 (WIFEXITED and WEXITSTATUS, which Swift cannot import as macros).
        guard !timedOut, status & 0x7f == 0, (status >> 8) & 0xff == 0 else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
