public import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization
public import WarRoomCore

/// A commander's session as services under one `ServiceGroup`: the
/// one-second clock, the snapshot pump, the journal catch-up, a poller per
/// source and the operator's intents, with the command drain last.
///
/// The group is shut down gracefully when the screen closes (the screen's
/// service ends: a quit, a signal, a handoff) or when a service fails. In
/// reverse order of start: intents, pollers, catch-up and pump first, then
/// the clock (nothing decides on time while quitting), then the drain,
/// which gives commands in flight `drainDeadline` of the clock to report.
/// `maximumShutdown` is the backstop: a service that ignores its shutdown
/// is cancelled then.
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
            services: [
                .init(service: CommandDrain(room: room, deadline: drainDeadline)),
                .init(service: commanderClock),
                .init(
                    service: screen, successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup),
            ],
            logger: logger)
        configuration.maximumGracefulShutdownDuration = maximumShutdown
        return ServiceGroup(configuration: configuration)
    }

    /// Once loaded: what runs on the war room, added after the screen, so
    /// it is shut down before the clock and the drain.
    public func join(_ group: ServiceGroup, _ services: [any Service]) async {
        for service in services {
            await group.addServiceUnlessShutdown(
                .init(
                    service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup))
        }
    }
}

/// The war room once the journal is loaded: the clock and the drain run
/// before it exists.
public final class WarRoomSlot: Sendable {
    private let value = Mutex<WarRoom?>(nil)
    public init() {}
    public func set(_ warroom: WarRoom) { value.withLock { $0 = warroom } }
    public var warroom: WarRoom? { value.withLock { $0 } }
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
                if let warroom = me.room.warroom {
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
        }
    }
}

/// One source's poller, its readings committed with the other sources'
/// (group commit); a reading that cannot be recorded stops the session.
public struct PollerService: Service {
    let poller: SourcePoller
    let name: String
    let warroom: WarRoom
    let failures: RecordFailures
    let logger: Logger

    public init(poller: SourcePoller, name: String, warroom: WarRoom, failures: RecordFailures, logger: Logger) {
        self.poller = poller
        self.name = name
        self.warroom = warroom
        self.failures = failures
        self.logger = logger
    }

    public func run() async {
        let me = self
        await cancelWhenGracefulShutdown {
            await me.poller.run(onWarning: { me.logger.warning("\($0)") }) { event in
                do {
                    try await me.warroom.submit(event)
                } catch {
                    me.failures.report(error, from: .source(me.name))
                }
            }
        }
    }
}

/// Last to stop: once the rest has, commands in flight get `deadline`
/// seconds of the war room's clock to report (`WarRoom.drainCommands`).
/// Cancelled rather than shut down (the backstop), it stops at once.
public struct CommandDrain: Service {
    let room: WarRoomSlot
    let deadline: TimeInterval

    public init(room: WarRoomSlot, deadline: TimeInterval) {
        self.room = room
        self.deadline = deadline
    }

    public func run() async {
        do { try await gracefulShutdown() } catch { return }
        _ = await room.warroom?.drainCommands(within: deadline)
    }
}
