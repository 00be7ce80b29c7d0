import Foundation
import Logging
import WarRoomCore

/// Serialises every change: an event is appended to the journal first, then
/// folded into the state, then the newest snapshot is published. Effects the
/// reducer asks for (commands) run outside and report back as events.
public actor WarRoom {
    private var state: WarRoomState
    private let journal: any JournalWriter
    private let clock: any WarRoomClock
    private let executor: (any CommandExecutor)?
    private let pager: (any Pager)?
    private let logger: Logger
    private var subscribers: [Int: AsyncStream<Snapshot>.Continuation] = [:]
    private var nextSubscriber = 0
    private var commandTasks: [Int: Task<Void, Never>] = [:]

    /// Open a war room on a journal, folding what it already holds.
    /// With no executor the war room cannot send commands at all.
    public init(
        journal: any JournalWriter, clock: any WarRoomClock = SystemClock(), executor: (any CommandExecutor)?,
        pager: (any Pager)? = nil, seriesCapacity: Int = 3600, logger: Logger = Logger(label: "warroom")
    ) throws {
        self.journal = journal
        self.clock = clock
        self.executor = executor
        self.pager = pager
        self.logger = logger
        var state = WarRoomState(seriesCapacity: seriesCapacity)
        for recorded in try journal.events() { state.apply(recorded) }
        self.state = state
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

    /// Record an event and everything it implies.
    public func send(_ event: Event) throws {
        try process([.record(event)])
        publish()
    }

    /// Record a person's event if the state allows it; otherwise record nothing
    /// and return why (for the screen or the command line).
    public func perform(_ event: Event) throws -> String? {
        if let refusal = state.refusal(of: event) { return refusal }
        try send(event)
        return nil
    }

    /// Issue a person's command if the canary's state allows it; otherwise
    /// record nothing and return why.
    public func issue(_ action: CommandAction, by person: String, reason: String, trigger: Date? = nil) throws -> String? {
        if executor == nil { return "this war room is read-only: it cannot send commands" }
        if let refusal = state.refusal(of: action) { return refusal }
        if let problem = NoteRules.problem(with: reason) { return "a reason is required: \(problem)" }
        let request = CommandRequest(id: state.nextCommandID, action: action, by: person, reason: reason,
                                     automatic: false, trigger: trigger ?? clock.now())
        try process([.record(.commandIssued(request)), .execute(request)])
        publish()
        return nil
    }

    /// Pin the latest value of every series into the timeline.
    public func pinMetrics(by person: String) throws -> String? {
        try perform(.metricsPinned(samples: state.latestSamples, by: person))
    }

    /// Let time-driven decisions happen (canary holds). Call once a second.
    public func tick() throws {
        let effects = state.tick(at: clock.now())
        guard !effects.isEmpty else { return }
        try process(effects)
        publish()
    }

    /// Commands still running, for a clean shutdown.
    public func waitForCommands() async {
        for task in commandTasks.values { await task.value }
    }

    private func process(_ initial: [Effect]) throws {
        var queue = initial[...]
        while let effect = queue.popFirst() {
            switch effect {
            case .record(let event):
                let recorded = try journal.append(event, at: clock.now())
                if recorded.seq > state.lastSeq + 1 {
                    // Another process appended in between: fold its events first, in order.
                    for foreign in try journal.events(after: state.lastSeq) where foreign.seq < recorded.seq {
                        state.apply(foreign)
                    }
                }
                let more = state.apply(recorded)
                queue.append(contentsOf: more)
            case .execute(let request):
                execute(request)
            case .page(let request):
                page(request)
            }
        }
    }

    private func execute(_ request: CommandRequest) {
        guard let executor else {
            // Unreachable by construction for read-only war rooms; record it loudly anyway.
            try? process([.record(.commandFinished(id: request.id, outcome: CommandOutcome(
                succeeded: false, detail: "this war room cannot send commands", duration: 0)))])
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
            let outcome = await pager?.page(request, service: service)
                ?? CommandOutcome(succeeded: false, detail: "this war room cannot page", duration: 0)
            self.commandTasks[-request.id] = nil
            do {
                try self.send(.pageFinished(id: request.id, outcome: outcome))
            } catch {
                self.logger.error("cannot record the outcome of page \(request.id): \(error)")
            }
        }
    }

    private func finish(_ id: Int, _ outcome: CommandOutcome) {
        commandTasks[id] = nil
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

    /// Fold events another process appended to the same journal.
    public func catchUp() throws {
        let fresh = try journal.events(after: state.lastSeq)
        guard !fresh.isEmpty else { return }
        for recorded in fresh { state.apply(recorded) }
        publish()
    }
}
