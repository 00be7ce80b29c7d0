import Foundation
import Hummingbird
import Synchronization
import Testing
import WarRoomCore

@testable import WarRoomRuntime

@Suite("A clock that sleeps")
struct ClockTests {
    final class Woke: Sendable {
        private let seen = Mutex<[Int]>([])
        func add(_ n: Int) { seen.withLock { $0.append(n) } }
        var order: [Int] { seen.withLock { $0 } }
    }

    @Test("a sleeper on the manual clock wakes when the time reaches its deadline, never before; in deadline order")
    func wakesOnAdvance() async throws {
        let clock = ManualClock()
        let start = clock.now()
        let woke = Woke()
        let a = Task {
            try await clock.sleep(for: 5)
            woke.add(5)
        }
        let b = Task {
            try await clock.sleep(for: 2)
            woke.add(2)
        }
        try await waitUntil(seconds: 60) { clock.sleepers.count == 2 }
        #expect(clock.sleepers == [start + 2, start + 5])
        clock.advance(by: 1.999)
        try await Task.sleep(for: .milliseconds(20))
        #expect(woke.order.isEmpty, "not before its deadline")
        clock.advance(by: 0.001)
        try await b.value
        #expect(woke.order == [2])
        clock.set(start + 60)
        try await a.value
        #expect(woke.order == [2, 5])
        #expect(clock.sleepers.isEmpty)
        // Nothing to wait for: at once (a value that is not finite too, as on the system clock).
        try await clock.sleep(for: 0)
        try await clock.sleep(for: -3)
        try await clock.sleep(for: .nan)
        try await clock.sleep(for: -.infinity)
        #expect(clock.sleepers.isEmpty)
    }

    @Test("a cancelled sleeper wakes at once with CancellationError, also when cancelled before it slept")
    func cancellation() async throws {
        let clock = ManualClock()
        let sleeping = Task { try await clock.sleep(for: 3600) }
        try await waitUntil(seconds: 60) { clock.sleepers.count == 1 }
        sleeping.cancel()
        await #expect(throws: CancellationError.self) { try await sleeping.value }
        #expect(clock.sleepers.isEmpty)
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: 3600)
        }
        await #expect(throws: CancellationError.self) { try await early.value }
        #expect(clock.sleepers.isEmpty)
    }

    @Test("a deadline on the manual clock fires when the clock passes it, not in real time")
    func deadline() async throws {
        let clock = ManualClock()
        let result = Task {
            try await withDeadline(10, clock: clock) {
                try await Task.sleep(for: .seconds(3600))
                return 1
            }
        }
        try await waitUntil(seconds: 60) { clock.sleepers.count == 1 }
        clock.advance(by: 10)
        await #expect(throws: DeadlineExceeded.self) { try await result.value }
        #expect(try await withDeadline(10, clock: clock) { 7 } == 7)
    }

    @Test(
        "a poller sleeps on its clock: the interval, then while down twice and four times it, never past 30 s, plus the injected jitter; one sourceDown, one sourceUp with the clock's downtime"
    )
    func pollerBackoff() async throws {
        let healthy = Atomic<Bool>(false)
        let polls = Atomic<Int>(0)
        let router = Router()
        router.get("health") { _, _ -> Response in
            polls.add(1, ordering: .relaxed)
            guard healthy.load(ordering: .relaxed) else { return Response(status: .serviceUnavailable) }
            return Response(status: .ok, body: .init(byteBuffer: .init(string: #"{"status": "ok", "error_rate": 0.01}"#)))
        }
        try await withServer(router) { port in
            let clock = ManualClock()
            let start = clock.now()
            // Jitter 10% by default.
            let source = SourceConfig(name: "h", kind: .health(url: "http://127.0.0.1:\(port)/health"), interval: 10, timeout: 2)
            let poller = SourcePoller(source: source, client: .shared, clock: clock, random: { 0.5 })
            let events = Mutex<[Event]>([])
            let task = Task { await poller.run { e in events.withLock { $0.append(e) } } }
            defer { task.cancel() }
            // Each wait: what the poller asked its clock for, after each poll.
            var waits: [TimeInterval] = []
            for poll in 1 ... 5 {
                // Asleep between polls, not in a fetch (whose deadline, 2.25 s away, sleeps on the clock too).
                try await waitUntil(seconds: 60) {
                    polls.load(ordering: .relaxed) == poll && clock.sleepers.count == 1 && clock.sleepers[0] > clock.now() + 5
                }
                let until = try #require(clock.sleepers.first)
                waits.append((until.timeIntervalSince(clock.now()) * 1000).rounded() / 1000)
                if poll == 4 { healthy.store(true, ordering: .relaxed) }
                clock.set(until)
            }
            // Down from the first poll: 1 interval, then 2, then 4 capped at 30 s; back up at the fifth: 1 again.
            // Jitter: 0.5 of 10% of 10 s, after the whole second each poll keeps to: every poll
            // but the first starts 0.5 s after its second, so the waits between them are whole.
            #expect(waits == [10.5, 20, 30, 30, 10], "\(waits)")
            try await waitUntil(seconds: 60) { events.withLock { $0.contains { if case .samples = $0 { true } else { false } } } }
            let seen = events.withLock { $0 }
            #expect(seen.first == .sourceDown(source: "h", reason: "HTTP 503 Service Unavailable"))
            #expect(seen.filter { if case .sourceDown = $0 { true } else { false } }.count == 1)
            #expect(seen.contains(.sourceUp(source: "h", downFor: 10.5 + 20 + 30 + 30)), "\(seen)")
            #expect(clock.now() == start + 100.5)
        }
    }
}

@Suite("Poll schedule")
struct PollScheduleTests {
    let second = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("an interval of whole seconds keeps to whole seconds of the wall clock: a poll that started late or early is next read on the second")
    func wholeSeconds() {
        for late in [0.0, 0.0123, 0.31, -0.2] {
            #expect(SourcePoller.nextPoll(after: second + late, interval: 1, failures: 0, jitter: 0) == second + 1, "started \(late) s off")
            #expect(SourcePoller.nextPoll(after: second + late, interval: 15, failures: 0, jitter: 0) == second + 15)
        }
        // Jitter is a share of the interval, added after the second; the jitter a poll started with is taken off first.
        #expect(SourcePoller.nextPoll(after: second + 0.004, interval: 10, failures: 0, jitter: 0.05) == second + 10.5)
        #expect(SourcePoller.nextPoll(after: second + 0.504, jittered: 0.5, interval: 10, failures: 2, jitter: 0.05) == second + 20.5)
        #expect(SourcePoller.nextPoll(after: second + 0.6, jittered: 0.6, interval: 1, failures: 0, jitter: 0) == second + 1)
    }

    @Test("a fractional interval is kept as it is, from the start of the poll")
    func fractional() {
        #expect(SourcePoller.nextPoll(after: second + 0.0123, interval: 0.2, failures: 0, jitter: 0) == second + 0.0123 + 0.2)
        #expect(SourcePoller.nextPoll(after: second + 0.3, interval: 1.5, failures: 0, jitter: 0) == second + 1.8)
    }

    @Test("while down it backs off to 2 and 4 intervals, never past 30 s, still on the second")
    func backoff() {
        let waits = (0 ... 5).map { SourcePoller.nextPoll(after: second + 0.02, interval: 10, failures: $0, jitter: 0).timeIntervalSince(second) }
        #expect(waits == [10, 10, 20, 30, 30, 30])
        #expect(SourcePoller.nextPoll(after: second, interval: 60, failures: 3, jitter: 0) == second + 60, "never shorter than the interval")
    }
}
