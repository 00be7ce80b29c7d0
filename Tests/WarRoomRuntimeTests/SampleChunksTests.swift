import Foundation
import GRDB
import Testing
import WarRoomCore
import WarRoomTestSupport

@testable import WarRoomRuntime

private let t0: Int64 = 1_800_000_000_000
private let keys: [SeriesKey] = [SeriesKey(.canary, .errorRate), SeriesKey(.stable, .errorRate), SeriesKey(.canary, .latencyAvg)]

/// One point as a reader sees it.
private struct Seen: Hashable, CustomStringConvertible {
    var t: Int64
    var source: String
    var key: SeriesKey
    var value: Double

    var description: String { "\(t) \(source) \(key) \(value)" }

    /// Equal, with NaN equal to NaN and means compared to 1e-9.
    func matches(_ other: Seen) -> Bool {
        guard t == other.t, source == other.source, key == other.key else { return false }
        if value.isNaN || other.value.isNaN { return value.isNaN && other.value.isNaN }
        return abs(value - other.value) <= 1e-9 * max(1, abs(value))
    }
}

private func seen(_ batches: [SampleBatch]) -> [Seen] {
    batches.flatMap { b in b.samples.map { Seen(t: b.milliseconds, source: b.source, key: $0.key, value: $0.value) } }
}

private func sorted(_ points: [Seen]) -> [Seen] {
    points.sorted {
        ($0.t, $0.source, $0.key.cohort.rawValue, $0.key.metric.rawValue) < ($1.t, $1.source, $1.key.cohort.rawValue, $1.key.metric.rawValue)
    }
}

/// The points a compaction at `now` leaves, computed from what was written
/// without the store: full resolution from the first tier's boundary on,
/// then each tier's means of the tier before's (NaN left out of a mean; a
/// bucket of NaN alone is NaN), and nothing before the expiry.
private func expected(_ written: [Seen], now: Int64, retention: SampleRetention) -> [Seen] {
    let expiry = SampleStore.floorDiv(now - Int64(retention.keep * 1000), 60_000) * 60_000
    var level = written.filter { $0.t >= expiry }
    var startAge = retention.full
    var kept: [Seen] = []
    for tier in retention.tiers {
        let width = Int64(tier.every * 1000)
        let boundary = SampleStore.floorDiv(now - Int64(startAge * 1000), width) * width
        startAge = tier.until
        kept += level.filter { $0.t >= boundary }
        struct Key: Hashable {
            var t: Int64
            var source: String
            var key: SeriesKey
        }
        var sums: [Key: (sum: Double, n: Int)] = [:]
        for p in level where p.t < boundary {
            let k = Key(t: SampleStore.floorDiv(p.t, width) * width, source: p.source, key: p.key)
            var s = sums[k] ?? (0, 0)
            if !p.value.isNaN {
                s.sum += p.value
                s.n += 1
            }
            sums[k] = s
        }
        level = sums.map { k, s in Seen(t: k.t, source: k.source, key: k.key, value: s.n > 0 ? s.sum / Double(s.n) : .nan) }
    }
    return sorted(kept + level)
}

private func assertMatch(_ got: [Seen], _ want: [Seen], _ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(got.count == want.count, "\(comment): \(got.count) points read, \(want.count) expected", sourceLocation: sourceLocation)
    for (g, w) in zip(got, want) where !g.matches(w) {
        Issue.record("\(comment): read \(g), expected \(w)", sourceLocation: sourceLocation)
        return
    }
}

@Suite("Packed tiers (format 5)")
struct SampleChunksTests {
    @Test(
        "a chunk's blob holds its buckets exactly, NaN and ±inf included, sparse or full; a damaged one is an error naming its series, never a crash")
    func chunkRoundTrip() throws {
        var chunk = SampleChunks.Chunk(start: 600_000, series: 7, width: 10_000)
        chunk.slots[0] = .nan
        chunk.slots[3] = -.infinity
        chunk.slots[59] = 0.125
        let blob = chunk.encoded()
        #expect(blob.count == 8 + 3 * 8)
        let db = try DatabaseQueue()
        try db.write { db in
            try SampleChunks.create(db)
            try db.execute(sql: "INSERT INTO sample_chunks VALUES (?, ?, ?, ?)", arguments: [chunk.start, chunk.series, chunk.width, blob])
            let back = try SampleChunks.Chunk(row: try #require(try Row.fetchOne(db, sql: "SELECT * FROM sample_chunks")))
            #expect(back.points.map(\.t) == [600_000, 630_000, 1_190_000])
            #expect(back.slots[0]?.isNaN == true && back.slots[3] == -.infinity && back.slots[59] == 0.125 && back.count == 3)
            var full = SampleChunks.Chunk(start: 0, series: 1, width: 60_000)
            for i in 0 ..< SampleChunks.buckets { full.slots[i] = Double(i) / 3 }
            try db.execute(sql: "INSERT INTO sample_chunks VALUES (0, 1, 60000, ?)", arguments: [full.encoded()])
            #expect(
                try SampleChunks.Chunk(row: try #require(try Row.fetchOne(db, sql: "SELECT * FROM sample_chunks WHERE series = 1"))).slots
                    == full.slots)
            #expect(try SampleChunks.pointCount(db) == 63)
            for damaged in ["x'00'", "x'0100000000000000'", "x'ffffffffffffffff00'"] {
                try db.execute(sql: "UPDATE sample_chunks SET points = \(damaged) WHERE series = 7")
                #expect {
                    _ = try SampleChunks.Chunk(row: try #require(try Row.fetchOne(db, sql: "SELECT * FROM sample_chunks WHERE series = 7")))
                } throws: { error in
                    "\(error)".contains("sample chunk of series 7 at 600000") && "\(error)".contains("damaged")
                }
            }
        }
    }

    @Test("every query of the chunks goes by the primary key's start or the index on width: none reads the whole month kept")
    func queryPlans() throws {
        let db = try DatabaseQueue()
        try db.write { db in
            try SampleChunks.create(db)
            for sql in SampleChunks.Query.all {
                // Numbered parameters (?1, ?2) count once each.
                let count = sql.contains("?1") ? (1 ... 9).filter { sql.contains("?\($0)") }.count : sql.filter { $0 == "?" }.count
                let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)", arguments: StatementArguments(Array(repeating: 0, count: count))!)
                    .map { $0["detail"] as String }
                #expect(!plan.isEmpty, "\(sql)")
                // A bare "USING PRIMARY KEY" walks the whole tree (as MAX(width) does without its index): the key must bound `start`.
                let reads = plan.filter { $0.contains("sample_chunks") }
                #expect(!reads.isEmpty, "\(sql): \(plan)")
                // Each query its one path: the widths by their index, MAX(start) by the key's first
                // column (SQLite reads the last entry alone; its plan says no more than a walk's), the
                // rest by a range of the key's start, never the width index (a day of 10 s chunks).
                let path: (String) -> Bool
                switch sql {
                case SampleChunks.Query.widest, SampleChunks.Query.widestNarrower: path = { $0.contains("INDEX sample_chunks_width") }
                case SampleChunks.Query.lastStart: path = { $0.hasSuffix("USING PRIMARY KEY") }
                default: path = { $0.contains("PRIMARY KEY (start") && !$0.contains("sample_chunks_width") }
                }
                #expect(reads.allSatisfy(path), "\(sql): \(plan)")
            }
        }
    }

    @Test("chunks of two widths over the same hour (never written so, but readable) still read in time order, oldest first and newest first")
    func overlappingWidths() throws {
        let db = try DatabaseQueue()
        try db.write { db in
            try SampleChunks.create(db)
            var minutes = SampleChunks.Chunk(start: 0, series: 1, width: 60_000)
            for i in stride(from: 0, to: 60, by: 7) { minutes.slots[i] = Double(i) }
            var tens = SampleChunks.Chunk(start: 1_200_000, series: 2, width: 10_000)
            for i in stride(from: 0, to: 60, by: 5) { tens.slots[i] = Double(100 + i) }
            var later = SampleChunks.Chunk(start: 3_600_000, series: 1, width: 10_000)
            later.slots[1] = 1
            // Narrow and inside the wide chunk's hour, at a start after it: read before it newest first,
            // so only the widest span (not the narrow chunk's own) bounds what may be handed on.
            var early = SampleChunks.Chunk(start: 600_000, series: 3, width: 10_000)
            early.slots[2] = 7
            for c in [minutes, tens, later, early] {
                try db.execute(sql: "INSERT INTO sample_chunks VALUES (?, ?, ?, ?)", arguments: [c.start, c.series, c.width, c.encoded()])
            }
            let all = (minutes.points + tens.points + later.points + early.points).sorted { $0.precedes($1) }
            for descending in [false, true] {
                var read = try ChunkPoints(db, from: 0, descending: descending)
                var got: [StoredPoint] = []
                while let p = try read.next() { got.append(p) }
                #expect(got == (descending ? all.reversed() : all), "descending: \(descending)")
            }
            var window = try ChunkPoints(db, from: 1_250_000, through: 2_000_000, descending: false)
            var got: [StoredPoint] = []
            while let p = try window.next() { got.append(p) }
            #expect(got == all.filter { $0.t >= 1_250_000 && $0.t <= 2_000_000 })
        }
    }

    @Test(
        "random points at irregular times, NaN among them, compacted by two tiers over several runs: every reader sees what the tiers promise, computed without the store, oldest first and newest first alike",
        arguments: [1, 2, 3])
    func randomAgainstModel(seed: UInt64) throws {
        var rng = SplitMix(seed: seed)
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        let retention = SampleRetention(
            full: 300, tiers: [SampleRetention.Tier(every: 10, until: 1_800), SampleRetention.Tier(every: 60, until: 7_200)])
        var written: [Seen] = []
        var t = t0 + Int64.random(in: 0 ..< 60_000, using: &rng)
        let end = t0 + 3 * 3_600_000
        try journal.write { tx in
            while t < end {
                for source in ["a", "b"] where Int.random(in: 0 ..< 4, using: &rng) > 0 {
                    let samples = keys.compactMap { key -> Sample? in
                        guard Int.random(in: 0 ..< 5, using: &rng) > 0 else { return nil }
                        return Sample(key, Int.random(in: 0 ..< 20, using: &rng) == 0 ? .nan : Double.random(in: 0 ..< 1, using: &rng))
                    }
                    guard !samples.isEmpty else { continue }
                    try tx.append(SampleBatch(milliseconds: t, source: source, samples: samples))
                    written += samples.map { Seen(t: t, source: source, key: $0.key, value: $0.value) }
                }
                t += Int64.random(in: 1 ..< 4_000, using: &rng)
            }
        }
        written = sorted(written)
        // Runs a minute apart, then jumps that cross a chunk, a tier and the expiry.
        var nows: [Int64] = (0 ..< 5).map { end + Int64($0) * 60_000 }
        nows += [end + 1_000_000, end + 2_345_678, end + 7_300_000, end + 9_000_000]
        for now in nows {
            _ = try journal.compactSamples(now: Date(timeIntervalSince1970: Double(now) / 1000), retention: retention)
            let want = expected(written, now: now, retention: retention)
            let reader = try SQLiteJournalReader(path: path)
            let oldestFirst = try reader.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches
            assertMatch(sorted(seen(oldestFirst)), want, "oldest first at now + \(now - end) ms")
            var newestFirst: [SampleBatch] = []
            try reader.recentBatches(within: 10 * 86_400, committedFrom: 0) { _, batch in
                newestFirst.append(batch)
                return true
            }
            // Described, since a NaN is not equal to itself.
            #expect("\(Array(newestFirst.reversed()))" == "\(oldestFirst)", "newest first is oldest first reversed, at now + \(now - end) ms")
            #expect(try journal.samplePointCount() == want.count)
            // A window inside one minute of packed points: its peaks are those points' maxima.
            if let packed = want.first(where: { $0.t % 60_000 == 0 }) {
                let window = Date(timeIntervalSince1970: Double(packed.t) / 1000) ... Date(timeIntervalSince1970: Double(packed.t + 30_000) / 1000)
                var maxima: [SeriesKey: Double] = [:]
                for p in want where p.t >= packed.t && p.t <= packed.t + 30_000 && !p.value.isNaN {
                    maxima[p.key] = max(maxima[p.key] ?? p.value, p.value)
                }
                let peaks = try reader.samplePeaks(within: window)
                #expect(peaks.keys == maxima.keys)
                for (k, v) in maxima { #expect(abs((peaks[k] ?? .nan) - v) <= 1e-9, "\(k)") }
            }
        }
        // Everything past the first tier is packed; `samples` holds only the points at full resolution.
        let rawOld = try scalar(path, "SELECT COUNT(*) FROM samples WHERE t < \(nows.last! - 300_000 - 10_000)")
        #expect(rawOld.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test("the 10 s tier packed as the commander packs it (a run a minute): at most 10 bytes a point on disk (dbstat), a tenth of a point in a row")
    func packedBytesPerPoint() throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        let sources = 8
        let seriesKeys = keys + [SeriesKey(.stable, .latencyAvg), SeriesKey(.stable, .throughput)]
        var second: Int64 = 0
        let hours: Int64 = 3
        while second < hours * 3_600 {
            try journal.write { tx in
                for s in second ..< second + 60 {
                    for source in 0 ..< sources {
                        try tx.append(
                            SampleBatch(
                                milliseconds: t0 + s * 1000, source: "source-\(source)",
                                samples: seriesKeys.enumerated().map { k, key in
                                    Sample(key, 0.001 * Double((Int(s) + k) % 50) + 0.0003 * Double(source))
                                }))
                    }
                }
            }
            second += 60
            _ = try journal.compactSamples(now: Date(timeIntervalSince1970: Double(t0 + second * 1000) / 1000), retention: .standard)
        }
        try journal.checkpointLog()
        let packedPoints =
            Int(try scalar(path, "SELECT SUM((length(points) - 8) / 8) FROM sample_chunks").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        let bytes =
            Int(try scalar(path, "SELECT SUM(pgsize) FROM dbstat WHERE name = 'sample_chunks'").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        // Two hours of 10 s buckets (the last hour, and up to a chunk more, at full resolution).
        #expect(packedPoints >= sources * seriesKeys.count * 6 * 60 * 2 - sources * seriesKeys.count * 60)
        let perPoint = Double(bytes) / Double(packedPoints)
        print("packed tier: \(String(format: "%.2f", perPoint)) bytes per point (\(packedPoints) points, \(bytes) bytes)")
        #expect(perPoint <= 10, "\(perPoint) bytes per packed point")
        #expect(perPoint >= 8, "a point cannot take less than its value: \(perPoint) means the measurement is wrong")
    }

    @Test(
        "a format 4 journal (its means among the points) reads the same after a writer migrates it to 5, and its old means are packed when their tier takes them"
    )
    func migratesFrom4() throws {
        let path = temporaryJournalPath()
        do {
            let journal = try SQLiteJournal(path: path)
            try journal.write { tx in
                for s in 0 ..< 10_800 as Range<Int64> {
                    try tx.append(SampleBatch(milliseconds: t0 + s * 1000, source: "a", samples: [Sample(keys[0], Double(s % 7) / 10)]))
                }
            }
        }
        // What format 4 wrote when it compacted at t0 + 3 h: 10 s means into `samples`, in place of their points.
        let boundary = t0 + 2 * 3_600_000
        try sqlite(
            path,
            """
            CREATE TEMP TABLE m AS SELECT (t / 10000) * 10000 AS t, series, avg(v) AS v FROM samples WHERE t < \(boundary) GROUP BY t / 10000, series;
            DELETE FROM samples WHERE t < \(boundary);
            INSERT INTO samples SELECT t, series, v FROM m;
            INSERT OR REPLACE INTO samples_compacted VALUES (0, \(boundary));
            DROP TABLE sample_chunks;
            PRAGMA user_version = 4;
            """)
        let before = try SQLiteJournalReader(path: path).changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches
        #expect(before.count == 720 + 3_600, "two hours of 10 s means, then an hour of points: \(before.count)")
        #expect(try scalar(path, "PRAGMA user_version").trimmingCharacters(in: .whitespacesAndNewlines) == "4", "a reader never migrates")
        let journal = try SQLiteJournal(path: path)
        #expect(try scalar(path, "PRAGMA user_version").trimmingCharacters(in: .whitespacesAndNewlines) == "5")
        #expect(try journal.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches == before, "the same points, read the same")
        // A day and a half later the old 10 s means are older than a day: the 1 min tier takes them into its chunks.
        _ = try journal.compactSamples(now: Date(timeIntervalSince1970: Double(t0) / 1000 + 1.5 * 86_400), retention: .standard)
        #expect(try scalar(path, "SELECT COUNT(*) FROM samples").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let after = try journal.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches
        #expect(after.count == 180, "three hours of minutes: \(after.count)")
        #expect(after.allSatisfy { $0.milliseconds % 60_000 == 0 })
        let firstMinute = before.filter { $0.milliseconds < t0 - t0 % 60_000 + 60_000 }.compactMap(\.samples.first?.value)
        let mean = firstMinute.reduce(0, +) / Double(firstMinute.count)
        #expect(abs((after.first?.samples.first?.value ?? .nan) - mean) < 1e-12, "a minute is the mean of its old 10 s means")
    }

    @Test("a damaged chunk makes a reader fail with the journal's path and what is damaged, not crash or skip it")
    func damagedChunkIsAnError() throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        try journal.write { tx in
            for s in 0 ..< 120 as Range<Int64> {
                try tx.append(SampleBatch(milliseconds: t0 + s * 1000, source: "a", samples: [Sample(keys[0], 0.5)]))
            }
        }
        let retention = SampleRetention(full: 30, tiers: [SampleRetention.Tier(every: 10, until: 3_600)])
        _ = try journal.compactSamples(now: Date(timeIntervalSince1970: Double(t0) / 1000 + 200), retention: retention)
        // Bytes that are not a chunk, a value that is not a blob at all, a width no tier has:
        // each an error naming the journal, from every way in (the oldest-first read, the
        // newest-first read the loader makes, and the newest point's time), never a crash.
        // (A start that is text sorts after every number, outside any range read: those skip it,
        // and only must not crash.)
        let hidden = "start = 'x'"
        try sqlite(path, "UPDATE sample_chunks SET \(hidden)")
        _ = try? SQLiteJournalReader(path: path).changes(afterSeq: 0, samplesAfter: nil, recent: nil)
        _ = try? SQLiteJournalReader(path: path).changes(afterSeq: 0, samplesAfter: nil, recent: 60)
        try? SQLiteJournalReader(path: path).recentBatches(within: 100_000, committedFrom: 0) { _, _ in true }
        try sqlite(path, "UPDATE sample_chunks SET start = \(SampleChunks.Chunk.start(of: t0, width: 10_000))")
        for damage in [
            "points = x'0700'", "points = 7", "points = 'text'", "width = 9223372036854775807", "width = -10000", "start = 9223372036854775000",
        ] {
            try sqlite(path, "UPDATE sample_chunks SET \(damage)")
            let reader = try SQLiteJournalReader(path: path)
            #expect(throws: (any Error).self, "\(damage)") {
                _ = try reader.changes(afterSeq: 0, samplesAfter: nil, recent: nil)
            }
            #expect(throws: (any Error).self, "\(damage)") {
                try reader.recentBatches(within: 100_000, committedFrom: 0) { _, _ in true }
            }
            #expect(throws: (any Error).self, "\(damage)") {
                _ = try reader.changes(afterSeq: 0, samplesAfter: nil, recent: 60)
            }
            do {
                _ = try reader.changes(afterSeq: 0, samplesAfter: nil, recent: nil)
            } catch {
                #expect("\(error)".contains(path) && "\(error)".contains("damaged"), "\(damage): \(error)")
            }
            _ = try journal.append(.note(text: "still writable", by: "ana"), at: Date(timeIntervalSince1970: Double(t0) / 1000 + 300))
            // Mended for the next damage: a good chunk again, read back.
            var good = SampleChunks.Chunk(start: SampleChunks.Chunk.start(of: t0, width: 10_000), series: 1, width: 10_000)
            good.slots[0] = 0.5
            try sqlite(path, "DELETE FROM sample_chunks; INSERT INTO sample_chunks VALUES (\(good.start), 1, 10000, x'\(hex(good.encoded()))');")
            #expect(try SQLiteJournalReader(path: path).changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches.count > 0)
        }
    }

    @Test("a point kept in both stores (never written so) is read once, as its row has it, in both read orders")
    func bothStores() throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        try journal.write { tx in try tx.append(SampleBatch(milliseconds: t0 + 1_000, source: "a", samples: [Sample(keys[0], 0.25)])) }
        var chunk = SampleChunks.Chunk(start: SampleChunks.Chunk.start(of: t0, width: 1_000), series: 1, width: 1_000)
        chunk.slots[Int((t0 + 1_000 - chunk.start) / 1_000)] = 0.75  // the same millisecond and series
        chunk.slots[Int((t0 + 2_000 - chunk.start) / 1_000)] = 0.5
        try sqlite(path, "INSERT INTO sample_chunks VALUES (\(chunk.start), 1, 1000, x'\(hex(chunk.encoded()))');")
        let reader = try SQLiteJournalReader(path: path)
        let batches = try reader.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches
        #expect(batches.map(\.milliseconds) == [t0 + 1_000, t0 + 2_000])
        #expect(batches.map { $0.samples.map(\.value) } == [[0.25], [0.5]])
        var newestFirst: [SampleBatch] = []
        try reader.recentBatches(within: 60, committedFrom: 0) { _, b in
            newestFirst.append(b)
            return true
        }
        #expect(newestFirst.map(\.milliseconds) == [t0 + 2_000, t0 + 1_000])
        #expect(newestFirst.last?.samples.map(\.value) == [0.25])
    }
}

private func hex(_ data: Data) -> String {
    data.map { String(format: "%02x", $0) }.joined()
}
