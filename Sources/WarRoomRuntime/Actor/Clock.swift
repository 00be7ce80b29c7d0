public import Foundation
import Logging
import Synchronization

/// Where the war room reads the time and sleeps: injected, so tests move
/// time at will and what waits on it (a poller's interval and backoff, a
/// fetch's deadline) wakes when they do, in milliseconds of real time.
public protocol WarRoomClock: Sendable {
    func now() -> Date
    /// Sleep for `seconds` of this clock's time: at once for 0 or less or a
    /// value that is not finite, as `clampedMilliseconds` has it, and at most
    /// a year. Throws `CancellationError` when the task is cancelled.
    func sleep(for seconds: TimeInterval) async throws
    /// One element just after each whole second of this clock, when the
    /// header's clock and every age move on (a commander's heartbeat and
    /// holds go then too). A slow consumer gets one element for many
    /// seconds. Ends when the consuming task is cancelled.
    func seconds() -> AsyncStream<Void>
}

extension WarRoomClock {
    /// Sleeps on this clock until just after each whole second.
    public func seconds() -> AsyncStream<Void> {
        AsyncStream(unfolding: {
            let wait = SecondTicks.untilNextSecond(now: self.now())
            do {
                try await self.sleep(for: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18)
            } catch {
                return nil
            }
            return ()
        })
    }
}

public struct SystemClock: WarRoomClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(for seconds: TimeInterval) async throws {
        try await Task.sleep(for: .milliseconds(clampedMilliseconds(seconds)))
    }
    /// From a thread asleep in poll() (`SecondTicks`): an idle screen's one
    /// wake-up a second costs no timer hop through the runtime. Sleeps on the
    /// runtime instead when that thread cannot start.
    public func seconds() -> AsyncStream<Void> {
        if let ticks = SecondTicks.ticks() { return ticks }
        Logger(label: "warroom").critical("the one-second clock's thread cannot start; sleeping on the runtime instead")
        return AsyncStream(unfolding: {
            do { try await Task.sleep(for: SecondTicks.untilNextSecond()) } catch { return nil }
            return ()
        })
    }
}

/// A clock that moves only when told to: for tests. A sleeper wakes when
/// `advance` or `set` takes the time to or past its deadline; `sleepers`
/// says who waits, and until when.
public final class ManualClock: WarRoomClock {
    private enum Sleeper {
        case waiting(until: Date, wake: CheckedContinuation<Void, any Error>)
        case cancelled  // cancelled before it could wait
    }
    private struct State {
        var now: Date
        var next = 0
        var sleepers: [Int: Sleeper] = [:]
    }
    private let state: Mutex<State>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { state = Mutex(State(now: start)) }
    public func now() -> Date { state.withLock { $0.now } }
    public func advance(by seconds: TimeInterval) { move { $0 += seconds } }
    public func set(_ date: Date) { move { $0 = date } }

    /// The deadlines of the tasks asleep on this clock, soonest first.
    public var sleepers: [Date] {
        state.withLock { s in
            s.sleepers.values.compactMap { if case .waiting(let until, _) = $0 { until } else { nil } }.sorted()
        }
    }

    public func sleep(for seconds: TimeInterval) async throws {
        let id = state.withLock { s in
            defer { s.next += 1 }
            return s.next
        }
        // However it ends, nothing of this sleeper is left behind (a cancel that
        // came just after its wake-up leaves a mark to remove).
        defer { state.withLock { _ = $0.sleepers.removeValue(forKey: id) } }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (wake: CheckedContinuation<Void, any Error>) in
                let outcome: Result<Void, any Error>? = state.withLock { s in
                    if case .cancelled = s.sleepers.removeValue(forKey: id) { return .failure(CancellationError()) }
                    let until = s.now.addingTimeInterval(Double(clampedMilliseconds(seconds)) / 1000)
                    if until <= s.now { return .success(()) }
                    s.sleepers[id] = .waiting(until: until, wake: wake)
                    return nil
                }
                if let outcome { wake.resume(with: outcome) }
            }
        } onCancel: {
            let wake: CheckedContinuation<Void, any Error>? = state.withLock { s in
                if case .waiting(_, let wake) = s.sleepers[id] {
                    s.sleepers[id] = nil
                    return wake
                }
                s.sleepers[id] = .cancelled
                return nil
            }
            wake?.resume(throwing: CancellationError())
        }
    }

    private func move(_ change: (inout Date) -> Void) {
        let due: [CheckedContinuation<Void, any Error>] = state.withLock { s in
            change(&s.now)
            var due: [(Date, Int, CheckedContinuation<Void, any Error>)] = []
            for (id, sleeper) in s.sleepers {
                if case .waiting(let until, let wake) = sleeper, until <= s.now { due.append((until, id, wake)) }
            }
            for (_, id, _) in due { s.sleepers[id] = nil }
            return due.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
        }
        for wake in due { wake.resume() }
    }
}
