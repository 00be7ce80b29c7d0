import CNcursesw
import Foundation
import WarRoomCore
public import WarRoomUI

#if canImport(Glibc)
    import Glibc
#endif

/// Why the screen closed.
public enum ExitReason: Sendable, Equatable {
    case quit
    case signal(Int32)
    case stopped(message: String?)

    /// The process exit status this reason deserves.
    public var status: Int32 {
        switch self {
        case .quit: 0
        case .signal(let s): 128 + s
        case .stopped(let message): message == nil ? 0 : 1
        }
    }
}

/// Runs the ncurses screen on one dedicated thread: every ncurses call happens
/// there. The thread sleeps in poll() on stdin, a wake-up pipe (new snapshot)
/// and a signal pipe, with a timeout at the next second for the clocks.
public enum TerminalApp {
    public static func run(
        mailbox: SnapshotMailbox,
        dashboard: Dashboard,
        theme: Theme,
        depth: ColorDepth? = nil,
        mouse: Bool = false,
        onIntent: @escaping @Sendable (Intent) -> Void
    ) async -> ExitReason {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                // Named in /proc, so Benchmarks/wakeups.sh can say which thread wakes.
                try? "warroom-term".write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
                let reason = TerminalLoop(mailbox: mailbox, dashboard: dashboard, theme: theme, depth: depth, mouse: mouse, onIntent: onIntent).run()
                continuation.resume(returning: reason)
            }
            thread.name = "warroom-terminal"
            thread.start()
        }
    }
}

private final class TerminalLoop {
    let mailbox: SnapshotMailbox
    var dashboard: Dashboard
    let theme: Theme
    let depth: ColorDepth?
    let mouse: Bool
    let onIntent: @Sendable (Intent) -> Void
    var signalRead: Int32 = -1
    var signalWrite: Int32 = -1
    var screen: Screen?
    var attention = Attention()
    var lastDrawnSeq: Int64 = -1
    /// Set WARROOM_LATENCY_FILE to get sample-to-screen latencies written there at exit (benchmarks).
    let latency = ProcessInfo.processInfo.environment["WARROOM_LATENCY_FILE"].map { LatencyLog(path: $0) }
    let notify = NotifyProtocol.detect(env: ProcessInfo.processInfo.environment)

    init(
        mailbox: SnapshotMailbox, dashboard: Dashboard, theme: Theme, depth: ColorDepth?, mouse: Bool, onIntent: @escaping @Sendable (Intent) -> Void
    ) {
        self.mouse = mouse
        self.mailbox = mailbox
        self.dashboard = dashboard
        self.theme = theme
        self.depth = depth
        self.onIntent = onIntent
    }

    static let handledSignals: [Int32] = [SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT]
    /// 30 frames a second at most for new data: far under the 50 ms sample-to-screen budget.
    static let minimumFrameGap: TimeInterval = 1.0 / 30
    /// How long after a whole second its clock frame is drawn (ms): ages and
    /// the header's clock move on 60 ms late, and a poll of a source on the
    /// second (`SourcePoller.nextPoll`), answered within that, draws the
    /// second's one frame instead of a second frame just after the clock's.
    static let secondMargin: Int32 = 60

    func run() -> ExitReason {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return .stopped(message: "cannot create the signal pipe") }
        signalRead = fds[0]
        signalWrite = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        defer {
            for sig in Self.handledSignals { _ = warroom_default_signal(sig) }
            close(signalRead)
            close(signalWrite)
        }
        let screen = Screen(theme: theme, depth: depth, mouse: mouse)
        self.screen = screen
        // Sparklines: braille where the font has it, blocks on the Linux console (or by choice), ASCII without UTF-8.
        let env = ProcessInfo.processInfo.environment
        let term = env["TERM"] ?? ""
        if screen.unicode, env["WARROOM_SPARKLINES"] != "block", term != "linux", !term.hasPrefix("vt") {
            dashboard.glyphs = .braille
        }
        for sig in Self.handledSignals { _ = warroom_install_signal(sig, signalWrite) }
        _ = warroom_unblock_signals()
        defer {
            screen.close()
            latency?.write()
        }
        return loop(screen)
    }

    private func loop(_ screen: Screen) -> ExitReason {
        var pollFDs = [
            pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
            pollfd(fd: mailbox.wakeup.readFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: signalRead, events: Int16(POLLIN), revents: 0),
        ]
        // Two grids take turns: the screen keeps the last frame to diff against.
        var frame = Grid(width: 0, height: 0)
        while true {
            if let stop = mailbox.stopRequest { return .stopped(message: stop) }
            if let flash = mailbox.takeFlash() { dashboard.flash = flash }
            dashboard.viewers = mailbox.viewers
            dashboard.takeOverRequest = mailbox.takeOverRequest
            let now = Date()
            if let intent = dashboard.tick(now: now) { onIntent(intent) }
            let showing = mailbox.showing
            let snapshot = showing?.snapshot
            dashboard.render(showing, now: snapshot?.viewTime ?? now, width: screen.columns, height: screen.rows, into: &frame)
            if screen.unicode {
                screen.draw(&frame)
            } else {
                var ascii = ASCIIFallback.grid(frame)
                screen.draw(&ascii)
            }
            if let snapshot, snapshot.viewTime == nil, snapshot.state.lastSeq != lastDrawnSeq {
                lastDrawnSeq = snapshot.state.lastSeq
                // Sample-to-screen: from the newest event's arrival to the frame that shows it.
                if let at = snapshot.state.lastEventTime { latency?.record(Date().timeIntervalSince(at)) }
            }
            if let state = snapshot?.state, snapshot?.viewTime == nil {
                for signal in attention.update(state, now: now) { screen.signal(signal, notify: notify) }
            }

            // Sleep until something happens or the next second starts.
            let fraction = now.timeIntervalSince1970 - now.timeIntervalSince1970.rounded(.down)
            // A running countdown redraws ten times a second; otherwise once a
            // second, `secondMargin` after it starts: a source polled on the
            // second lands before, and its frame is the second's only one.
            let timeout = dashboard.armed?.firesAt != nil ? 100 : Int32(((1 - fraction) * 1000).rounded(.up)) + Self.secondMargin
            for i in pollFDs.indices { pollFDs[i].revents = 0 }
            let ready = poll(&pollFDs, nfds_t(pollFDs.count), timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                return .stopped(message: "poll failed: \(String(cString: strerror(errno)))")
            }
            if pollFDs[2].revents != 0, let reason = handleSignals(screen) { return reason }
            if pollFDs[1].revents != 0 { mailbox.wakeup.drain() }
            if pollFDs[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                return .signal(SIGHUP)  // the terminal went away; never spin on a dead tty
            }
            // Snapshots alone (hundreds a second with many sources) are drawn at most
            // every `minimumFrameGap`; a key, a signal or the clock draws at once.
            if pollFDs[1].revents != 0, pollFDs[0].revents == 0, pollFDs[2].revents == 0 {
                let since = Date().timeIntervalSince(now)
                if since < Self.minimumFrameGap {
                    var input = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
                    _ = poll(&input, 1, Int32(((Self.minimumFrameGap - since) * 1000).rounded(.up)))
                    if input.revents == 0 { continue }
                    pollFDs[0].revents = input.revents
                }
            }
            if pollFDs[0].revents != 0 {
                while let key = screen.readKey() {
                    if key == .unknown(warroom_key_resize()) {
                        // resizeterm() (from our SIGWINCH handling) queues this; the
                        // size is already current: redraw everything, resize nothing.
                        screen.invalidate()
                        continue
                    }
                    if let intent = dashboard.handle(key, showing: mailbox.showing, now: Date()) {
                        onIntent(intent)
                        if intent == .quit { return .quit }
                    }
                }
            }
        }
    }

    private func handleSignals(_ screen: Screen) -> ExitReason? {
        var buffer = [UInt8](repeating: 0, count: 64)
        var exit: ExitReason?
        while true {
            let n = read(signalRead, &buffer, buffer.count)
            guard n > 0 else { break }
            for byte in buffer[0 ..< n] {
                let sig = Int32(byte)
                if sig == SIGWINCH {
                    screen.resize()
                } else if sig == SIGINT {
                    // Ctrl-C asks first while an incident is open on a commander's screen.
                    if exit == nil, dashboard.requestQuit(state: mailbox.latest?.state, now: Date()) == .quit { exit = .signal(sig) }
                } else if exit == nil {
                    exit = .signal(sig)
                }
            }
        }
        return exit
    }
}

/// Event-to-frame latencies, kept in memory and written once at exit.
final class LatencyLog {
    let path: String
    private var samples: [Double] = []

    init(path: String) { self.path = path }

    func record(_ seconds: Double) {
        if samples.count < 1_000_000 { samples.append(seconds) }
    }

    func write() {
        let sorted = samples.sorted()
        func q(_ p: Double) -> Double { sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000 }
        let text = "frames \(sorted.count) p50_ms \(q(0.5)) p99_ms \(q(0.99)) max_ms \(sorted.last.map { $0 * 1000 } ?? .nan)\n"
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
