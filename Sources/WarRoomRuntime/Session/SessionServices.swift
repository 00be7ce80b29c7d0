public import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization
public import WarRoomCore

/// A commander's session as services under one `ServiceGroup`: the
/// one-second clock, the operator's intents, the snapshot pump, the journal
/// catch-up and the pollers, with the command drain last.
///
/// The group is shut down gracefully when the screen closes (the screen's
/// service ends: a quit, a signal, a handoff). No other service ends on its
/// own: one whose work ends early (a stream that finished) waits for the
/// shutdown. In reverse order of start: the pollers (all at once), the
/// catch-up, the pump and the intents first, then the clock, then the
/// drain, which gives commands in flight `drainDeadline` of the clock to
/// report. The clock decides nothing on time once the screen has closed
/// (`WarRoomSlot.close`). `maximumShutdown` is the backstop: whatever still
/// runs then is cancelled, the screen included.
public struct SessionServices: Sendable {
    public var logger: Logger
    /// Seconds of the war room's clock a command in flight gets to report after a quit.
    public var drainDeadline: TimeInterval = 3
    public var maximumShutdown: Duration = .seconds(10)

    public init(logger: Logger) {
        self.logger = logger
    }

    /// The group for the screen, the clock and the drain, which run from
    /// the start (while the journal loads); the rest joins once the war room
    /// exists (`join`). The screen's service ending shuts the group down.
    public func group(screen: any Service, commanderClock: CommanderClock, room: WarRoomSlot) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(
            services: [CommandDrain(room: room, deadline: drainDeadline), commanderClock, screen].map(Self.configured),
            logger: logger)
        configuration.maximumGracefulShutdownDuration = maximumShutdown
        return ServiceGroup(configuration: configuration)
    }

    /// Once loaded: what runs on the war room, added after the screen, so
    /// it is shut down before the clock and the drain (the last added first).
    public func join(_ group: ServiceGroup, _ services: [any Service]) async {
        for service in services { await group.addServiceUnlessShutdown(Self.configured(service)) }
    }

    /// Whichever way a service ends, the group shuts down gracefully (never a cancel that would skip the drain).
    private static func configured(_ service: any Service) -> ServiceGroupConfiguration.ServiceConfiguration {
        .init(service: service, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup)
    }
}

/// For a service whose work ended before the session's: wait for the
/// shutdown rather than end the group (or return at once when cancelled).
func untilShutdown() async {
    try? await gracefulShutdown()
}

/// The war room, from the loading screen to the quit: the drain waits for
/// it (or for word that none will come), the clock decides on time only
/// while it is live, and never after the screen has closed.
public final class WarRoomSlot: Sendable {
    private enum Phase {
        case loading, opened, live, abandoned
    }
    private struct State {
        var phase = Phase.loading
        var warroom: WarRoom?
        var closed = false
        var unreported: [Int] = []
        var waiting: [Int: CheckedContinuation<WarRoom?, Never>] = [:]
        var next = 0
    }
    private let state = Mutex(State())
    public init() {}

    /// The war room exists: from here a quit drains its commands.
    public func open(_ warroom: WarRoom) { settle(.opened, warroom) }
    /// No war room will come (the load failed or was stopped).
    public func abandon() { settle(.abandoned, nil) }
    /// The war room records its session: the clock may decide on time.
    public func goLive() { state.withLock { if $0.phase == .opened { $0.phase = .live } } }
    /// The screen closed: nothing more is decided on time.
    public func close() { state.withLock { $0.closed = true } }

    public var isClosed: Bool { state.withLock { $0.closed } }
    /// The war room while it is live and the screen open.
    public var live: WarRoom? { state.withLock { $0.phase == .live && !$0.closed ? $0.warroom : nil } }
    /// Commands the drain recorded as of unknown outcome.
    public var unreported: [Int] { state.withLock { $0.unreported } }
    func report(unreported ids: [Int]) { state.withLock { $0.unreported = ids } }

    private func settle(_ phase: Phase, _ warroom: WarRoom?) {
        let waiting = state.withLock { s -> [CheckedContinuation<WarRoom?, Never>] in
            guard s.phase == .loading else { return [] }
            s.phase = phase
            s.warroom = warroom
            defer { s.waiting = [:] }
            return Array(s.waiting.values)
        }
        for wake in waiting { wake.resume(returning: warroom) }
    }

    /// The war room once it is opened, nil once abandoned; nil at once when the waiting task is cancelled.
    public func settled() async -> WarRoom? {
        let id = state.withLock { s in
            defer { s.next += 1 }
            return s.next
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (wake: CheckedContinuation<WarRoom?, Never>) in
                let now: WarRoom?? = state.withLock { s in
                    if s.phase != .loading { return .some(s.warroom) }
                    if Task.isCancelled { return .some(nil) }
                    s.waiting[id] = wake
                    return .none
                }
                if let now { wake.resume(returning: now) }
            }
        } onCancel: {
            let wake = state.withLock { $0.waiting.removeValue(forKey: id) }
            wake?.resume(returning: nil)
        }
    }
}

/// The one place a failure to record is handled. Every failure is logged
/// as critical with where it came from. What the war room records by
/// itself (a source's reading, a decision on time) stops the session: a
/// screen that can no longer record would show the past as if it were now.
/// A person's request is refused on screen instead, and they may try again.
public final class RecordFailures: Sendable {
    public enum Origin: Sendable, Equatable {
        /// A poller's reading of this source.
        case source(String)
        /// The one-second clock: decisions on time and catching up with other processes.
        case clock
        /// A person's request, as typed.
        case person(String)

        public var text: String {
            switch self {
            case .source(let name): "source \(name)"
            case .clock: "the one-second clock"
            case .person(let request): request
            }
        }

        public var stopsSession: Bool {
            if case .person = self { false } else { true }
        }
    }

    private let first = Mutex<String?>(nil)
    private let logger: Logger
    private let stop: @Sendable (String) -> Void
    private let tell: @Sendable (String) -> Void

    /// `stop` closes the session with a message; `tell` shows one to the person who asked.
    public init(logger: Logger, stop: @escaping @Sendable (String) -> Void, tell: @escaping @Sendable (String) -> Void) {
        self.logger = logger
        self.stop = stop
        self.tell = tell
    }

    public func report(_ error: any Error, from origin: Origin) {
        logger.critical("cannot record (\(origin.text)): \(error)")
        guard origin.stopsSession else { return tell("NOT RECORDED: \(error)") }
        let message = "cannot record (\(origin.text)): \(error)"
        let isFirst = first.withLock { seen in
            guard seen == nil else { return false }
            seen = message
            return true
        }
        if isFirst { stop(message) }
    }

    /// The failure that stopped the session, if one did.
    public var stopMessage: String? { first.withLock { $0 } }
}

/// The session's one clock, a tick just after each whole second: the
/// lease's heartbeat (followers tell a live commander from a dead one by
/// it), a request for command, and once the war room is loaded its
/// time-driven decisions and what other processes (`note`, `ack`)
/// appended, as a safety net under the journal's wake-up.
public struct CommanderClock: Service {
    let clock: any WarRoomClock
    let lease: any CommanderLease
    let room: WarRoomSlot
    let watch: any JournalWatching
    let failures: RecordFailures
    let logger: Logger
    let onRequest: @Sendable (TakeOverRequest?) -> Void

    public init(
        clock: any WarRoomClock, lease: any CommanderLease, room: WarRoomSlot, watch: any JournalWatching,
        failures: RecordFailures, logger: Logger, onRequest: @escaping @Sendable (TakeOverRequest?) -> Void
    ) {
        self.clock = clock
        self.lease = lease
        self.room = room
        self.watch = watch
        self.failures = failures
        self.logger = logger
        self.onRequest = onRequest
    }

    public func run() async {
        let me = self
        await cancelWhenGracefulShutdown {
            var watch = me.watch
            var beat = Date.distantPast
            var recheck = false
            let interval = Double(heartbeatInterval.components.seconds)
            var ticks = me.clock.seconds().makeAsyncIterator()
            repeat {
                let now = me.clock.now()
                if now >= beat || now < beat.addingTimeInterval(-interval) {  // due, or the clock went back
                    do { try me.lease.heartbeat() } catch { me.logger.error("heartbeat: \(error)") }
                    beat = now.addingTimeInterval(interval - 0.1)  // on the tick that ends the interval, whatever its jitter
                }
                me.onRequest(me.lease.pendingRequest())
                if let warroom = me.room.live {
                    do {
                        // The log is written before its commit shows: a read that found
                        // nothing after a change looks again at the next second.
                        let changed = watch.shouldRead()
                        if changed || recheck {
                            let fresh = try await warroom.catchUp()
                            recheck = changed && fresh == 0
                        }
                        try await warroom.tick()
                    } catch {
                        me.failures.report(error, from: .clock)
                    }
                }
            } while await ticks.next() != nil
        }
        await untilShutdown()
    }
}

/// The newest snapshot of the war room, to the screen: from the state as
/// loaded on, the screen is live.
public struct SnapshotPump: Service {
    let warroom: WarRoom
    let post: @Sendable (Snapshot) -> Void

    public init(warroom: WarRoom, post: @escaping @Sendable (Snapshot) -> Void) {
        self.warroom = warroom
        self.post = post
    }

    public func run() async {
        let me = self
        await cancelWhenGracefulShutdown {
            for await snapshot in await me.warroom.snapshots() { me.post(snapshot) }
        }
        await untilShutdown()
    }
}

/// What other processes append (`note`, `ack`, a take-over) shows at once:
/// the kernel says when the journal's files change (this war room's own
/// commits are skipped by the wake-up). The commit itself is invisible to
/// it: a read that found nothing looks again after each of `pauses` (ms)
/// of the clock; the one-second clock is the safety net.
public struct JournalCatchUp: Service {
    let changes: @Sendable () -> AsyncStream<Void>
    let warroom: WarRoom
    let clock: any WarRoomClock
    let pauses: [Int]
    let logger: Logger

    public init(
        changes: @escaping @Sendable () -> AsyncStream<Void>, warroom: WarRoom, clock: any WarRoomClock,
        pauses: [Int] = SQLiteJournalWakeup.readAfter, logger: Logger
    ) {
        self.changes = changes
        self.warroom = warroom
        self.clock = clock
        self.pauses = pauses
        self.logger = logger
    }

    public func run() async {
        let me = self
        await cancelWhenGracefulShutdown {
            for await _ in me.changes() {
                for pause in me.pauses {
                    do {
                        try await me.clock.sleep(for: Double(pause) / 1000)
                        if try await me.warroom.catchUp() > 0 { break }
                    } catch is CancellationError {
                        return
                    } catch {
                        me.logger.error("catching up: \(error)")
                        break
                    }
                }
            }
            // The kernel's word stopped (its thread failed): the one-second clock still catches up.
            me.logger.warning("the journal's wake-up ended; catching up once a second")
        }
        await untilShutdown()
    }
}

/// Every source's poller, its readings committed with the other sources'
/// (group commit); a reading that cannot be recorded stops the session.
/// One service, so a shutdown stops them all at once: one at a time, a
/// few hundred sources mid-fetch would outlast the shutdown's backstop.
public struct Pollers: Service {
    let pollers: [(name: String, poller: SourcePoller)]
    let warroom: WarRoom
    let failures: RecordFailures
    let logger: Logger

    public init(_ pollers: [(name: String, poller: SourcePoller)], warroom: WarRoom, failures: RecordFailures, logger: Logger) {
        self.pollers = pollers
        self.warroom = warroom
        self.failures = failures
        self.logger = logger
    }

    public func run() async {
        let me = self
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for (name, poller) in me.pollers {
                    group.addTask {
                        await poller.run(onWarning: { me.logger.warning("\($0)") }) { event in
                            do {
                                try await me.warroom.submit(event)
                            } catch {
                                me.failures.report(error, from: .source(name))
                            }
                        }
                    }
                }
            }
        }
        await untilShutdown()
    }
}

/// Last to stop: once the rest has, commands in flight get `deadline`
/// seconds of the war room's clock to report (`WarRoom.drainCommands`).
/// Cancelled (the backstop), it records at once what is still running.
public struct CommandDrain: Service {
    let room: WarRoomSlot
    let deadline: TimeInterval

    public init(room: WarRoomSlot, deadline: TimeInterval) {
        self.room = room
        self.deadline = deadline
    }

    public func run() async {
        // Cancelled instead (the backstop came before the drain's turn, or while
        // it waited): drain at once, recording as unknown what still runs.
        try? await gracefulShutdown()
        // A quit just after the load waits here for the war room it opened.
        guard let warroom = await room.settled() else { return }
        room.report(unreported: await warroom.drainCommands(within: deadline))
    }
}
