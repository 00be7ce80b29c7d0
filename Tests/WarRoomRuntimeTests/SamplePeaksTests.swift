import Foundation
import Testing
import WarRoomCore
import WarRoomTestSupport

@testable import WarRoomRuntime

/// Each minute's peaks (format 4): the post-mortem's worst values over a long
/// window without reading its points, and the maxima as written even where the
/// points were averaged since.
@Suite("Samples store: each minute's peaks")
struct SamplePeaksTests {
    private let t0: Int64 = 1_800_000_000_000  // ms, a whole minute
    private let keys = [SeriesKey(.canary, .errorRate), SeriesKey(.stable, .latencyP99), SeriesKey(.canary, .throughput)]

    /// Twelve minutes of two sources, a batch every 700 ms, random values
    /// (NaN and infinities among them), a spike now and then.
    private func fill(_ journal: SQLiteJournal, seed: UInt64, from: Int64? = nil) throws -> [SampleBatch] {
        var rng = SplitMix(seed: seed)
        var written: [SampleBatch] = []
        try journal.write { tx in
            for ms in stride(from: from ?? t0, to: (from ?? t0) + 12 * 60_000, by: 700) {
                for source in ["a", "b"] {
                    let samples = keys.map { key -> Sample in
                        switch rng.next() % 50 {
                        case 0: return Sample(key, .nan)
                        case 1: return Sample(key, 50 + Double(rng.next() % 1000))
                        case 2 where key.metric == .throughput: return Sample(key, .infinity)
                        default: return Sample(key, Double(rng.next() % 10_000) / 1000)
                        }
                    }
                    let batch = SampleBatch(milliseconds: ms, source: source, samples: samples)
                    try tx.append(batch)
                    written.append(batch)
                }
            }
        }
        return written
    }

    private func scanned(_ batches: [SampleBatch], _ low: Int64, _ high: Int64) -> [SeriesKey: Double] {
        var out: [SeriesKey: Double] = [:]
        for b in batches where b.milliseconds >= low && b.milliseconds <= high {
            for s in b.samples where !s.value.isNaN { out[s.key] = max(out[s.key] ?? -.infinity, s.value) }
        }
        return out
    }

    @Test("over 300 random windows (whole minutes, partial ends, under a minute), the peaks equal a scan of what was written")
    func randomWindows() throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        let written = try fill(journal, seed: 3)
        #expect(
            try Int(scalar(path, "SELECT COUNT(*) FROM sample_peaks").trimmingCharacters(in: .whitespacesAndNewlines)) == 12 * 2 * keys.count,
            "a row per series a minute")
        var rng = SplitMix(seed: 11)
        let reader = try SQLiteJournalReader(path: path)
        var windows: [(Int64, Int64)] = []
        for i in 0 ..< 300 {
            let low = t0 - 30_000 + Int64(rng.next() % (13 * 60_000))
            let length: Int64 = i % 3 == 0 ? Int64(rng.next() % 60_000) : Int64(rng.next() % (13 * 60_000))
            windows.append((low, low + length))
        }
        // Bounds on, and a millisecond either side of, whole minutes.
        for a in [1, 2, 5] as [Int64] {
            for b in [a + 1, a + 3, 11] as [Int64] {
                for (dl, dh) in [(0, -1), (-1, 0), (1, -2), (0, 0), (-1, -1)] as [(Int64, Int64)] {
                    windows.append((t0 + a * 60_000 + dl, t0 + b * 60_000 + dh))
                }
            }
        }
        for (low, high) in windows {
            let expected = scanned(written, low, high)
            #expect(try SampleStoreAccess.peaks(journal, low, high) == expected, "window \(low - t0) ... \(high - t0)")
            #expect(try SampleStoreAccess.peaks(reader, low, high) == expected)
        }
    }

    @Test("before 1970 too: minutes of negative times round down, their windows equal a scan")
    func negativeTimes() throws {
        let journal = try SQLiteJournal(path: temporaryJournalPath())
        let from: Int64 = -6 * 60_000 - 250
        let written = try fill(journal, seed: 21, from: from)
        var rng = SplitMix(seed: 4)
        for _ in 0 ..< 100 {
            let low = from + Int64(rng.next() % (12 * 60_000))
            let high = low + Int64(rng.next() % (6 * 60_000))
            #expect(try SampleStoreAccess.peaks(journal, low, high) == scanned(written, low, high), "window \(low) ... \(high)")
        }
    }

    @Test("a point written by plain SQL, as an older warroom still running on a migrated journal writes it, raises its minute's peak (the trigger)")
    func olderWriterKeepsPeaks() throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        _ = try fill(journal, seed: 2)
        let low = t0 + 60_000
        let high = t0 + 4 * 60_000 - 1
        let before = try SampleStoreAccess.peaks(journal, low, high)
        try sqlite(path, "INSERT INTO samples (t, series, v) VALUES (\(t0 + 2 * 60_000 + 30_123), 1, 1e9)")
        let after = try SampleStoreAccess.peaks(journal, low, high)
        #expect(after.values.contains(1e9) && after != before)
        // NaN (NULL) is no peak.
        try sqlite(path, "INSERT INTO samples (t, series, v) VALUES (\(t0 + 2 * 60_000 + 30_124), 1, NULL)")
        #expect(try SampleStoreAccess.peaks(journal, low, high) == after)
    }

    @Test("a point replaced at the same millisecond still counts toward its minute's peak: it was read")
    func replacedPointCounts() throws {
        let journal = try SQLiteJournal(path: temporaryJournalPath())
        let key = keys[0]
        try journal.write { tx in
            try tx.append(SampleBatch(milliseconds: t0 + 61_000, source: "a", samples: [Sample(key, 5)]))
            try tx.append(SampleBatch(milliseconds: t0 + 61_000, source: "a", samples: [Sample(key, 1)]))
        }
        let stored = try journal.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches.flatMap(\.samples).map(\.value)
        #expect(stored == [1], "the point kept is the later one")
        #expect(try SampleStoreAccess.peaks(journal, t0 + 60_000, t0 + 120_000 - 1) == [key: 5], "a whole minute: its peak")
        #expect(try SampleStoreAccess.peaks(journal, t0 + 60_500, t0 + 61_500) == [key: 1], "a partial minute: its points")
    }

    @Test(
        "after the points are averaged (10 s, then 1 min buckets), whole minutes still give the maxima as written; expired minutes go with their points"
    )
    func survivesCompaction() throws {
        let path = temporaryJournalPath()
        let journal = try SQLiteJournal(path: path)
        let written = try fill(journal, seed: 5)
        let low = t0 + 60_000
        let high = t0 + 11 * 60_000 - 1  // ten whole minutes
        let raw = scanned(written, low, high)
        // Two days later the points are one a minute per series, the mean of each.
        let now = Date(timeIntervalSince1970: Double(t0) / 1000 + 2 * 86_400)
        _ = try journal.compactSamples(now: now, retention: .standard)
        let averaged = scanned(try journal.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches, low, high)
        #expect(averaged[keys[0]]! < raw[keys[0]]!, "the averages hide the spikes (or this test shows nothing)")
        #expect(try SampleStoreAccess.peaks(journal, low, high) == raw)
        // Expiring part way through a minute takes the whole minute, points and peak
        // together: every minute with a peak still has its points, and none without.
        let keep = SampleRetention.standard.keep
        _ = try journal.compactSamples(now: Date(timeIntervalSince1970: Double(t0 + 5 * 60_000 + 20_000) / 1000 + keep), retention: .standard)
        let minutesWithPeaks = try scalar(path, "SELECT DISTINCT m FROM sample_peaks ORDER BY m").split(separator: "\n").compactMap { Int64($0) }
        // The points, wherever they are kept (by now packed in the 1 min tier's chunks).
        let stored = try journal.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches
        let minutesWithPoints = Set(stored.filter { $0.samples.contains { !$0.value.isNaN } }.map { $0.milliseconds / 60_000 }).sorted()
        #expect(try scalar(path, "SELECT COUNT(*) FROM samples").trimmingCharacters(in: .whitespacesAndNewlines) == "0", "all packed")
        #expect(minutesWithPeaks == minutesWithPoints)
        #expect(minutesWithPeaks.first == (t0 + 5 * 60_000) / 60_000)
        // Past the 30 days kept, the minutes' peaks are deleted with their points.
        _ = try journal.compactSamples(now: now.addingTimeInterval(31 * 86_400), retention: .standard)
        #expect(try scalar(path, "SELECT COUNT(*) FROM sample_peaks").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        #expect(try SampleStoreAccess.peaks(journal, low, high).isEmpty)
    }

    @Test("a format 3 journal gets its peaks when a writer opens it (3 → 4), the same a writer gathers; a reader of format 3 scans the points")
    func migratesFrom3() throws {
        let path = temporaryJournalPath()
        let written: [SampleBatch]
        do {
            let journal = try SQLiteJournal(path: path)
            written = try fill(journal, seed: 8)
        }
        let gathered = try scalar(path, "SELECT m, series, v FROM sample_peaks ORDER BY m, series")
        #expect(gathered.split(separator: "\n").count == 12 * 2 * keys.count)
        try sqlite(path, "DROP TABLE sample_peaks; PRAGMA user_version = 3;")
        let low = t0 + 90_000
        let high = t0 + 9 * 60_000
        let old = try SQLiteJournalReader(path: path)
        #expect(try SampleStoreAccess.peaks(old, low, high) == scanned(written, low, high), "format 3, read as it is")
        #expect(try scalar(path, "PRAGMA user_version").trimmingCharacters(in: .whitespacesAndNewlines) == "3", "a reader never migrates")
        let reopened = try SQLiteJournal(path: path)
        #expect(try scalar(path, "PRAGMA user_version").trimmingCharacters(in: .whitespacesAndNewlines) == "\(SQLiteJournal.formatVersion)")
        #expect(try scalar(path, "SELECT m, series, v FROM sample_peaks ORDER BY m, series") == gathered)
        #expect(try SampleStoreAccess.peaks(reopened, low, high) == scanned(written, low, high))
    }
}

/// The store's peaks through a journal's public reader, in milliseconds.
private enum SampleStoreAccess {
    static func peaks(_ reader: any JournalReader, _ low: Int64, _ high: Int64) throws -> [SeriesKey: Double] {
        try reader.samplePeaks(within: Date(timeIntervalSince1970: Double(low) / 1000) ... Date(timeIntervalSince1970: Double(high) / 1000))
    }
}
