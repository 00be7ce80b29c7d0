import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import WarRoomCore

@testable import WarRoomRuntime

/// Commands that hang until the test lets them go, as a rollback script
/// stuck on a slow API does.
final class HangingExecutor: CommandExecutor {
    private let state = Mutex<(started: Int, waiting: [CheckedContinuation<Void, Never>], released: Bool)>((0, [], false))
    var started: Int { state.withLock { $0.started } }

    func run(_ request: CommandRequest, service: String) async -> CommandOutcome {
        await withCheckedContinuation { (wake: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s in
                s.started += 1
                if s.released { return true }
                s.waiting.append(wake)
                return false
            }
            if now { wake.resume() }
        }
        return CommandOutcome(succeeded: true, detail: "rolled back", duration: 1)
    }

    func release() {
        let waiting = state.withLock { s in
            s.released = true
            defer { s.waiting = [] }
            return s.waiting
        }
        for wake in waiting { wake.resume() }
    }
}

/// A lease held by this test that counts its heartbeats.
final class CountingLease: CommanderLease {
    private let beats = Mutex(0)
    var heartbeats: Int { beats.withLock { $0 } }
    let holder = CommanderIdentity(user: "ana", host: "test", pid: 1, startedAt: Date(timeIntervalSince1970: 0))
    var previous: CommanderIdentity? { nil }
    func heartbeat() throws { beats.withLock { $0 += 1 } }
    func pendingRequest() -> TakeOverRequest? { nil }
    func release() {}
}

/// A watch that never sees a change (the catch-up service is tested on its own).
struct QuietWatch: JournalWatching {
    mutating func shouldRead(now: ContinuousClock.Instant) -> Bool { false }
}

/// The screen's place in the group: ends when the test closes it, or
/// when the group shuts it down (a failure elsewhere).
final class TestScreen: Service {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let shutDown = Mutex(false)
    var wasShutDownByGroup: Bool { shutDown.withLock { $0 } }

    init() { (stream, continuation) = AsyncStream.makeStream(of: Void.self) }
    func close() { continuation.finish() }

    func run() async {
        await withGracefulShutdownHandler {
            for await _ in stream {}
        } onGracefulShutdown: {
            self.shutDown.withLock { $0 = true }
            self.continuation.finish()
        }
    }
}

final class EventBox: Sendable {
    private let value = Mutex<[Event]>([])
    func add(_ event: Event) { value.withLock { $0.append(event) } }
    var events: [Event] { value.withLock { $0 } }
}

final class PostCounter: Sendable {
    private let value = Mutex(0)
    func add() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}

/// A journal whose compaction (which the first tick runs) fails, as a full disk would.
final class BrokenCompaction: JournalWriter, ForwardingReader {
    let inner: SQLiteJournal
    init(_ inner: SQLiteJournal) { self.inner = inner }
    var forwarded: any JournalReader { inner }
    func append(_ events: [(time: Date, event: Event)]) throws -> [Recorded] { try inner.append(events) }
    func write<T>(_ body: (any JournalTransaction) throws -> T) throws -> T { try inner.write(body) }
    func compactSamples(now: Date, retention: SampleRetention) throws -> SampleCompaction {
        throw JournalError(path: inner.location, reason: "disk full (a test)")
    }
    func writeCheckpoint(_ checkpoint: StoredCheckpoint, keep: Int) throws { try inner.writeCheckpoint(checkpoint, keep: keep) }
}

@Suite("A session's services: the drain races its deadline, the clock and catch-up run on the injected clock, one place for 'cannot record'")
struct SessionServicesTests {
    static let logger = Logger(label: "test")

    /// What the handler asked the screen to do.
    final class Seen: Sendable {
        let value = Mutex<(stops: [String], told: [String])>(([], []))
        func withLock<T>(_ body: ((stops: [String], told: [String])) -> T) -> T { value.withLock { body($0) } }
    }

    func failures() -> (RecordFailures, Seen) {
        let seen = Seen()
        let failures = RecordFailures(
            logger: Self.logger, stop: { m in seen.value.withLock { $0.stops.append(m) } },
            tell: { m in seen.value.withLock { $0.told.append(m) } })
        return (failures, seen)
    }

    func outcomes(_ path: String) throws -> [CommandOutcome] {
        try SQLiteJournal(path: path).events().compactMap { r -> CommandOutcome? in
            if case .commandFinished(_, let outcome) = r.event { outcome } else { nil }
        }
    }

    /// A war room on a manual clock whose rollback hangs, started.
    func hungRollback() async throws -> (WarRoom, String, ManualClock, HangingExecutor) {
        let path = temporaryJournalPath()
        let clock = ManualClock()
        let executor = HangingExecutor()
        let room = try WarRoom(journal: try SQLiteJournal(path: path), clock: clock, executor: executor, checkpoints: nil)
        try await room.send(.sessionStarted(CommitTests.session))
        #expect(try await room.issue(.rollback, by: "ana", reason: "errors up") == nil)
        try await waitUntil(seconds: 60) { executor.started == 1 }
        return (room, path, clock, executor)
    }

    /// The session's group as `run` composes it, on the manual clock, with a test screen.
    func session(
        _ services: SessionServices, screen: TestScreen, clock: ManualClock, lease: CountingLease, slot: WarRoomSlot,
        failures: RecordFailures
    ) -> ServiceGroup {
        services.group(
            screen: screen,
            commanderClock: CommanderClock(
                clock: clock, lease: lease, room: slot, watch: QuietWatch(),
                failures: failures, logger: Self.logger, onRequest: { _ in }),
            room: slot)
    }

    @Test("a command in flight gets the drain's deadline of the clock, no more: then it is recorded as of unknown outcome and left running")
    func drainRacesItsDeadline() async throws {
        let (room, path, clock, executor) = try await hungRollback()

        let drain = Task { await room.drainCommands(within: 3) }
        try await waitUntil(seconds: 60) { clock.sleepers.count == 1 }
        #expect(clock.sleepers == [clock.now().addingTimeInterval(3)])
        clock.advance(by: 2.9)
        #expect(clock.sleepers.count == 1, "the drain gave up before its deadline")
        clock.advance(by: 0.1)
        let left = await drain.value
        #expect(left.count == 1)
        let recorded = try outcomes(path)
        #expect(recorded.count == 1)
        #expect(recorded.first?.unknown == true)
        #expect(recorded.first?.detail.contains("it may still be running") == true, "\(recorded)")
        #expect(await room.snapshot.state.commandsInFlight.isEmpty)

        // It reports later (the process did not exit): no second outcome, but a note says what really happened.
        executor.release()
        try await waitUntil(seconds: 60) {
            try SQLiteJournal(path: path).events().contains {
                if case .note(let text, "warroom") = $0.event { text.contains("it succeeded (rolled back)") } else { false }
            }
        }
        await room.waitForCommands()
        #expect(try outcomes(path).count == 1)
    }

    @Test("a command that reports within the deadline is recorded as it reported, without waiting for the deadline")
    func drainEndsWhenCommandsReport() async throws {
        let (room, path, clock, executor) = try await hungRollback()
        let drain = Task { await room.drainCommands(within: 3) }
        try await waitUntil(seconds: 60) { clock.sleepers.count == 1 }
        executor.release()
        #expect(await drain.value == [])
        #expect(try outcomes(path).map(\.detail) == ["rolled back"])
        #expect(clock.sleepers.isEmpty, "the deadline's sleep was left behind")
    }

    @Test("waiting for commands ends when the waiting task is cancelled, though a command still hangs")
    func waitingIsCancellable() async throws {
        let (room, _, _, executor) = try await hungRollback()
        let waiting = Task { await room.waitForCommands() }
        waiting.cancel()
        await waiting.value  // returns: a hang here is the failure
        executor.release()
    }

    @Test(
        "the session group: the screen closing shuts down the war room's services, then the drain gives a command in flight its deadline and records it"
    )
    func groupShutsDownInOrder() async throws {
        let (room, path, clock, executor) = try await hungRollback()
        let lease = CountingLease()
        let slot = WarRoomSlot()
        let screen = TestScreen()
        let services = SessionServices(logger: Self.logger)
        let group = session(services, screen: screen, clock: clock, lease: lease, slot: slot, failures: failures().0)
        let running = Task { try await group.run() }
        try await waitUntil(seconds: 60) { lease.heartbeats == 1 }  // the clock beats at once, before a war room exists
        slot.open(room)
        slot.goLive()
        let posted = PostCounter()
        let (changes, _) = AsyncStream.makeStream(of: Void.self)
        await services.join(
            group,
            [
                SnapshotPump(warroom: room) { _ in posted.add() },
                JournalCatchUp(changes: { changes }, warroom: room, clock: clock, logger: Self.logger),
            ])
        try await waitUntil(seconds: 60) { posted.count >= 1 }

        screen.close()
        // Everything but the drain has stopped: the drain's deadline is the one sleeper left.
        try await waitUntil(seconds: 60) { clock.sleepers == [clock.now().addingTimeInterval(services.drainDeadline)] }
        clock.advance(by: services.drainDeadline)
        try await running.value
        let recorded = try outcomes(path)
        #expect(recorded.count == 1 && recorded.first?.unknown == true, "\(recorded)")
        #expect(!screen.wasShutDownByGroup, "the screen ended the group; it was not told to")
        executor.release()
    }

    @Test(
        "the clock service beats the lease every 2 s and ticks the war room each second of the injected clock; a tick that cannot record stops the session once"
    )
    func clockOnTheInjectedClock() async throws {
        let clock = ManualClock()
        let lease = CountingLease()
        let (failures, seen) = failures()
        let room = try WarRoom(
            journal: BrokenCompaction(try SQLiteJournal(path: temporaryJournalPath())), clock: clock,
            executor: nil, checkpoints: nil)
        let slot = WarRoomSlot()
        let screen = TestScreen()
        let group = session(SessionServices(logger: Self.logger), screen: screen, clock: clock, lease: lease, slot: slot, failures: failures)
        let running = Task { try await group.run() }
        try await waitUntil(seconds: 60) { lease.heartbeats == 1 && clock.sleepers.count == 1 }
        #expect(seen.withLock { $0.stops.isEmpty }, "no war room yet: nothing ticked")
        slot.open(room)
        slot.goLive()
        // Ticks just after each whole second: 1.005, 2.005, 3.005, 4.005 s on.
        for _ in 0 ..< 4 {
            let next = try #require(clock.sleepers.first)
            clock.set(next)
            try await waitUntil(seconds: 60) { clock.sleepers.first.map { $0 > next } ?? false }
        }
        #expect(lease.heartbeats == 3, "a beat at 0, 2.005 and 4.005 s")
        let stops = seen.withLock { $0.stops }
        #expect(stops.count == 1, "\(stops)")
        #expect(stops.first?.contains("the one-second clock") == true)
        #expect(stops.first?.contains("disk full (a test)") == true)
        #expect(failures.stopMessage == stops.first)
        screen.close()
        try await running.value
    }

    @Test("after the kernel says the journal changed, the catch-up looks again after each pause of the injected clock until it finds what changed")
    func catchUpPausesOnTheClock() async throws {
        let path = temporaryJournalPath()
        let clock = ManualClock()
        let room = try WarRoom(journal: try SQLiteJournal(path: path), clock: clock, executor: nil, checkpoints: nil)
        try await room.send(.sessionStarted(CommitTests.session))
        let (changes, changed) = AsyncStream.makeStream(of: Void.self)
        let screen = TestScreen()
        let services = SessionServices(logger: Self.logger)
        let slot = WarRoomSlot()
        let group = session(services, screen: screen, clock: clock, lease: CountingLease(), slot: slot, failures: failures().0)
        let running = Task { try await group.run() }
        await services.join(group, [JournalCatchUp(changes: { changes }, warroom: room, clock: clock, pauses: [20, 50], logger: Self.logger)])

        changed.yield()  // nothing new yet: the commit is still on its way
        try await waitUntil(seconds: 60) { clock.sleepers.contains(clock.now().addingTimeInterval(0.02)) }
        clock.advance(by: 0.02)
        try await waitUntil(seconds: 60) { clock.sleepers.contains(clock.now().addingTimeInterval(0.05)) }
        try SQLiteJournal(path: path).append(.note(text: "from another shell", by: "ben"), at: Date())
        #expect(await room.snapshot.state.timeline.allSatisfy { !"\($0)".contains("from another shell") })
        clock.advance(by: 0.05)
        try await waitUntil(seconds: 60) { await room.snapshot.state.timeline.contains { "\($0)".contains("from another shell") } }
        screen.close()
        try await running.value
    }

    @Test("a joined service whose work ends early waits for the shutdown: the session goes on")
    func earlyEndWaits() async throws {
        let clock = ManualClock()
        let lease = CountingLease()
        let room = try WarRoom(journal: try SQLiteJournal(path: temporaryJournalPath()), clock: clock, executor: nil, checkpoints: nil)
        let slot = WarRoomSlot()
        let screen = TestScreen()
        let services = SessionServices(logger: Self.logger)
        let group = session(services, screen: screen, clock: clock, lease: lease, slot: slot, failures: failures().0)
        let running = Task { try await group.run() }
        slot.open(room)
        slot.goLive()
        let (ended, finish) = AsyncStream.makeStream(of: Void.self)
        finish.finish()  // the kernel's wake-up, gone at once
        await services.join(group, [JournalCatchUp(changes: { ended }, warroom: room, clock: clock, logger: Self.logger)])
        try await waitUntil(seconds: 60) { clock.sleepers.count == 1 }
        for _ in 0 ..< 3 {
            let next = try #require(clock.sleepers.first)
            clock.set(next)
            try await waitUntil(seconds: 60) { clock.sleepers.first.map { $0 > next } ?? false }
        }
        #expect(lease.heartbeats == 2, "the clock still beats: the group did not stop")
        #expect(!screen.wasShutDownByGroup)
        screen.close()
        try await running.value
    }

    @Test(
        "the backstop: cancelled at maximumShutdown, while its clock never reaches the deadline (300 ms) or before its turn came (1 ms), the drain still records its command as unknown",
        arguments: [300, 1])
    func backstop(milliseconds: Int) async throws {
        let (room, path, clock, executor) = try await hungRollback()
        let slot = WarRoomSlot()
        let screen = TestScreen()
        var services = SessionServices(logger: Self.logger)
        services.maximumShutdown = .milliseconds(milliseconds)
        let group = session(services, screen: screen, clock: clock, lease: CountingLease(), slot: slot, failures: failures().0)
        let running = Task { try await group.run() }
        slot.open(room)
        slot.goLive()
        screen.close()
        try? await running.value  // the manual clock never moves: only the backstop ends this
        let recorded = try outcomes(path)
        #expect(recorded.count == 1 && recorded.first?.unknown == true, "\(recorded)")
        executor.release()
    }

    @Test("the slot: the drain waits for the war room or word that none will come; the clock sees it only while live and the screen open")
    func slot() async throws {
        let room = try WarRoom(journal: try SQLiteJournal(path: temporaryJournalPath()), clock: ManualClock(), executor: nil, checkpoints: nil)
        let slot = WarRoomSlot()
        let waiting = Task { await slot.settled() }
        #expect(slot.live == nil)
        slot.open(room)
        #expect(await waiting.value === room)
        #expect(slot.live == nil, "opened is not live: the session is not recorded yet")
        slot.goLive()
        #expect(slot.live === room)
        slot.close()
        #expect(slot.live == nil, "nothing is decided on time once the screen closed")
        #expect(await slot.settled() === room)

        let none = WarRoomSlot()
        let abandoned = Task { await none.settled() }
        none.abandon()
        #expect(await abandoned.value == nil)
        none.open(room)
        #expect(await none.settled() == nil, "settled once, for good")

        let never = WarRoomSlot()
        let cancelled = Task { await never.settled() }
        cancelled.cancel()
        #expect(await cancelled.value == nil)
    }

    @Test("a poller stopped in the middle of a poll (a quit) records no source down")
    func stoppedPollIsNotDown() async throws {
        let router = Router()
        let asked = PostCounter()
        router.get("health") { _, _ -> Response in
            asked.add()
            try await Task.sleep(for: .seconds(60))
            return Response(status: .ok)
        }
        try await withServer(router) { port in
            let source = SourceConfig(name: "h", kind: .health(url: "http://127.0.0.1:\(port)/health"), interval: 1, timeout: 30)
            let seen = EventBox()
            let poller = SourcePoller(source: source, client: .shared)
            let polling = Task { await poller.run { seen.add($0) } }
            try await waitUntil(seconds: 60) { asked.count == 1 }
            polling.cancel()
            await polling.value
            #expect(seen.events.isEmpty, "\(seen.events)")
        }
    }

    @Test("a person's request that cannot be recorded is refused on screen and the session goes on; the war room's own stops it, once")
    func oneHandler() {
        let (failures, seen) = failures()
        struct Full: Error, CustomStringConvertible { var description: String { "disk full" } }
        failures.report(Full(), from: .person("note"))
        #expect(seen.withLock { $0.told } == ["NOT RECORDED: disk full"])
        #expect(seen.withLock { $0.stops }.isEmpty)
        #expect(failures.stopMessage == nil)
        failures.report(Full(), from: .source("health"))
        failures.report(Full(), from: .clock)
        #expect(seen.withLock { $0.stops } == ["cannot record (source health): disk full"])
        #expect(failures.stopMessage == "cannot record (source health): disk full")
    }
}
