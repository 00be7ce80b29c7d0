import Benchmark
import Foundation
import Support
import Synchronization
import WarRoomCore
import WarRoomRuntime

// Durable appends per second: `Journal.append` with synchronous=FULL (the
// journal's own setting), one event per transaction and 100 per transaction.
// The journal lives under $TMPDIR (set TMPDIR to measure another disk).

/// Events per transaction in the batched benchmark.
let batchSize = 100

/// A fresh journal and a supply of realistic samples events.
final class Appender: Sendable {
    let directory: URL
    let journal: SQLiteJournal
    let second = Mutex(0)

    init() throws {
        directory = try Fixture.scratchDirectory("journal")
        journal = try SQLiteJournal(path: directory.appendingPathComponent("journal.sqlite").path)
        _ = try journal.append(.sessionStarted(Fixture.session), at: Fixture.start)
    }

    func nextEvents(_ count: Int) -> [(time: Date, event: Event)] {
        let first = second.withLock { s in
            defer { s += count }
            return s
        }
        return (first ..< first + count).map { s in
            (Fixture.start.addingTimeInterval(Double(s) + 0.5),
             .samples(source: Fixture.healthSource, samples: Fixture.samples(second: s)))
        }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

let appenders = Mutex<[String: Appender]>([:])

func appender(_ name: String) -> Appender? { appenders.withLock { $0[name] } }

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocBytesCount, .writeSyscalls, .writeBytesPhysical],
        timeUnits: .nanoseconds,
        units: exactUnits([.throughput, .mallocBytesCount, .writeSyscalls, .writeBytesPhysical]),
        warmupIterations: 3,
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 5_000
    )

    Benchmark("append_1_per_txn") { benchmark in
        guard let a = appender("single") else { return benchmark.error("no journal") }
        let events = a.nextEvents(1)
        benchmark.startMeasurement()
        do { _ = try a.journal.append(events) } catch { benchmark.error("\(error)") }
        benchmark.stopMeasurement()
    } setup: {
        let a = try Appender()
        appenders.withLock { $0["single"] = a }
    } teardown: {
        appenders.withLock { $0.removeValue(forKey: "single") }?.remove()
    }

    Benchmark("append_100_per_txn") { benchmark in
        guard let a = appender("batch") else { return benchmark.error("no journal") }
        let events = a.nextEvents(batchSize)
        benchmark.startMeasurement()
        do { _ = try a.journal.append(events) } catch { benchmark.error("\(error)") }
        benchmark.stopMeasurement()
    } setup: {
        let a = try Appender()
        appenders.withLock { $0["batch"] = a }
    } teardown: {
        appenders.withLock { $0.removeValue(forKey: "batch") }?.remove()
    }
}
