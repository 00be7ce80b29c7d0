import Benchmark
import Foundation
import Support
import Synchronization
import WarRoomCore
import WarRoomRuntime

// Events per second: folded by the pure reducer, and sent through the
// `WarRoom` actor, which appends each one durably to a real journal first.

/// Events per iteration of the reducer benchmarks.
let reducerBatch = 1000
/// Events per iteration of the actor benchmarks (each is one fsync'ed transaction).
let actorBatch = 100

/// A state after an hour of launch (series full), and events to fold into it.
final class Folding {
    var state = Fixture.state()
    let events: [Recorded]

    init(notes: Bool) {
        let samples = Fixture.followingSamples(after: state, count: reducerBatch)
        events =
            notes
            ? samples.enumerated().map { i, r in
                Recorded(seq: r.seq, time: r.time, event: .note(text: "checked the canary dashboards, nothing unusual (#\(i))", by: "ana"))
            }
            : samples
    }

    /// Fold the batch in place (the state is moved out of the box so that
    /// its buffers stay uniquely referenced: no copy-on-write).
    func foldBatch() {
        var local = WarRoomState()
        swap(&local, &state)
        for recorded in events { local.apply(recorded) }
        swap(&local, &state)
    }
}

/// Keeps the newest snapshot, as the terminal's `SnapshotMailbox` does.
final class Mailbox: Sendable {
    private let latest = Mutex<Snapshot?>(nil)
    func post(_ snapshot: Snapshot) { latest.withLock { $0 = snapshot } }
}

/// A war room on a journal that already holds an hour of launch.
actor Room {
    let directory: URL
    let warroom: WarRoom
    let mailbox = Mailbox()
    var reader: Task<Void, Never>?
    var second: Int

    init(subscribed: Bool) async throws {
        directory = try Fixture.scratchDirectory("actor")
        let journal = try SQLiteJournal(path: directory.appendingPathComponent("journal.sqlite").path)
        let history = Fixture.launchEvents()
        // Incident events into the event log, samples into the samples store (journal format 2).
        try journal.write { tx in
            for r in history {
                if case .samples(let source, let samples) = r.event {
                    try tx.append(SampleBatch(milliseconds: SampleBatch.milliseconds(r.time), source: source, samples: samples))
                } else {
                    _ = try tx.append(r.event, at: r.time)
                }
            }
        }
        second = Int(history.last!.time.timeIntervalSince(Fixture.start)) + 1
        warroom = try WarRoom(journal: journal, executor: nil)
        if subscribed {
            // What the dashboard does: keep the newest snapshot for the screen.
            let stream = await warroom.snapshots()
            let mailbox = self.mailbox
            reader = Task {
                for await snapshot in stream { mailbox.post(snapshot) }
            }
        }
    }

    func sendBatch() async throws {
        for _ in 0 ..< actorBatch {
            try await warroom.send(.samples(source: Fixture.healthSource, samples: Fixture.samples(second: second)))
            second += 1
        }
    }

    func close() async {
        reader?.cancel()
        await reader?.value
        try? FileManager.default.removeItem(at: directory)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .mallocBytesCount],
        timeUnits: .nanoseconds,
        units: exactUnits([.throughput, .mallocCountTotal, .mallocBytesCount, .writeSyscalls]),
        warmupIterations: 3,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: 10_000
    )

    Benchmark("reducer_samples_x1000") { _, folding in
        folding.foldBatch()
    } setup: {
        Folding(notes: false)
    }

    Benchmark("reducer_notes_x1000") { _, folding in
        folding.foldBatch()
    } setup: {
        Folding(notes: true)
    }

    let actorConfig = Benchmark.Configuration(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .mallocBytesCount, .writeSyscalls],
        warmupIterations: 1, maxDuration: .seconds(8), maxIterations: 200)

    let rooms = Mutex<[String: Room]>([:])

    Benchmark("actor_send_samples_x100", configuration: actorConfig) { benchmark in
        guard let room = rooms.withLock({ $0["plain"] }) else { return benchmark.error("no room") }
        do { try await room.sendBatch() } catch { benchmark.error("\(error)") }
    } setup: {
        let room = try await Room(subscribed: false)
        rooms.withLock { $0["plain"] = room }
    } teardown: {
        await rooms.withLock { $0.removeValue(forKey: "plain") }?.close()
    }

    Benchmark("actor_send_samples_subscribed_x100", configuration: actorConfig) { benchmark in
        guard let room = rooms.withLock({ $0["subscribed"] }) else { return benchmark.error("no room") }
        do { try await room.sendBatch() } catch { benchmark.error("\(error)") }
    } setup: {
        let room = try await Room(subscribed: true)
        rooms.withLock { $0["subscribed"] = room }
    } teardown: {
        await rooms.withLock { $0.removeValue(forKey: "subscribed") }?.close()
    }
}
