public import Foundation
public import Logging
public import WarRoomCore

/// Serialises every change: an event is appended to the journal first, then
/// folded into the state, then the newest snapshot is published. Effects the
/// reducer asks for (commands) run outside and report back as events.
///
/// Samples are not incident events: a batch goes to the journal's samples
/// store, then is folded (`WarRoomState.apply(_: SampleBatch)`); what it
/// implies (a crossing, a time to rollback, a page) is recorded as events in
/// the same transaction. What the pollers `submit` within `groupCommitWindow`
/// is committed together: one transaction, one fsync, and nothing shown
/// before it.
public actor WarRoom {
    private var state: WarRoomState
    private let journal: any JournalWriter
    private let clock: any WarRoomClock
    private let executor: (any CommandExecutor)?
    private let pager: (any Pager)?
    private let trafficReader: (any TrafficReader)?
    private var readingTraffic = false
    private let logger: Logger
    private var subscribers: [Int: AsyncStream<Snapshot>.Continuation] = [:]
    private var nextSubscriber = 0
    private var commandTasks: [Int: Task<Void, Never>] = [:] {
        didSet { if commandTasks.isEmpty { wakeIdleWaiters() } }
    }
    /// Who waits for the commands and pages in flight to report (`waitForCommands`).
    private var idleWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextIdleWaiter = 0
    /// Commands the quit's drain recorded as of unknown outcome: one that reports after all is noted.
    private var drained: Set<Int> = []
    private let retention: SampleRetention
    private let groupCommitWindow: Duration
    /// What pollers submitted and is waiting for the next group commit.
    private var pending: [(event: Event, done: CheckedContinuation<Void, any Error>)] = []
    private var flushScheduled = false
    /// The newest sample time stored, so each commit's batches are later than the one before.
    private var lastSampleMS: Int64 = .min
    private var lastCompaction: Date?
    /// How often the samples store is downsampled and expired.
    public static let compactionInterval: TimeInterval = 60
    private let checkpoints: CheckpointPolicy?
    /// The newest checkpoint in the journal (its seq), and when this war room last wrote one or opened.
    private var checkpointSeq: Int64
    /// Commits with sample batches folded since the newest checkpoint this war room wrote.
    private var commitsWithSamplesSinceCheckpoint = 0
    private var checkpointAt: Date

    /// Open a war room on a journal, folding what it already holds after
    /// `loaded` (a state the caller folded already, with its progress on
    /// screen: `JournalLoader`), or else from its newest checkpoint plus the
    /// events after it. With no executor the war room cannot send commands
    /// at all. With a checkpoint policy (the commander's) it writes
    /// checkpoints as it goes; nil writes none.
    public init(
        journal: any JournalWriter, loaded: JournalLoader.Loaded? = nil, clock: any WarRoomClock = SystemClock(), executor: (any CommandExecutor)?,
        pager: (any Pager)? = nil, trafficReader: (any TrafficReader)? = nil,
        seriesCapacity: Int = 3600, retention: SampleRetention = .standard,
        groupCommitWindow: Duration = .milliseconds(3), checkpoints: CheckpointPolicy? = .standard,
        logger: Logger = Logger(label: "warroom")
    ) throws {
        self.journal = journal
        self.clock = clock
        self.executor = executor
        self.pager = pager
        self.trafficReader = trafficReader
        self.logger = logger
        self.retention = retention
        self.groupCommitWindow = groupCommitWindow
        // Events from the newest checkpoint, and the samples of the sparklines'
        // span (not every sample kept); after a load, only what came since.
        var start = try loaded ?? JournalLoader.load(journal, history: TimeInterval(seriesCapacity))
        try start.follower.read(journal, into: &start.state)
        lastSampleMS = start.follower.samplesAfter ?? .min
        self.state = start.state
        self.checkpoints = checkpoints
        self.checkpointSeq = try journal.checkpoints(version: WarRoomState.checkpointVersion, limit: 1).first?.seq ?? 0
        self.checkpointAt = clock.now()
    }

    /// Write a checkpoint when the policy says one is due. A checkpoint is a
    /// cache: failing to write one is logged, never a failure of the event.
    private func checkpointIfDue() {
        guard let policy = checkpoints else { return }
        let now = clock.now()
        // A clock that went back since the last one: due, or it would be due only once the clock caught up.
        let elapsed = now >= checkpointAt ? now.timeIntervalSince(checkpointAt) : .infinity
        guard policy.isDue(events: state.lastSeq - checkpointSeq, sampleCommits: commitsWithSamplesSinceCheckpoint, elapsed: elapsed) else { return }
        do {
            try journal.writeCheckpoint(
                StoredCheckpoint(
                    seq: state.lastSeq, version: WarRoomState.checkpointVersion, time: now,
                    payload: try state.checkpointPayload()), keep: policy.keep)
            checkpointSeq = state.lastSeq
            commitsWithSamplesSinceCheckpoint = 0
        } catch {
            logger.error("cannot write a checkpoint at event \(state.lastSeq): \(error)")
        }
        checkpointAt = now
    }

    public var snapshot: Snapshot { Snapshot(state: state, publishedAt: clock.now()) }

    /// Newest snapshots; a slow reader skips to the newest instead of queueing.
    public func snapshots() -> AsyncStream<Snapshot> {
        let (stream, continuation) = AsyncStream.makeStream(of: Snapshot.self, bufferingPolicy: .bufferingNewest(1))
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[id] = continuation
        continuation.yield(snapshot)
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        return stream
    }

    private func unsubscribe(_ id: Int) { subscribers[id] = nil }

    /// Record an event (or store a sample batch) and everything it implies, now.
    public func send(_ event: Event) throws {
        try commit([.record(event)])
        publish()
    }

    /// The group commit window for a war room fed by `sources` pollers: none
    /// for one (its batch would wait for nobody), 3 ms for more.
    public static func groupCommitWindow(sources: Int) -> Duration {
        sources > 1 ? .milliseconds(3) : .zero
    }

    /// Record what a poller read, committed with everything else that arrives
    /// within `groupCommitWindow` (one transaction, one fsync). Returns once
    /// it is committed and folded; nothing is shown before.
    public func submit(_ event: Event) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            pending.append((event, done))
            // No window (one source: nothing else could join it): committed now, with no timer to wake for.
            if groupCommitWindow <= .zero {
                flush()
                return
            }
            guard !flushScheduled else { return }
            flushScheduled = true
            let window = groupCommitWindow
            Task {
                try? await Task.sleep(for: window)
                await self.flush()
            }
        }
    }

    private func flush() {
        flushScheduled = false
        let group = pending
        pending = []
        guard !group.isEmpty else { return }
        do {
            try commit(group.map { .record($0.event) })
            publish()
            for item in group { item.done.resume() }
        } catch {
            for item in group { item.done.resume(throwing: error) }
        }
    }

    /// Commit what `effects` record and everything that implies (a batch's
    /// crossing, the page it triggers, a command issued) in one transaction
    /// with one fsync, folding as it goes (`WarRoomState.drive`); then take
    /// the folded state and perform the actions (commands, pages), which
    /// therefore only ever follow a durable record. If the commit fails,
    /// nothing is folded or shown, and the error goes to the caller.
    private func commit(_ effects: [Effect]) throws {
        try commit { _ in effects }
    }

    /// The same, with the effects decided inside the transaction: `decide`
    /// sees the state with other processes' events folded in (an ack that
    /// came in since the last read stops the page it would have sent, a
    /// resolution refuses the command). It returns no effects to do nothing.
    private func commit(_ decide: (WarRoomState) -> [Effect]) throws {
        let now = clock.now()
        var next = state
        var batchMS: Int64?
        let after = lastSampleMS
        let actions = try journal.write { tx in
            // The transaction holds the write lock: what another process
            // appended before it is folded first, in order.
            for foreign in try tx.events(after: next.lastSeq) { next.apply(foreign) }
            return try next.drive(decide(next)) { event in
                guard case .samples(let source, let samples) = event else { return try tx.append(event, at: now) }
                // One time for every batch of a commit, later than the commit before.
                let ms = batchMS ?? max(SampleBatch.milliseconds(now), after == .min ? .min : after + 1)
                batchMS = ms
                let batch = SampleBatch(milliseconds: ms, source: source, samples: samples)
                try tx.append(batch)
                return batch.recorded
            }
        }
        state = next
        if let batchMS {
            lastSampleMS = batchMS
            commitsWithSamplesSinceCheckpoint += 1
        }
        perform(actions)
        checkpointIfDue()
    }

    /// A person's request, refused or committed on the state with other
    /// processes' events folded in (inside the transaction): `refusal` says
    /// why not there, else `effects` are committed. Returns the refusal.
    /// (The callers ask the state as it is first, to answer at once without
    /// opening a write transaction; this asks again where it counts.)
    private func commit<Refusal>(unless refusal: (WarRoomState) -> Refusal?, then effects: (WarRoomState) -> [Effect]) throws -> Refusal? {
        var refused: Refusal?
        try commit { now in
            refused = refusal(now)
            return refused == nil ? effects(now) : []
        }
        if refused == nil { publish() }
        return refused
    }

    /// Record a person's event if the state allows it; otherwise record nothing
    /// and return why (for the screen or the command line).
    public func perform(_ event: Event) throws -> EventRefusal? {
        if let refusal = state.refusal(of: event) { return refusal }
        return try commit(unless: { $0.refusal(of: event) }, then: { _ in [.record(event)] })
    }

    /// Issue a person's command if the canary's state allows it; otherwise
    /// record nothing and return why.
    public func issue(_ action: CommandAction, by person: String, reason: String, trigger: Date? = nil) throws -> CommandRefusal? {
        if executor == nil { return .readOnly }
        if let refusal = state.refusal(of: action, at: clock.now()) { return refusal }
        if let problem = NoteRules.problem(with: reason) { return .noReason(problem) }
        let at = clock.now()
        // A rollback pre-empts what is in flight; a pause pre-empts stepping.
        return try commit(
            unless: { $0.refusal(of: action, at: at) },
            then: { now in
                now.commandEffects(
                    CommandRequest(
                        id: now.nextCommandID, action: action, by: person, reason: reason,
                        automatic: false, trigger: trigger ?? at))
            })
    }

    /// Start the launch: the canary takes its first step as soon as nothing holds it.
    public func startLaunch(by person: String, reason: String) throws -> CommandRefusal? {
        if executor == nil { return .readOnly }
        if let refusal = state.startRefusal { return refusal }
        if let problem = NoteRules.problem(with: reason) { return .noReason(problem) }
        if let refused = try commit(unless: \.startRefusal, then: { _ in [.record(.launchStarted(by: person, reason: reason))] }) {
            return refused
        }
        try tick()
        publish()
        return nil
    }

    /// Lift the holds in force until the next step, with a reason (the armed override).
    public func overrideHolds(by person: String, reason: String) throws -> CommandRefusal? {
        if executor == nil { return .readOnly }
        let now = clock.now()
        if let refusal = state.overrideRefusal(at: now) { return refusal }
        if let problem = NoteRules.problem(with: reason) { return .noReason(problem) }
        return try commit(
            unless: { $0.overrideRefusal(at: now) },
            then: { state in
                [.record(.holdsOverridden(holds: state.blockingHolds(at: now).filter(\.canOverride), by: person, reason: reason))]
            })
    }

    /// Pin the latest value of every series into the timeline, with its age.
    public func pinMetrics(by person: String) throws -> EventRefusal? {
        let latest = state.latestValues(at: clock.now())
        return try perform(.metricsPinned(samples: latest.samples, by: person, ages: latest.ages))
    }

    /// Let time-driven decisions happen (canary holds). Call once a second.
    public func tick() throws {
        try compactIfDue()
        checkpointIfDue()
        let now = clock.now()
        guard !state.tick(at: now).isEmpty else { return }
        // Decided again inside the transaction: an ack another shell recorded
        // since the last read stops the page this tick would send.
        try commit { $0.tick(at: now) }
        publish()
    }

    /// Downsample and expire the samples store, at most once a `compactionInterval`.
    private func compactIfDue() throws {
        let now = clock.now()
        if let last = lastCompaction, now.timeIntervalSince(last) < Self.compactionInterval, now >= last { return }
        lastCompaction = now
        let done = try journal.compactSamples(now: now, retention: retention)
        if done.before > 0 { logger.debug("samples compacted: \(done.before) points into \(done.after)") }
    }

    /// Returns once no command or page is in flight (each has reported and
    /// its outcome is recorded), or when the waiting task is cancelled:
    /// waiting is never longer than the caller allows (`drainCommands`).
    public func waitForCommands() async {
        guard !commandTasks.isEmpty else { return }
        let id = nextIdleWaiter
        nextIdleWaiter += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { (wake: CheckedContinuation<Void, Never>) in
                // On this actor: nothing can finish between the check and the wait.
                if Task.isCancelled || commandTasks.isEmpty { return wake.resume() }
                idleWaiters[id] = wake
            }
        } onCancel: {
            Task { await self.releaseIdleWaiter(id) }
        }
    }

    private func releaseIdleWaiter(_ id: Int) { idleWaiters.removeValue(forKey: id)?.resume() }

    private func wakeIdleWaiters() {
        let waiting = idleWaiters.values
        idleWaiters = [:]
        for wake in waiting { wake.resume() }
    }

    /// At shutdown: wait up to `seconds` of this war room's clock for the
    /// commands in flight to report. A command still running then is
    /// recorded as of unknown outcome ("it may still be running"), which is
    /// what a restart would record, and left alone: a rollback is never
    /// killed halfway by a quit. Returns the ids so recorded.
    public func drainCommands(within seconds: TimeInterval) async -> [Int] {
        let clock = self.clock
        let reported = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.waitForCommands()
                return !Task.isCancelled  // the drain itself cancelled (the backstop): as at the deadline
            }
            group.addTask {
                try? await clock.sleep(for: seconds)
                return false
            }
            let first = await group.next() ?? true
            group.cancelAll()
            return first
        }
        guard !reported else { return [] }
        let left = state.commandsInFlight.keys.filter { commandTasks[$0] != nil }.sorted()
        drained.formUnion(left)
        for id in left {
            logger.warning("command \(id) had not reported within \(seconds) s of the quit; recorded as unknown")
            do {
                try send(.commandFinished(id: id, outcome: .unknown("warroom quit before it reported; it may still be running")))
            } catch {
                logger.error("cannot record that command \(id) had not reported: \(error)")
            }
        }
        return left
    }

    private func perform(_ actions: [Action]) {
        for action in actions {
            switch action {
            case .execute(let request):
                execute(request)
            case .page(let request):
                page(request)
            case .cancel(let id):
                // Kills a program's process group; abandons a webhook. Its outcome is already recorded as unknown.
                logger.warning("command \(id) pre-empted")
                commandTasks.removeValue(forKey: id)?.cancel()
            case .readTraffic:
                readTraffic()
            }
        }
    }

    private func execute(_ request: CommandRequest) {
        guard let executor else {
            // Unreachable by construction for read-only war rooms; record it loudly anyway.
            do {
                try commit([
                    .record(
                        .commandFinished(
                            id: request.id,
                            outcome: CommandOutcome(
                                succeeded: false, detail: "this war room cannot send commands", duration: 0)))
                ])
            } catch {
                logger.error("cannot record that command \(request.id) was not sent: \(error)")
            }
            return
        }
        let service = state.session?.service ?? ""
        let id = request.id
        logger.info("command \(id) \(request.action): \(request.reason)")
        commandTasks[id] = Task {
            let outcome = await executor.run(request, service: service)
            self.finish(id, outcome)
        }
    }

    private func page(_ request: PageRequest) {
        let service = state.session?.service ?? ""
        let pager = self.pager
        logger.info("page \(request.id) to \(request.person.name) (\(request.tierName))")
        commandTasks[-request.id] = Task {
            let outcome =
                await pager?.page(request, service: service)
                ?? CommandOutcome(succeeded: false, detail: "this war room cannot page", duration: 0)
            self.commandTasks[-request.id] = nil
            do {
                try self.send(.pageFinished(id: request.id, outcome: outcome))
            } catch {
                self.logger.error("cannot record the outcome of page \(request.id): \(error)")
            }
        }
    }

    private func readTraffic() {
        guard let trafficReader, !readingTraffic else { return }
        readingTraffic = true
        Task {
            let reading = await trafficReader.read()
            self.readingTraffic = false
            do {
                try self.send(.trafficRead(reading))
            } catch {
                self.logger.error("cannot record the traffic reading: \(error)")
            }
        }
    }

    private func finish(_ id: Int, _ outcome: CommandOutcome) {
        commandTasks[id] = nil
        guard state.commandsInFlight[id] != nil else {
            // Pre-empted (or closed by a restart): its outcome is recorded as unknown already.
            logger.warning("command \(id) ended after it was pre-empted: \(outcome.detail)")
            if drained.remove(id) != nil {
                // The drain's deadline won by a hair: what really happened goes on the record beside the unknown.
                let how = outcome.succeeded ? "succeeded" : "failed"
                do {
                    try send(
                        .note(text: "command \(id) reported after the quit had recorded it as unknown: it \(how) (\(outcome.detail))", by: "warroom"))
                } catch {
                    logger.error("cannot record the late outcome of command \(id): \(error)")
                }
            }
            return
        }
        logger.info("command \(id) finished: \(outcome.detail)")
        do {
            try send(.commandFinished(id: id, outcome: outcome))
        } catch {
            logger.error("cannot record the outcome of command \(id): \(error)")
        }
    }

    private func publish() {
        let snap = snapshot
        for continuation in subscribers.values { continuation.yield(snap) }
    }

    /// Fold events another process appended to the same journal; returns how many.
    @discardableResult
    public func catchUp() throws -> Int {
        let fresh = try journal.events(after: state.lastSeq)
        guard !fresh.isEmpty else { return 0 }
        for recorded in fresh { state.apply(recorded) }
        checkpointIfDue()
        publish()
        return fresh.count
    }
}
