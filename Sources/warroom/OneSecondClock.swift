import Foundation

/// The one clock an idle screen wakes for: the start of each wall-clock
/// second, when the header's clock and every age move on. Loops that have
/// something to do on time (the lease's heartbeat, the canary's holds, a
/// follower's safety read) do it there, together, instead of each polling
/// on its own.
enum OneSecondClock {
    /// How long until just after the next whole second (a few ms after the
    /// terminal's own redraw for that second).
    static func untilNextSecond(now: Date = Date()) -> Duration {
        let t = now.timeIntervalSince1970
        let fraction = t - t.rounded(.down)
        return .milliseconds(Int(((1 - fraction) * 1000).rounded(.up)) + 5)
    }

    static func sleep() async {
        try? await Task.sleep(for: untilNextSecond())
    }
}
