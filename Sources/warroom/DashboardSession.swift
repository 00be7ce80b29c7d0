import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
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
    let mode: String
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
    func run() async throws -> Int32 {
        let logger = Logger(label: "warroom")
        signal(SIGPIPE, SIG_IGN)
        defer { self.lease.release() }
        let journal = try SQLiteJournal(path: journalPath)
        let client = WarRoomHTTPClient()
        let executor: any CommandExecutor = config.dryRun
            ? DryRunExecutor(specs: config.commands)
            : ConfiguredExecutor(specs: config.commands, client: client)
        let pager = ConfiguredPager(spec: config.dryRun ? nil : config.commands[WarRoomConfig.pagingKey], client: client)
        let reader = config.commands[WarRoomConfig.readTrafficKey].map { ConfiguredTrafficReader(spec: $0, client: client) }
        let warroom = try WarRoom(journal: journal, executor: executor, pager: pager, trafficReader: reader, checkpoints: config.checkpoints, logger: logger)
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
            if let refusal = try await warroom.startLaunch(by: currentUser(), reason: mode == "demo" ? "the demo starts by itself" : "started with --start") {
                logger.info("start: \(refusal.text)")
            }
        }

        let mailbox = try SnapshotMailbox()
        let failures = FailureBox()
        var tasks: [Task<Void, Never>] = []

        // Followers tell a live commander from a dead one by this heartbeat;
        // a request for command shows on this screen while its asker waits.
        let held = lease
        tasks.append(Task {
            var beat = ContinuousClock.now
            while !Task.isCancelled {
                if ContinuousClock.now >= beat {
                    do { try held.heartbeat() } catch { logger.error("\(error)") }
                    beat = ContinuousClock.now + heartbeatInterval
                }
                mailbox.setTakeOverRequest(held.pendingRequest())
                try? await Task.sleep(for: .milliseconds(250))
            }
        })

        tasks.append(Task {
            for await snapshot in await warroom.snapshots() { mailbox.post(snapshot) }
        })
        let limiter = PollLimiter(limit: config.maxConcurrentPolls)
        for source in config.sources {
            let poller = SourcePoller(source: source, client: client, limiter: limiter)
            tasks.append(Task {
                await poller.run(onWarning: { logger.warning("\($0)") }) { event in
                    do {
                        try await warroom.send(event)
                    } catch {
                        logger.critical("cannot record: \(error)")
                        failures.record("\(error)")
                        mailbox.requestStop(message: "\(error)")
                    }
                }
            })
        }
        tasks.append(Task {
            // Catching up (a hop onto the actor and an SQLite read) four times a
            // second is a fair part of what an idle dashboard does: only when the
            // journal's files changed, or every 750 ms.
            var watch = journal.makeWatch()
            while !Task.isCancelled {
                do {
                    if watch.shouldRead() { try await warroom.catchUp() }
                    try await warroom.tick()
                } catch {
                    logger.critical("cannot record: \(error)")
                    failures.record("\(error)")
                    mailbox.requestStop(message: "\(error)")
                }
                try? await Task.sleep(for: .milliseconds(250))  // notes from other processes show within a second
            }
        })

        let handedOver = HandOverBox()
        let intents = IntentHandler(warroom: warroom, mailbox: mailbox, user: currentUser(), logger: logger,
                                    lease: lease, handedOver: handedOver)
        let (intentStream, intentSink) = AsyncStream.makeStream(of: Intent.self)
        tasks.append(Task {
            // One at a time, in the order typed.
            for await intent in intentStream { await intents.handle(intent) }
        })
        if let viewers = TmuxViewers.watch(mailbox) { tasks.append(viewers) }
        let panel = CommandPanel(specs: config.commands, service: config.service, user: currentUser(),
                                 abortWindow: config.abortWindow, dryRun: config.dryRun)
        var dashboard = Dashboard(commands: panel)
        dashboard.keyMap = screen.keyMap
        for w in screen.warnings { logger.warning("\(w)") }
        if let first = screen.warnings.first {
            mailbox.flash(first + (screen.warnings.count > 1 ? " (and \(screen.warnings.count - 1) more in the log)" : ""), isError: true, seconds: 10)
        }
        let reason = await TerminalApp.run(mailbox: mailbox, dashboard: dashboard, theme: screen.theme, depth: screen.depth, mouse: screen.mouse) { intent in
            logger.info("intent \(intent)")
            intentSink.yield(intent)
        }
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


import Synchronization

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
