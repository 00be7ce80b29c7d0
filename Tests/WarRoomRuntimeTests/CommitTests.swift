import Foundation
import Synchronization
import Testing
import WarRoomCore

@testable import WarRoomRuntime

/// A real SQLite journal, with its write transactions counted, and one that
/// can be made to fail: what the actor commits together, and what it does
/// when a commit fails.
final class CountedJournal: JournalWriter, ForwardingReader {
    let inner: SQLiteJournal
    private let counts = Mutex((writes: 0, appends: 0, failNext: false))
    init(_ inner: SQLiteJournal) { self.inner = inner }

    var writes: Int { counts.withLock { $0.writes } }
    var appends: Int { counts.withLock { $0.appends } }
    /// The next write transaction fails after its body has appended
    /// everything (as a full disk fails the commit): SQLite rolls it back.
    func failNextWrite() { counts.withLock { $0.failNext = true } }
    private func count(_ write: Bool) -> Bool {
        counts.withLock { c in
            if write { c.writes += 1 } else { c.appends += 1 }
            let fail = c.failNext
            c.failNext = false
            return fail
        }
    }

    var forwarded: any JournalReader { inner }
    func append(_ events: [(time: Date, event: Event)]) throws -> [Recorded] {
        if count(false) { throw JournalError(path: inner.location, reason: "disk full (a test)") }
        return try inner.append(events)
    }
    func write<T>(_ body: (any JournalTransaction) throws -> T) throws -> T {
        let fail = count(true)
        return try inner.write { tx in
            let result = try body(tx)
            if fail { throw JournalError(path: inner.location, reason: "disk full (a test)") }
            return result
        }
    }
    func compactSamples(now: Date, retention: SampleRetention) throws -> SampleCompaction {
        try inner.compactSamples(now: now, retention: retention)
    }
    func writeCheckpoint(_ checkpoint: StoredCheckpoint, keep: Int) throws { try inner.writeCheckpoint(checkpoint, keep: keep) }
}

@Suite("What one commit holds")
struct CommitTests {
    static let session = SessionInfo(
        service: "api", rules: .runbookDefaults, plan: CanaryPlan(steps: [CanaryStep(weight: 100, hold: nil)], analysis: nil),
        roster: Roster(tiers: [EscalationTier(name: "Primary", person: Person(name: "Ana", handle: "@ana"), escalateAfter: 900)]),
        sources: [.init(name: "health", interval: 1)], mode: .other("test"), startedBy: "t")

    static func spike(_ rate: Double) -> Event {
        .samples(source: "health", samples: [Sample(SeriesKey(.canary, .errorRate), rate), Sample(SeriesKey(.stable, .errorRate), 0.001)])
    }

    func room() throws -> (WarRoom, CountedJournal, ManualClock) {
        let journal = CountedJournal(try SQLiteJournal(path: temporaryJournalPath()))
        let clock = ManualClock()
        let room = try WarRoom(
            journal: journal, clock: clock, executor: nil,
            pager: ConfiguredPager(spec: .program(argv: ["/bin/true"], timeout: 5), client: .shared),
            checkpoints: nil)
        return (room, journal, clock)
    }

    @Test("a batch that crosses into SEV-2 is committed with its crossing and the incident it opens: one transaction")
    func batchWithItsConsequences() async throws {
        let (room, journal, _) = try room()
        try await room.send(.sessionStarted(Self.session))
        try await room.submit(Self.spike(0.001))
        let before = (writes: journal.writes, appends: journal.appends, seq: try journal.lastSeq())

        try await room.submit(Self.spike(0.15))

        #expect(journal.writes == before.writes + 1)
        #expect(journal.appends == before.appends)
        let fresh = try journal.events(after: before.seq)
        let kinds = fresh.map { "\($0.event)".prefix(while: { $0 != "(" }) }
        #expect(kinds.contains("thresholdCrossed"), "\(kinds)")
        #expect(kinds.contains("incidentOpened"), "\(kinds)")
        // In the order the fold asked, with nothing between.
        #expect(fresh.map(\.seq) == Array((before.seq + 1) ... (before.seq + Int64(fresh.count))))
        let state = await room.snapshot.state
        #expect(state.lastSeq == fresh.last?.seq)
        #expect(state.shownSeverity == .sev2)
    }

    @Test("one source has no group-commit window: each batch is its own commit, durable and folded when submit returns; several sources get 3 ms")
    func oneSourceNoWindow() async throws {
        #expect(WarRoom.groupCommitWindow(sources: 1) == .zero)
        #expect(WarRoom.groupCommitWindow(sources: 0) == .zero)
        #expect(WarRoom.groupCommitWindow(sources: 2) == .milliseconds(3))
        let journal = CountedJournal(try SQLiteJournal(path: temporaryJournalPath()))
        let room = try WarRoom(journal: journal, clock: ManualClock(), executor: nil, groupCommitWindow: .zero, checkpoints: nil)
        try await room.send(.sessionStarted(Self.session))
        let before = journal.writes
        for (i, rate) in [0.001, 0.002, 0.003].enumerated() {
            try await room.submit(Self.spike(rate))
            #expect(journal.writes == before + i + 1)
            #expect(await room.snapshot.state.series[SeriesKey(.canary, .errorRate)]?.latest?.value == rate)
        }
        // Submitted together: still one commit each (a window, however short, would join them).
        async let a: Void = room.submit(Self.spike(0.004))
        async let b: Void = room.submit(Self.spike(0.005))
        _ = try await (a, b)
        #expect(journal.writes == before + 5)
    }

    @Test("a commit that fails folds nothing, shows nothing and sends no page; the next one goes through whole")
    func failedCommitFoldsNothing() async throws {
        let (room, journal, _) = try room()
        try await room.send(.sessionStarted(Self.session))
        try await room.submit(Self.spike(0.001))
        let before = await room.snapshot.state
        let seq = try journal.lastSeq()

        journal.failNextWrite()
        await #expect(throws: JournalError.self) { try await room.submit(Self.spike(0.15)) }

        let after = await room.snapshot.state
        #expect(after.shownSeverity == before.shownSeverity)
        #expect(after.lastSeq == before.lastSeq)
        #expect(after.incident == nil)
        #expect(try journal.lastSeq() == seq, "the transaction was rolled back")

        try await room.submit(Self.spike(0.15))
        try await room.tick()
        let state = await room.snapshot.state
        #expect(state.shownSeverity == .sev2)
        #expect(state.incident?.isOpen == true)
        #expect(state.escalation?.pages.count == 1)
        await room.waitForCommands()
    }

    @Test(
        "a decision is made on what other processes appended: an ack recorded from another shell since the last read stops the page the next tick would send"
    )
    func decidedAfterForeignEvents() async throws {
        let (room, journal, _) = try room()
        try await room.send(.sessionStarted(Self.session))
        try await room.submit(Self.spike(0.15))  // SEV-2: the incident opens, its first page is due
        #expect(await room.snapshot.state.incident?.isOpen == true)
        // `warroom ack` in another shell, not yet read by this war room.
        try SQLiteJournal(path: journal.location).append(.acknowledged(by: "ana"), at: Date())
        try await room.tick()
        let kinds = try journal.events().map(\.event.kind)
        #expect(kinds.contains("acknowledged"))
        #expect(!kinds.contains("page_issued"), "paged after the acknowledgement: \(kinds)")
        await room.waitForCommands()
    }

    @Test("a tick with nothing due opens no write transaction")
    func idleTickWritesNothing() async throws {
        let (room, journal, clock) = try room()
        try await room.send(.sessionStarted(Self.session))
        try await room.submit(Self.spike(0.001))
        try await room.tick()  // the first tick may compact the samples store once
        let writes = journal.writes
        for _ in 0 ..< 5 {
            clock.advance(by: 1)
            try await room.tick()
        }
        #expect(journal.writes == writes)
    }

    @Test("an event another process appended is folded before this war room's own, in seq order")
    func foreignFirst() async throws {
        let (room, journal, _) = try room()
        try await room.send(.sessionStarted(Self.session))
        let other = try SQLiteJournal(path: journal.location)
        try other.append(.note(text: "from another shell", by: "ben"), at: Date())
        try await room.send(.note(text: "mine", by: "ana"))
        let notes = await room.snapshot.state.timeline.map(\.text).filter { $0.contains("from another shell") || $0.contains("mine") }
        #expect(notes.count == 2)
        #expect(notes.first?.contains("from another shell") == true)
    }
}
