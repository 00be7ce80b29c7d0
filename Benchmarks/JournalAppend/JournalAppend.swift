import Benchmark
import Foundation
import Support
import Synchronization
import WarRoomCore
import WarRoomRuntime

// Durable appends per second with synchronous=FULL (the journal's own
// setting): sample batches (8 values each) into the samples store, one
// batch per transaction and 100 per transaction (a group commit of 100
// sources). The journal lives under $TMPDIR (set TMPDIR to measure another disk).

/// Batches per transaction in the batched benchmark.
let batchSize = 100

/// A fresh journal and a supply of realistic sample batches.
final class Appender: Sendable {
    let directory: URL
    let journal: SQLiteJournal
    let second = Mutex(0)

    init() throws {
        directory = try Fixture.scratchDirectory("journal")
        journal = try SQLiteJournal(path: directory.appendingPathComponent("journal.sqlite").path)
        _ = try journal.append(.sessionStarted(Fixture.session), at: Fixture.start)
    }

    func nextBatches(_ count: Int) -> [SampleBatch] {
        let first = second.withLock { s in
            defer { s += count }
            return s
        }
        return (first ..< first + count).map { s in
            SampleBatch(
                milliseconds: SampleBatch.milliseconds(Fixture.start.addingTimeInterval(Double(s) + 0.5)),
                source: "\(Fixture.healthSource)-\(s % 100)", samples: Fixture.samples(second: s))
        }
    }

    func store(_ batches: [SampleBatch]) throws {
        try journal.write { tx in for b in batches { try tx.append(b) } }
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
        let batches = a.nextBatches(1)
        benchmark.startMeasurement()
        do { try a.store(batches) } catch { benchmark.error("\(error)") }
        benchmark.stopMeasurement()
    } setup: {
        let a = try Appender()
        appenders.withLock { $0["single"] = a }
    } teardown: {
        appenders.withLock { $0.removeValue(forKey: "single") }?.remove()
    }

    Benchmark("append_100_per_txn") { benchmark in
        guard let a = appender("batch") else { return benchmark.error("no journal") }
        let batches = a.nextBatches(batchSize)
        benchmark.startMeasurement()
        do { try a.store(batches) } catch { benchmark.error("\(error)") }
        benchmark.stopMeasurement()
    } setup: {
        let a = try Appender()
        appenders.withLock { $0["batch"] = a }
    } teardown: {
        appenders.withLock { $0.removeValue(forKey: "batch") }?.remove()
    }
}
