import Foundation
import Testing
import WarRoomCore

@testable import WarRoomRuntime

#if canImport(Glibc)
    import Glibc
#endif

private func identity(_ user: String, pid: Int32) -> CommanderIdentity {
    CommanderIdentity(user: user, host: "test-host", pid: pid, startedAt: Date(timeIntervalSince1970: 1_800_000_000))
}

/// A journal path in a fresh folder (the lease lives beside it).
private func freshJournal() throws -> String {
    let path = temporaryJournalPath()
    try PrivateDirectory.create((path as NSString).deletingLastPathComponent)
    return path
}

@Suite("Commander lease (SQLite)")
struct CommanderLeaseTests {
    @Test("one holder at a time: a second is refused with the holder's name; after release the next takes it and knows who was before")
    func oneHolder() throws {
        let journal = try freshJournal()
        let ana = try SQLiteCommanderLease.acquire(journal: journal, as: identity("ana", pid: 101))
        #expect(ana.previous == nil)
        do {
            _ = try SQLiteCommanderLease.acquire(journal: journal, as: identity("ben", pid: 202))
            Issue.record("a second commander took the lease")
        } catch {
            guard case .held(_, let by, let heartbeat) = error else {
                Issue.record("refused for the wrong reason: \(error)")
                return
            }
            #expect(by == identity("ana", pid: 101))
            #expect(heartbeat != nil)
            #expect(error.description.contains("ana@test-host (pid 101)"), "\(error)")
        }
        // The lock file names the holder, as an operator would read it.
        let text = try String(contentsOfFile: SQLiteCommanderLease.lockPath(journal), encoding: .utf8)
        #expect(text.contains("\"user\":\"ana\"") && text.contains("\"pid\":101") && text.contains("\"host\":\"test-host\""), "\(text)")
        #expect(text.contains("\"startedAt\":\"2027-01-15T08:00:00Z\""), "the start time, readable: \(text)")
        ana.release()
        let ben = try SQLiteCommanderLease.acquire(journal: journal, as: identity("ben", pid: 202))
        #expect(ben.previous == identity("ana", pid: 101))
        ben.release()
    }

    @Test("followers see who commands, and that nobody does once the lease is released")
    func presence() throws {
        let journal = try freshJournal()
        #expect(SQLiteCommanderLease.presence(journal: journal) == .absent(last: nil, since: nil))
        let lease = try SQLiteCommanderLease.acquire(journal: journal, as: identity("ana", pid: 7))
        guard case .commanding(let who, let beat) = SQLiteCommanderLease.presence(journal: journal) else {
            Issue.record("no commander seen while one holds the lease")
            return
        }
        #expect(who == identity("ana", pid: 7))
        #expect(abs(beat.timeIntervalSinceNow) < 5)
        // A stuck holder (no heartbeat for longer than staleAfter) is no commander.
        #expect(
            {
                if case .absent = SQLiteCommanderLease.presence(journal: journal, now: Date() + 7) { true } else { false }
            }())
        lease.release()
        guard case .absent(let last, let since?) = SQLiteCommanderLease.presence(journal: journal) else {
            Issue.record("a released lease still shows a commander")
            return
        }
        #expect(last == identity("ana", pid: 7))
        #expect(abs(since.timeIntervalSinceNow) < 5)
    }

    @Test("the heartbeat moves the lock file's time forward")
    func heartbeat() throws {
        let journal = try freshJournal()
        let lease = try SQLiteCommanderLease.acquire(journal: journal, as: identity("ana", pid: 7))
        defer { lease.release() }
        let lock = SQLiteCommanderLease.lockPath(journal)
        #expect(utimes(lock, [timeval(tv_sec: 1_000_000_000, tv_usec: 0), timeval(tv_sec: 1_000_000_000, tv_usec: 0)]) == 0)
        let old = try FileManager.default.attributesOfItem(atPath: lock)[.modificationDate] as? Date
        #expect(old.map { $0.timeIntervalSince1970 } == 1_000_000_000)
        try lease.heartbeat()
        let new = try FileManager.default.attributesOfItem(atPath: lock)[.modificationDate] as? Date
        #expect(new.map { abs($0.timeIntervalSinceNow) < 5 } == true)
    }

    @Test("take-over: the holder sees the request while the asker waits; release hands the lease over at once")
    func takeOver() async throws {
        let journal = try freshJournal()
        let ana = try SQLiteCommanderLease.acquire(journal: journal, as: identity("ana", pid: 1))
        #expect(ana.pendingRequest() == nil)
        let ben = identity("ben", pid: 2)
        let waiting = Task {
            try await SQLiteCommanderLease.takeOver(journal: journal, as: ben, reason: "ana's shift ends", waiting: { _ in })
        }
        var request: TakeOverRequest?
        for _ in 0 ..< 200 where request == nil {
            request = ana.pendingRequest()
            if request == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(request?.by == ben)
        #expect(request?.reason == "ana's shift ends")
        // A second asker is refused while the first waits.
        do {
            _ = try await SQLiteCommanderLease.takeOver(journal: journal, as: identity("cai", pid: 3), reason: "me too", waiting: { _ in })
            Issue.record("a second take-over request was accepted")
        } catch let refusal as LeaseRefusal {
            #expect(refusal == .alreadyRequested(journal: journal, by: ben))
        }
        ana.release()
        let lease = try await waiting.value
        #expect(lease.holder == ben)
        #expect(lease.previous?.user == "ana")
        // The request is gone with its asker's wait.
        #expect(lease.pendingRequest() == nil)
        lease.release()
    }

    @Test("take-over looks again as its clock moves: released, the lease is taken at the next look of the injected clock, the request stamped by it")
    func takeOverOnClock() async throws {
        let journal = try freshJournal()
        let ana = try SQLiteCommanderLease.acquire(journal: journal, as: identity("ana", pid: 1))
        let clock = ManualClock()
        let ben = identity("ben", pid: 2)
        let waiting = Task {
            try await SQLiteCommanderLease.takeOver(journal: journal, as: ben, reason: "handoff", clock: clock, waiting: { _ in })
        }
        try await waitUntil(seconds: 60) { clock.sleepers.count == 1 && ana.pendingRequest() != nil }
        #expect(ana.pendingRequest()?.at == clock.now())
        #expect(clock.sleepers == [clock.now() + 0.1])
        // Still held: a look finds it held, and sleeps again.
        clock.advance(by: 0.1)
        try await waitUntil(seconds: 60) { clock.sleepers == [clock.now() + 0.1] }
        ana.release()
        clock.advance(by: 0.1)
        let lease = try await waiting.value
        #expect(lease.holder == ben)
        lease.release()
    }

    @Test("take-over when nobody holds the lease succeeds at once")
    func takeOverFree() async throws {
        let journal = try freshJournal()
        let started = ContinuousClock.now
        let lease = try await SQLiteCommanderLease.takeOver(
            journal: journal, as: identity("ben", pid: 2), reason: "r",
            waiting: { _ in
                Issue.record("waited for a lease nobody held")
            })
        #expect(ContinuousClock.now - started < .seconds(2))
        lease.release()
    }

    @Test("a journal writable by group or others, or owned by another user, is refused for commanding and still readable")
    func unsafeJournal() throws {
        let journal = try freshJournal()
        _ = try SQLiteJournal(path: journal).append(.note(text: "x", by: "y"), at: Date())
        #expect(chmod(journal, 0o666) == 0)
        do {
            try SQLiteCommanderLease.checkJournal(journal)
            Issue.record("a world-writable journal was accepted")
        } catch {
            #expect(error.description.contains("writable by its group (mode 666)"), "\(error)")
        }
        #expect(try SQLiteJournalReader(path: journal).events().count == 1)
        #expect(chmod(journal, 0o602) == 0)
        #expect(throws: LeaseRefusal.self) { try SQLiteCommanderLease.acquire(journal: journal, as: identity("a", pid: 1)) }
        #expect(chmod(journal, 0o600) == 0)
        try SQLiteCommanderLease.checkJournal(journal)
        if geteuid() == 0 {
            #expect(chown(journal, 65534, 65534) == 0)
            do {
                try SQLiteCommanderLease.checkJournal(journal)
                Issue.record("another user's journal was accepted")
            } catch {
                #expect(error.description.contains("uid 65534"), "\(error)")
            }
            #expect(try SQLiteJournalReader(path: journal).events().count == 1)
        }
    }
}

@Suite("Commander presence")
struct CommanderPresenceTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("NO COMMANDER only after 10 s without one; a present commander never alarms")
    func alarm() {
        let gone = CommanderPresence.absent(last: nil, since: t0)
        #expect(gone.noCommanderSince(now: t0 + 9.9, watchingSince: t0) == nil)
        #expect(gone.noCommanderSince(now: t0 + 10, watchingSince: t0) == t0)
        let never = CommanderPresence.absent(last: nil, since: nil)
        #expect(never.noCommanderSince(now: t0 + 11, watchingSince: t0 + 5) == nil)
        #expect(never.noCommanderSince(now: t0 + 15, watchingSince: t0 + 5) == t0 + 5)
        let here = CommanderPresence.commanding(CommanderIdentity(user: "a", host: "h", pid: 1, startedAt: t0), heartbeat: t0)
        #expect(here.noCommanderSince(now: t0 + 100, watchingSince: t0) == nil)
        #expect(CommanderPresence.unknown(reason: "x").noCommanderSince(now: t0 + 100, watchingSince: t0) == nil)
    }
}
