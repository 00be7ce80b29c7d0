import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import WarRoomCore
import WarRoomRuntime
import WarRoomTerminal
import WarRoomUI
import Synchronization
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
        let failures = FailureBox()
        var tasks: [Task<Void, Never>] = []
        let room = RoomBox()

        // The one-second clock: the lease's heartbeat (followers tell a live
        // commander from a dead one by it), a request for command, and once
        // loaded the war room's time-driven decisions and what other processes
        // (`note`, `ack`) appended. Nothing else here wakes on time.
        let held = lease
        tasks.append(Task {
            var beat = ContinuousClock.now
            // An unchanged stamp is only a hint: read anyway every 5 s.
            var watch = SQLiteJournalWatch(path: journalPath, maximumGap: .seconds(5))  // before the journal is open (it opens while loading)
            var recheck = false
            let seconds = OneSecondClock.ticks()
            var next = seconds.makeAsyncIterator()
            var clockFailed = false
            repeat {
                if ContinuousClock.now >= beat {
                    do { try held.heartbeat() } catch { logger.error("\(error)") }
                    beat = ContinuousClock.now + heartbeatInterval
                }
                mailbox.setTakeOverRequest(held.pendingRequest())
                if let warroom = room.warroom {
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
                        logger.critical("cannot record: \(error)")
                        failures.record("\(error)")
                        mailbox.requestStop(message: "\(error)")
                    }
                }
                if await next.next() == nil, !Task.isCancelled {
                    // The clock's thread could not start (no pipe): never stop the heartbeat and the ticks.
                    if !clockFailed { logger.critical("the one-second clock's thread stopped; sleeping on the runtime instead") }
                    clockFailed = true
                    do { try await OneSecondClock.sleepToNextSecond() } catch { break }
                }
            } while !Task.isCancelled
        })

        let (intentStream, intentSink) = AsyncStream.makeStream(of: Intent.self)
        if let viewers = TmuxViewers.watch(mailbox) { tasks.append(viewers) }
        let panel = CommandPanel(specs: config.commands, service: config.service, user: currentUser(),
                                 abortWindow: config.abortWindow, dryRun: config.dryRun)
        var dashboard = Dashboard(access: .command(panel))
        dashboard.keyMap = screen.keyMap
        for w in screen.warnings { logger.warning("\(w)") }
        if let first = screen.warnings.first {
            mailbox.flash(first + (screen.warnings.count > 1 ? " (and \(screen.warnings.count - 1) more in the log)" : ""), isError: true, seconds: 10)
        }
        let setup = screen
        let closed = Task {
            await TerminalApp.run(mailbox: mailbox, dashboard: dashboard, theme: setup.theme, depth: setup.depth, mouse: setup.mouse) { intent in
                logger.info("intent \(intent)")
                intentSink.yield(intent)
            }
        }
        // Everything after this returns through the screen: stop it, then say why.
        func stop(_ message: String) async -> Int32 {
            mailbox.requestStop(message: message)
            _ = await closed.value
            for task in tasks { task.cancel() }
            for task in tasks { await task.value }
            try? await client.shutdown()
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
            _ = await closed.value
            loading.cancel()
        }
        let journal: SQLiteJournal
        let loaded: JournalLoader.Loaded
        do {
            (journal, loaded) = try await loading.value
        } catch is JournalLoader.Stopped {
            // The screen closed (q, a signal) before the journal was read: nothing was recorded.
            let reason = await closed.value
            for task in tasks { task.cancel() }
            for task in tasks { await task.value }
            try? await client.shutdown()
            return reason.status
        } catch {
            return await stop("\(error)")
        }
        quitWhileLoading.cancel()

        let warroom: WarRoom
        do {
            let executor: any CommandExecutor = config.dryRun
                ? DryRunExecutor(specs: config.commands)
                : ConfiguredExecutor(specs: config.commands, client: client)
            let pager = ConfiguredPager(spec: config.dryRun ? nil : config.commands[WarRoomConfig.pagingKey], client: client)
            let reader = config.commands[WarRoomConfig.readTrafficKey].map { ConfiguredTrafficReader(spec: $0, client: client) }
            warroom = try WarRoom(journal: journal, loaded: loaded, executor: executor, pager: pager, trafficReader: reader,
                                  retention: config.retention, checkpoints: config.checkpoints, logger: logger)
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
            if autoStart {
                // Refused only when it already started: a restart resumes what was running.
                if let refusal = try await warroom.startLaunch(by: currentUser(), reason: mode == .demo ? "the demo starts by itself" : "started with --start") {
                    logger.info("start: \(refusal.text)")
                }
            }
        } catch {
            return await stop("\(error)")
        }
        room.set(warroom)

        // What other processes append (`note`, `ack`, a take-over) shows at once:
        // the kernel says when the journal's files change; this war room's own
        // commits are skipped on the watch's thread, so they wake nothing here.
        // The one-second clock above is the safety net.
        let changes = journal.makeWakeup()  // skips this process's own commits
        tasks.append(Task {
            for await _ in changes.stream() {
                // Another process changed the journal (its own commits are skipped
                // by the wake-up): read, and look again while nothing new shows,
                // rather than wait for the next clock.
                for pause in SQLiteJournalWakeup.readAfter {
                    do {
                        try await Task.sleep(for: .milliseconds(pause))
                        if try await warroom.catchUp() > 0 { break }
                    } catch is CancellationError {
                        return
                    } catch {
                        logger.error("catching up: \(error)")
                        break
                    }
                }
            }
        })

        tasks.append(Task {
            // The first snapshot is the state as loaded: from here on the screen is live.
            for await snapshot in await warroom.snapshots() { mailbox.post(snapshot) }
        })
        let limiter = PollLimiter(limit: config.maxConcurrentPolls)
        for source in config.sources {
            let poller = SourcePoller(source: source, client: client, limiter: limiter)
            tasks.append(Task {
                await poller.run(onWarning: { logger.warning("\($0)") }) { event in
                    do {
                        try await warroom.submit(event)  // group commit with the other sources
                    } catch {
                        logger.critical("cannot record: \(error)")
                        failures.record("\(error)")
                        mailbox.requestStop(message: "\(error)")
                    }
                }
            })
        }

        let handedOver = HandOverBox()
        let intents = IntentHandler(warroom: warroom, mailbox: mailbox, user: currentUser(), logger: logger,
                                    lease: lease, handedOver: handedOver)
        tasks.append(Task {
            // One at a time, in the order typed.
            for await intent in intentStream { await intents.handle(intent) }
        })
        let reason = await closed.value
        intentSink.finish()
        logger.info("screen closed: \(reason)")
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        // Give a command in flight a moment to report; its outcome belongs in the journal.
        let drain = Task { await warroom.waitForCommands() }
        let deadline = Task {
            try? await Task.sleep(for: .seconds(3))
            drain.cancel()
        }
        await drain.value
        deadline.cancel()
        try? await client.shutdown()
        if let message = failures.first {
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


/// The war room, once the journal is loaded (the clock runs before it exists).
final class RoomBox: Sendable {
    private let value = Mutex<WarRoom?>(nil)
    func set(_ warroom: WarRoom) { value.withLock { $0 = warroom } }
    var warroom: WarRoom? { value.withLock { $0 } }
}

/// Whom this commander handed command to, once it has.
final class HandOverBox: Sendable {
    private let value = Mutex<CommanderIdentity?>(nil)
    func record(_ to: CommanderIdentity) { value.withLock { $0 = to } }
    var to: CommanderIdentity? { value.withLock { $0 } }
}

/// The first fatal error seen by a background task.
final class FailureBox: Sendable {
    private let value = Mutex<String?>(nil)
    func record(_ message: String) { value.withLock { if $0 == nil { $0 = message } } }
    var first: String? { value.withLock { $0 } }
}
