import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import WarRoomCore
import WarRoomRuntime
import WarRoomTerminal
import WarRoomUI

#if canImport(Glibc)
    import Glibc
#endif

/// One dashboard run: journal, war room actor, pollers, a once-a-second
/// ticker and the terminal, torn down in order on every exit path.
struct DashboardSession {
    let config: WarRoomConfig
    let journalPath: String
    let mode: SessionMode
    /// Command of this journal's war room, held for the whole run.
    let lease: any CommanderLease
    /// Started with `--take-over` (and why): the handoff is recorded if the holder did not record it.
    var takeOver: String? = nil
    var screen = ScreenSetup()
    /// Start the launch without waiting for L (`--start`, the demo).
    var autoStart = false

    static func requireTerminal() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            warn("warroom: the dashboard needs a terminal (stdin and stdout must be a TTY)")
            throw ExitCode(2)
        }
    }

    /// Runs until the operator quits; returns the exit status.
    ///
    /// The screen comes first and says that it is loading while the journal
    /// is folded to its end (`JournalLoader`); only then does the war room
    /// exist, record this session and show its state.
    func run() async throws -> Int32 {
        let logger = Logger(label: "warroom")
        signal(SIGPIPE, SIG_IGN)
        defer { self.lease.release() }
        let client = WarRoomHTTPClient()
        let mailbox = try SnapshotMailbox()
        // The one place "cannot record" goes: what the war room records by
        // itself stops the session; a person's request is refused on screen.
        let failures = RecordFailures(
            logger: logger, stop: { mailbox.requestStop(message: $0) },
            tell: { mailbox.flash($0, isError: true, seconds: 15) })
        let room = WarRoomSlot()
        let services = SessionServices(logger: logger)
        // An unchanged stamp is only a hint: read anyway every 5 s (made before the journal is open; it opens while loading).
        let clock = CommanderClock(
            clock: SystemClock(), lease: lease, room: room,
            watch: SQLiteJournalWatch(path: journalPath, maximumGap: .seconds(5)),
            failures: failures, logger: logger, onRequest: { mailbox.setTakeOverRequest($0) })

        let (intentStream, intentSink) = AsyncStream.makeStream(of: Intent.self)
        let viewers = TmuxViewers.watch(mailbox)
        let panel = CommandPanel(
            specs: config.commands, service: config.service, user: currentUser(),
            abortWindow: config.abortWindow, dryRun: config.dryRun)
        var dashboard = Dashboard(access: .command(panel))
        dashboard.keyMap = screen.keyMap
        for w in screen.warnings { logger.warning("\(w)") }
        if let first = screen.warnings.first {
            mailbox.flash(
                first + (screen.warnings.count > 1 ? " (and \(screen.warnings.count - 1) more in the log)" : ""), isError: true, seconds: 10)
        }
        let terminal = TerminalService(mailbox: mailbox, dashboard: dashboard, setup: screen, failures: failures, room: room) { intent in
            logger.info("intent \(intent)")
            intentSink.yield(intent)
        }
        let group = services.group(screen: terminal, commanderClock: clock, room: room)
        let running = Task { try await group.run() }
        // Everything after this returns through the screen: stop it, then say why.
        func finish() async -> ExitReason {
            room.abandon()  // when no war room was opened: the drain waits for none
            do { try await running.value } catch { logger.error("session: \(error)") }
            viewers?.cancel()
            await viewers?.value
            try? await client.shutdown()
            for id in room.unreported {
                warn(
                    "warroom: command \(id) had not reported \(Format.duration(services.drainDeadline)) after the quit: recorded as of unknown outcome (a program may still be running)"
                )
            }
            return terminal.reason ?? .stopped(message: nil)
        }
        func stop(_ message: String) async -> Int32 {
            mailbox.requestStop(message: message)
            _ = await finish()
            warn("warroom: \(message)")
            return 1
        }

        // Opening migrates a journal of an older format once, in one
        // transaction, with its progress on the loading screen; quitting
        // stops it and leaves the file as it was.
        let path = journalPath
        let loading = Task {
            let started = Date()
            let journal = try SQLiteJournal(path: path) { progress in
                var shown = Loading(journal: path, read: Int64(progress.done), total: Int64(progress.total), startedAt: started)
                shown.stage = .migrating(to: SQLiteJournal.formatVersion, step: progress.step)
                if Task.isCancelled { throw JournalLoader.Stopped(loading: shown) }
                mailbox.post(loading: shown)
            }
            return (journal, try JournalLoader.load(journal, progress: { mailbox.post(loading: $0) }))
        }
        let quitWhileLoading = Task {
            await terminal.closed()
            loading.cancel()
        }
        let journal: SQLiteJournal
        let loaded: JournalLoader.Loaded
        do {
            (journal, loaded) = try await loading.value
        } catch is JournalLoader.Stopped {
            // The screen closed (q, a signal) before the journal was read: nothing was recorded.
            return await finish().status
        } catch {
            return await stop("\(error)")
        }
        quitWhileLoading.cancel()

        let warroom: WarRoom
        do {
            let executor: any CommandExecutor =
                config.dryRun
                ? DryRunExecutor(specs: config.commands)
                : ConfiguredExecutor(specs: config.commands, client: client)
            let pager = ConfiguredPager(spec: config.dryRun ? nil : config.commands[WarRoomConfig.pagingKey], client: client)
            let reader = config.commands[WarRoomConfig.readTrafficKey].map { ConfiguredTrafficReader(spec: $0, client: client) }
            warroom = try WarRoom(
                journal: journal, loaded: loaded, executor: executor, pager: pager, trafficReader: reader,
                retention: config.retention, groupCommitWindow: WarRoom.groupCommitWindow(sources: config.sources.count),
                checkpoints: config.checkpoints, logger: logger)
            // From here a quit drains its commands; a screen closed already records no session and starts nothing.
            room.open(warroom)
            if room.isClosed { return await finish().status }
            try await warroom.send(.sessionStarted(config.sessionInfo(mode: mode, startedBy: currentUser())))
            if let reason = takeOver, let previous = lease.previous, previous != lease.holder {
                // The holder records the handoff it grants; one that was gone could not.
                let recorded = try journal.events().contains {
                    if case .commandHandedOver(_, let to, _, _) = $0.event { to == lease.holder } else { false }
                }
                if !recorded {
                    try await warroom.send(.commandHandedOver(from: previous, to: lease.holder, reason: reason, granted: false))
                }
            }
            if autoStart, !room.isClosed {
                // Refused only when it already started: a restart resumes what was running.
                if let refusal = try await warroom.startLaunch(
                    by: currentUser(), reason: mode == .demo ? "the demo starts by itself" : "started with --start")
                {
                    logger.info("start: \(refusal.text)")
                }
            }
        } catch {
            return await stop("\(error)")
        }
        room.goLive()

        // The screen live from the state as loaded; what other processes append
        // at once (this war room's own commits are skipped by the wake-up); a
        // poller per source; the operator's intents one at a time, in the order typed.
        let changes = journal.makeWakeup()
        let limiter = PollLimiter(limit: config.maxConcurrentPolls)
        let handedOver = HandOverBox()
        let intents = IntentHandler(
            warroom: warroom, mailbox: mailbox, user: currentUser(), logger: logger,
            failures: failures, lease: lease, handedOver: handedOver)
        // Joined in this order, shut down in the reverse: the intents (first here) are handled until the rest has stopped.
        await services.join(
            group,
            [
                IntentService(intents: intentStream, sink: intentSink, handler: intents),
                SnapshotPump(warroom: warroom) { mailbox.post($0) },
                JournalCatchUp(changes: { changes.stream() }, warroom: warroom, clock: SystemClock(), logger: logger),
                Pollers(
                    config.sources.map { ($0.name, SourcePoller(source: $0, client: client, limiter: limiter)) },
                    warroom: warroom, failures: failures, logger: logger),
            ])

        let reason = await finish()
        logger.info("screen closed: \(reason)")
        if let message = failures.stopMessage {
            warn("warroom: \(message)")
            return 1
        }
        if case .stopped(let message?) = reason {
            warn("warroom: \(message)")
        }
        if let to = handedOver.to {
            warn("warroom: command handed to \(to.name); this dashboard closed")
        }
        return reason.status
    }
}

/// The screen as a service: ends when the operator quits (or a signal, or
/// a handoff); a shutdown the group starts (a failure) closes it with the
/// failure's message.
final class TerminalService: Service, Sendable {
    private let mailbox: SnapshotMailbox
    private let dashboard: Dashboard
    private let setup: ScreenSetup
    private let failures: RecordFailures
    private let room: WarRoomSlot
    private let onIntent: @Sendable (Intent) -> Void
    private let state = Mutex<(reason: ExitReason?, waiting: [CheckedContinuation<Void, Never>])>((nil, []))

    init(
        mailbox: SnapshotMailbox, dashboard: Dashboard, setup: ScreenSetup, failures: RecordFailures, room: WarRoomSlot,
        onIntent: @escaping @Sendable (Intent) -> Void
    ) {
        self.room = room
        self.mailbox = mailbox
        self.dashboard = dashboard
        self.setup = setup
        self.failures = failures
        self.onIntent = onIntent
    }

    func run() async {
        // Told to stop by the group (a failure elsewhere, or the backstop's cancel): never silently, never with exit 0.
        let reason = await withTaskCancellationOrGracefulShutdownHandler {
            await TerminalApp.run(
                mailbox: mailbox, dashboard: dashboard, theme: setup.theme, depth: setup.depth,
                mouse: setup.mouse, onIntent: onIntent)
        } onCancelOrGracefulShutdown: { [mailbox, failures] in
            mailbox.requestStop(message: failures.stopMessage ?? "warroom is stopping: a part of it ended (see the log)")
        }
        room.close()  // nothing more is decided on time
        let waiting = state.withLock { s in
            s.reason = reason
            defer { s.waiting = [] }
            return s.waiting
        }
        for wake in waiting { wake.resume() }
    }

    /// How the screen closed, once it has.
    var reason: ExitReason? { state.withLock { $0.reason } }

    /// Returns once the screen has closed.
    func closed() async {
        await withCheckedContinuation { (wake: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s in
                if s.reason != nil { return true }
                s.waiting.append(wake)
                return false
            }
            if done { wake.resume() }
        }
    }
}

/// The operator's intents, handled one at a time in the order typed. At
/// shutdown the stream is finished, so what was typed before the quit is
/// still handled (a note typed just before `q` is recorded).
struct IntentService: Service {
    let intents: AsyncStream<Intent>
    let sink: AsyncStream<Intent>.Continuation
    let handler: IntentHandler

    func run() async {
        await withGracefulShutdownHandler {
            for await intent in intents { await handler.handle(intent) }
        } onGracefulShutdown: { [sink] in
            sink.finish()
        }
    }
}

/// Whom this commander handed command to, once it has.
final class HandOverBox: Sendable {
    private let value = Mutex<CommanderIdentity?>(nil)
    func record(_ to: CommanderIdentity) { value.withLock { $0 = to } }
    var to: CommanderIdentity? { value.withLock { $0 } }
}
