public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The one clock an idle screen wakes for: the start of each wall-clock
/// second, when the header's clock and every age move on. Loops that have
/// something to do on time (the lease's heartbeat, the canary's holds, a
/// follower's safety read) do it there, together, instead of each polling
/// on its own.
public enum SecondTicks {
    /// How long until just after the next whole second (a few ms after the
    /// terminal's own redraw for that second).
    public static func untilNextSecond(now: Date = Date()) -> Duration {
        let t = now.timeIntervalSince1970
        let fraction = t - t.rounded(.down)
        return .milliseconds(Int(((1 - fraction) * 1000).rounded(.up)) + 5)
    }

    /// One element just after each whole second, sent by a thread asleep in
    /// poll() between them: a runtime sleep costs its timer thread and a hop
    /// through the pool each time, which an idle commander pays every second.
    /// A slow consumer gets one element for many seconds. Ends when the
    /// consuming task is cancelled, or at once if no pipe can be made (nil:
    /// `SystemClock.seconds()` then sleeps on the runtime instead).
    static func ticks() -> AsyncStream<Void>? {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return nil }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let (stopRead, stopWrite) = (fds[0], fds[1])
        let thread = Thread {
            try? "warroom-clock".write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
            var stop = pollfd(fd: stopRead, events: Int16(POLLIN), revents: 0)
            while true {
                let wait = untilNextSecond()
                let ms = Int32(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000)
                stop.revents = 0
                let ready = poll(&stop, 1, ms)
                if ready < 0 {
                    // Interrupted, or poll itself failing: sleep the rest and tick anyway.
                    if errno != EINTR { usleep(useconds_t(max(0, ms)) * 1000) }
                    continue
                }
                if ready != 0 { break }  // the write end closed: stop
                continuation.yield()
            }
            close(stopRead)
            continuation.finish()
        }
        continuation.onTermination = { _ in close(stopWrite) }
        thread.start()
        return stream
    }
}
