import Foundation
import GRDB
import GRDBSQLite
import WarRoomCore

/// Metric samples in their own tables beside the event log (journal format 2):
/// samples are not incident events.
///
/// - `series(id, source, cohort, metric)`: one row per series a source feeds;
/// - `samples(t, series, v)`: one row per point, `WITHOUT ROWID` with the
///   primary key `(t, series)`, so points are stored in time order and an
///   insert appends at the end of the tree; `t` is whole milliseconds since
///   1970, `v` the value (SQLite stores NaN as NULL, read back as NaN);
/// - `sample_commits(t, after_seq)`: for each time batches were stored at, the
///   newest event's seq then, so readers fold batches and events in the order
///   the war room did (about 10 bytes a commit, not a point); dropped once
///   the points are downsampled;
/// - `samples_compacted(tier, before)`: how far each downsampling tier has got;
/// - `sample_peaks(m, series, v)` (format 4): the largest value of each series
///   in each whole minute `m` (`t / 60000`), kept as written, never averaged,
///   NaN left out, expired with the points: a long window's peaks are read
///   from here (a row a minute) and only its partial first and last minute
///   from the points. A trigger on `samples` keeps it, so every writer does,
///   an older warroom still running on a journal a newer one migrated too;
///   the one-time migration from format 1 gathers them in Swift instead.
enum SampleStore {
    /// Width of a peak bucket: a minute, in milliseconds.
    static let peakMinute: Int64 = 60_000

    /// The minute of `t` in SQL, rounded down as `floorDiv` rounds (the
    /// trigger and the backfill; the migration's gathering uses `floorDiv`).
    private static func minuteSQL(_ t: String) -> String {
        "\(t) / \(peakMinute) - (\(t) % \(peakMinute) < 0)"
    }

    /// Migration step 1 → 2: the tables, and every `samples` event of a
    /// format 1 journal moved into them (incident events untouched). Runs in
    /// the caller's transaction.
    /// `peakFlush`: how many gathered (minute, series) peaks are held before
    /// they are written (smaller only in tests).
    static func migrateFrom1(_ db: Database, path: String, progress: ((JournalMigrationProgress) throws -> Void)?, peakFlush: Int = 65_536) throws {
        try db.execute(
            sql: """
                CREATE TABLE series (
                    id INTEGER PRIMARY KEY,
                    source TEXT NOT NULL,
                    cohort TEXT NOT NULL,
                    metric TEXT NOT NULL,
                    UNIQUE (source, cohort, metric)
                );
                CREATE TABLE samples (
                    t INTEGER NOT NULL,
                    series INTEGER NOT NULL,
                    v REAL,
                    PRIMARY KEY (t, series)
                ) WITHOUT ROWID;
                CREATE TABLE sample_commits (
                    t INTEGER PRIMARY KEY,
                    after_seq INTEGER NOT NULL
                );
                CREATE TABLE samples_compacted (
                    tier INTEGER PRIMARY KEY,
                    before INTEGER NOT NULL
                );
                """)
        // Format 4's peaks come with the points here, in Swift, before the
        // trigger exists (`addPeaks` creates it): the trigger per point, or a
        // backfill by SQL afterwards, would cost a week's migration 17 s more.
        try createPeaks(db)
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE kind = 'samples'") ?? 0
        guard total > 0 else { return }
        try progress?(JournalMigrationProgress(step: "moving samples out of the event log", done: 0, total: total))
        var ids = SeriesIDs()
        var done = 0
        // SQLite's own loop, not a GRDB cursor: the payload is read in place
        // and parsed without JSONDecoder when it has the shape the encoder
        // writes (LegacySamplesJSON); anything else is decoded as an Event.
        // Inserting into other tables while this reads `events` is fine; the
        // old log is dropped after the last read.
        let read = try db.makeStatement(sql: "SELECT seq, time, payload FROM events WHERE kind = 'samples' ORDER BY seq")
        let handle = read.sqliteStatement
        defer { sqlite3_reset(handle) }
        var points = try PointWriter(db, gatheringPeaks: true)
        while true {
            let rc = sqlite3_step(handle)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw PointWriter.error(db, rc) }
            let seq = sqlite3_column_int64(handle, 0)
            let time = sqlite3_column_double(handle, 1)
            let text = UnsafeRawPointer(sqlite3_column_text(handle, 2))
            let bytes = UnsafeBufferPointer(start: text?.assumingMemoryBound(to: UInt8.self), count: Int(sqlite3_column_bytes(handle, 2)))
            let source: String
            let samples: [Sample]
            if let fast = LegacySamplesJSON.parse(bytes) {
                (source, samples) = fast
            } else {
                let event: Event
                do {
                    event = try JournalJSON.decoder.decode(Event.self, from: Data(bytes))
                } catch {
                    throw JournalError(path: path, reason: "cannot migrate: event \(seq) cannot be read: \(error); nothing was changed")
                }
                guard case .samples(let s, let list) = event else { continue }
                (source, samples) = (s, list)
            }
            try insert(
                db,
                SampleBatch(
                    milliseconds: SampleBatch.milliseconds(Date(timeIntervalSince1970: time)), source: source,
                    samples: samples, afterSeq: seq - 1), ids: &ids, points: &points)
            done += 1
            if points.pendingPeaks >= peakFlush { try points.flush(db) }
            if done % 4096 == 0 {
                try progress?(JournalMigrationProgress(step: "moving samples out of the event log", done: done, total: total))
            }
        }
        try points.flush(db)
        try dropSampleEvents(db)
        try progress?(JournalMigrationProgress(step: "moving samples out of the event log", done: total, total: total))
    }

    /// The event log without its `samples` events. A `DELETE` rewrites every
    /// page of the old log (15 s of a week's 74 s); copying the few incident
    /// events into a new table and dropping the old one only frees its pages.
    /// Seq numbers stay as they were, and so does AUTOINCREMENT's high-water
    /// mark: an event appended later never takes the seq of a sample event
    /// (the samples' commits are anchored to those seqs).
    ///
    /// Debian builds SQLite with `SECURE_DELETE`, which zeroes every freed
    /// page: 13 s of writes for a week's log. The drop runs with
    /// `secure_delete = FAST` (nothing zeroed that costs a write); the
    /// compaction that follows a migration rewrites the file without the
    /// freed pages anyway.
    private static func dropSampleEvents(_ db: Database) throws {
        let highest = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'events'") ?? 0
        try SQLiteJournal.createEventLog(db, named: "events_kept")
        // Through the index by kind: the incident events alone are read, not every sample event.
        try db.execute(
            sql: """
                INSERT INTO events_kept (seq, time, kind, payload)
                SELECT seq, time, kind, payload FROM events INDEXED BY events_kind WHERE kind < 'samples' OR kind > 'samples' ORDER BY seq
                """)
        let secure = try Int.fetchOne(db, sql: "PRAGMA secure_delete") ?? 1
        try db.execute(sql: "PRAGMA secure_delete = FAST")
        do {
            try db.execute(
                sql: """
                    DROP TABLE events;
                    ALTER TABLE events_kept RENAME TO events;
                    DELETE FROM sqlite_sequence WHERE name = 'events';
                    """)
        } catch {
            try? db.execute(sql: "PRAGMA secure_delete = \(secure)")  // the drop's error is the one to report
            throw error
        }
        try db.execute(sql: "PRAGMA secure_delete = \(secure)")
        try SQLiteJournal.indexEventLog(db)
        try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)", arguments: [highest])
    }

    private static func createPeaks(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE sample_peaks (
                    m INTEGER NOT NULL,
                    series INTEGER NOT NULL,
                    v REAL NOT NULL,
                    PRIMARY KEY (m, series)
                ) WITHOUT ROWID;
                """)
    }

    /// Migration step 3 → 4: the peaks of the points already stored (a
    /// journal migrated from format 1 in this same transaction has them
    /// already), by one `GROUP BY` over every point kept, then the trigger
    /// that keeps them from now on. Points a format 2 or 3 journal had
    /// already averaged give the maxima of their averages.
    static func addPeaks(_ db: Database, progress: ((JournalMigrationProgress) throws -> Void)?) throws {
        guard try present(db) else { return }
        if try !db.tableExists("sample_peaks") {
            try progress?(JournalMigrationProgress(step: "keeping each minute's peaks", done: 0, total: 1))
            try createPeaks(db)
            try db.execute(
                sql: """
                    INSERT INTO sample_peaks (m, series, v)
                    SELECT \(minuteSQL("t")), series, MAX(v) FROM samples WHERE v IS NOT NULL GROUP BY 1, series
                    """)
            try progress?(JournalMigrationProgress(step: "keeping each minute's peaks", done: 1, total: 1))
        }
        // A point replaced at the same millisecond (INSERT OR REPLACE) still
        // counts: it was read. A compaction's mean never raises its minute
        // while its buckets lie within a minute (the default tiers).
        try db.execute(
            sql: """
                CREATE TRIGGER IF NOT EXISTS sample_peaks_keep AFTER INSERT ON samples WHEN NEW.v IS NOT NULL BEGIN
                    INSERT INTO sample_peaks (m, series, v) VALUES (\(minuteSQL("NEW.t")), NEW.series, NEW.v)
                    ON CONFLICT (m, series) DO UPDATE SET v = excluded.v WHERE excluded.v > v;
                END
                """)
    }

    /// Series ids by name, as this connection knows them.
    struct SeriesIDs {
        struct Name: Hashable {
            var source: String
            var key: SeriesKey
        }
        var ids: [Name: Int64] = [:]
    }

    /// Store a batch; it folds after the newest event in the log now (or
    /// after its own `afterSeq`, when migrating).
    static func insert(_ db: Database, _ batch: SampleBatch, ids: inout SeriesIDs) throws {
        var points = try PointWriter(db)
        try insert(db, batch, ids: &ids, points: &points)
    }

    private static func insert(_ db: Database, _ batch: SampleBatch, ids: inout SeriesIDs, points: inout PointWriter) throws {
        for sample in batch.samples {
            let id = try seriesID(db, SeriesIDs.Name(source: batch.source, key: sample.key), ids: &ids)
            try points.write(db, t: batch.milliseconds, series: id, value: sample.value)
        }
        if let after = batch.afterSeq {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO sample_commits (t, after_seq) VALUES (?, ?)")
                .execute(arguments: [batch.milliseconds, after])
        } else {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO sample_commits (t, after_seq) SELECT ?, COALESCE(MAX(seq), 0) FROM events")
                .execute(arguments: [batch.milliseconds])
        }
    }

    /// Where every point a source reads is written (only the compaction's
    /// means are written by SQL of its own): bound through SQLite's C API, with
    /// no argument array per point (GRDB's `StatementArguments` per point was
    /// 15% of a week's migration). NaN is stored as NULL. The migration from
    /// format 1 (`gatheringPeaks`) also gathers each minute's peak here and
    /// writes them by `flush` before its transaction ends; every other write
    /// has the trigger raise them.
    struct PointWriter {
        private struct Minute: Hashable {
            var m: Int64
            var series: Int64
        }
        let statement: Statement
        /// Set only while gathering (the migration from format 1).
        private let peakStatement: Statement?
        private var peaks: [Minute: Double] = [:]

        init(_ db: Database, gatheringPeaks: Bool = false) throws {
            statement = try db.cachedStatement(sql: "INSERT OR REPLACE INTO samples (t, series, v) VALUES (?, ?, ?)")
            peakStatement =
                gatheringPeaks
                ? try db.cachedStatement(
                    sql: """
                        INSERT INTO sample_peaks (m, series, v) VALUES (?, ?, ?)
                        ON CONFLICT (m, series) DO UPDATE SET v = excluded.v WHERE excluded.v > v
                        """) : nil
        }

        var pendingPeaks: Int { peaks.count }

        mutating func write(_ db: Database, t: Int64, series: Int64, value: Double) throws {
            let handle = statement.sqliteStatement
            sqlite3_bind_int64(handle, 1, t)
            sqlite3_bind_int64(handle, 2, series)
            if value.isNaN { sqlite3_bind_null(handle, 3) } else { sqlite3_bind_double(handle, 3, value) }
            try Self.step(db, handle)
            guard peakStatement != nil, !value.isNaN else { return }
            let minute = Minute(m: floorDiv(t, peakMinute), series: series)
            peaks[minute] = max(peaks[minute] ?? value, value)
        }

        /// Write the gathered peaks (each only raises what is stored).
        mutating func flush(_ db: Database) throws {
            guard let handle = peakStatement?.sqliteStatement else { return }
            // In key order: appends to the tree rather than writes all over it.
            for (minute, v) in peaks.sorted(by: { ($0.key.m, $0.key.series) < ($1.key.m, $1.key.series) }) {
                sqlite3_bind_int64(handle, 1, minute.m)
                sqlite3_bind_int64(handle, 2, minute.series)
                sqlite3_bind_double(handle, 3, v)
                try Self.step(db, handle)
            }
            peaks.removeAll(keepingCapacity: true)
        }

        private static func step(_ db: Database, _ handle: SQLiteStatement) throws {
            let rc = sqlite3_step(handle)
            let failure = rc == SQLITE_DONE ? nil : Self.error(db, rc)  // the message before the reset
            sqlite3_reset(handle)
            if let failure { throw failure }
        }

        static func error(_ db: Database, _ rc: Int32) -> DatabaseError {
            DatabaseError(resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }

    private static func seriesID(_ db: Database, _ name: SeriesIDs.Name, ids: inout SeriesIDs) throws -> Int64 {
        if let id = ids.ids[name] { return id }
        let args: StatementArguments = [name.source, name.key.cohort.rawValue, name.key.metric.rawValue]
        try db.execute(sql: "INSERT OR IGNORE INTO series (source, cohort, metric) VALUES (?, ?, ?)", arguments: args)
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM series WHERE source = ? AND cohort = ? AND metric = ?", arguments: args) else {
            throw DatabaseError(resultCode: .SQLITE_ERROR, message: "series \(name.source) \(name.key) was not stored")
        }
        ids.ids[name] = id
        return id
    }

    /// Whether this journal has the samples store (format 2), or keeps its
    /// samples as events (format 1, opened read-only and not migrated).
    static func present(_ db: Database) throws -> Bool {
        try db.tableExists("samples")
    }

    /// The newest point's time, if any.
    static func newest(_ db: Database) throws -> Int64? {
        guard try present(db) else { return nil }
        let raw = try Int64.fetchOne(db, sql: "SELECT MAX(t) FROM samples")
        guard let packed = try SampleChunks.newest(db, unlessBy: raw) else { return raw }
        return max(raw ?? packed, packed)
    }

    /// Sample batches with `t > after` (and `t >= from`), oldest first; the
    /// points of one source at one millisecond are one batch.
    static func batches(_ db: Database, after: Int64?, from: Int64?) throws -> [SampleBatch] {
        guard try present(db) else { return [] }
        let names = try seriesNames(db)
        let low = max(after.map { $0 + 1 } ?? Int64.min, from ?? Int64.min)
        var anchors: [Int64: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT t, after_seq FROM sample_commits WHERE t >= ?", arguments: [low]) {
            anchors[row[0]] = row[1]
        }
        var out: [SampleBatch] = []
        var group = BatchGroup()
        var points = try MergedPoints(db, from: low, descending: false)
        while let p = try points.next() {
            if p.t != group.t {
                group.flush(into: &out, anchor: group.t.flatMap { anchors[$0] })
                group.t = p.t
            }
            group.add(names[p.series], p.value)
        }
        group.flush(into: &out, anchor: group.t.flatMap { anchors[$0] })
        return out
    }

    /// The batches with `t >= low`, newest first (each batch's samples in the
    /// order `batches` gives them: the reverse of its order exactly), handed
    /// to `visit` until it returns false. The points are read newest first,
    /// so a reader that needs only the newest few stops early.
    static func batchesNewestFirst(_ db: Database, from low: Int64, _ visit: (SampleBatch) throws -> Bool) throws {
        guard try present(db) else { return }
        let names = try seriesNames(db)
        let anchor = try db.cachedStatement(sql: "SELECT after_seq FROM sample_commits WHERE t = ?")
        var group = BatchGroup()
        var batches: [SampleBatch] = []
        func hand() throws -> Bool {
            batches.removeAll(keepingCapacity: true)
            group.flush(into: &batches, anchor: try Int64.fetchOne(anchor, arguments: [group.t]))
            for b in batches.reversed() where try !visit(b) { return false }
            return true
        }
        var points = try MergedPoints(db, from: low, descending: true)
        var pending: [(name: SeriesIDs.Name?, value: Double)] = []
        while let p = try points.next() {
            if p.t != group.t {
                // A millisecond's points came in descending series order: add them ascending.
                for p in pending.reversed() { group.add(p.name, p.value) }
                pending.removeAll(keepingCapacity: true)
                if group.t != nil, try !hand() { return }
                group.t = p.t
            }
            pending.append((names[p.series], p.value))
        }
        for p in pending.reversed() { group.add(p.name, p.value) }
        _ = try hand()
    }

    /// The points of one millisecond, gathered into one batch per source
    /// (in the order each source first appears), as `batches` returns them.
    private struct BatchGroup {
        var t: Int64?
        private var order: [String] = []
        private var samples: [String: [Sample]] = [:]

        mutating func add(_ name: SeriesIDs.Name?, _ value: Double) {
            guard let name else { return }  // a series row this build cannot read
            if samples[name.source] == nil { order.append(name.source) }
            samples[name.source, default: []].append(Sample(name.key, value))
        }

        mutating func flush(into out: inout [SampleBatch], anchor: Int64?) {
            if let t {
                for source in order { out.append(SampleBatch(milliseconds: t, source: source, samples: samples[source] ?? [], afterSeq: anchor)) }
            }
            order.removeAll(keepingCapacity: true)
            samples.removeAll(keepingCapacity: true)
        }
    }

    /// Every series' source and key by id (rows whose cohort or metric this build does not know are left out).
    private static func seriesNames(_ db: Database) throws -> [Int64: SeriesIDs.Name] {
        var names: [Int64: SeriesIDs.Name] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, source, cohort, metric FROM series") {
            guard let cohort = Cohort(rawValue: row["cohort"]), let metric = MetricKind(rawValue: row["metric"]) else { continue }
            names[row["id"]] = SeriesIDs.Name(source: row["source"], key: SeriesKey(cohort, metric))
        }
        return names
    }

    /// The series keys stored, over every source.
    static func keys(_ db: Database) throws -> Set<SeriesKey> {
        guard try present(db) else { return [] }
        return Set(try seriesNames(db).values.map(\.key))
    }

    /// The oldest time of a batch with `t >= low` committed after event `seq` or later.
    static func firstCommitted(_ db: Database, from low: Int64, afterSeq seq: Int64) throws -> Int64? {
        guard try present(db) else { return nil }
        return try Int64.fetchOne(db, sql: "SELECT MIN(t) FROM sample_commits WHERE t >= ? AND after_seq >= ?", arguments: [low, seq])
    }

    /// The largest value of each (cohort, metric) over every source's points
    /// with `low <= t <= high` (ms), NaN (stored as NULL) left out. The whole
    /// minutes inside the window come from `sample_peaks` (a row per series a
    /// minute); the partial minutes at its two ends, and a journal of format 3
    /// or older read as it is, scan their points inside SQLite. Those points
    /// may be the compaction's averages when they are older than an hour; the
    /// whole minutes are always the maxima as written.
    static func peaks(_ db: Database, low: Int64, high: Int64) throws -> [SeriesKey: Double] {
        guard try present(db), low <= high else { return [:] }
        // Grouped by series id alone (a join per point costs three times as
        // much), then merged by (cohort, metric) over the sources here.
        let keys = try seriesNames(db).mapValues(\.key)
        var out: [SeriesKey: Double] = [:]
        func merge(_ sql: String, _ arguments: StatementArguments) throws {
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                guard let key = keys[row[0]], let v = row[1] as Double? else { continue }  // MAX ignores NULL (NaN); all NULL gives NULL
                out[key] = max(out[key] ?? v, v)
            }
        }
        // The points themselves, in both stores.
        func scan(_ from: Int64, _ to: Int64) throws {
            try merge("SELECT series, MAX(v) FROM samples WHERE t >= ? AND t <= ? GROUP BY series", [from, to])
            var packed = try ChunkPoints(db, from: from, through: to, descending: false)
            while let p = try packed.next() {
                guard let key = keys[p.series], !p.value.isNaN else { continue }
                out[key] = max(out[key] ?? p.value, p.value)
            }
        }
        // Whole minutes [first, end): first starts at or after low, end - 1 finishes by high.
        let first = -floorDiv(-low, peakMinute)
        let end = floorDiv(high + 1, peakMinute)
        if try db.tableExists("sample_peaks"), first < end {
            try merge("SELECT series, MAX(v) FROM sample_peaks WHERE m >= ? AND m < ? GROUP BY series", [first, end])
            if low < first * peakMinute { try scan(low, first * peakMinute - 1) }
            if end * peakMinute <= high { try scan(end * peakMinute, high) }
        } else {
            try scan(low, high)
        }
        return out
    }

    /// The window's bounds as the store's milliseconds: the points whose
    /// times (`t / 1000` seconds) fall within it.
    static func bounds(_ window: ClosedRange<Date>) -> (low: Int64, high: Int64) {
        var low = SampleBatch.milliseconds(window.lowerBound)
        if Date(timeIntervalSince1970: Double(low) / 1000) < window.lowerBound { low += 1 }
        return (low, SampleBatch.milliseconds(window.upperBound))
    }

    /// Points stored now (for tests and benchmarks).
    static func pointCount(_ db: Database) throws -> Int {
        guard try present(db) else { return 0 }
        return (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM samples") ?? 0) + (try SampleChunks.pointCount(db))
    }

    /// Downsample and expire points by their age at `now`: points older than
    /// `retention.full` become one point per bucket of the first tier (the
    /// bucket's mean, at its start), older than its `until` one per bucket of
    /// the next, and so on; points older than the last `until` are deleted.
    /// A tier's buckets are packed into `sample_chunks`; the points it takes
    /// are those at full resolution (`samples`) and the buckets of the tiers
    /// before it. Each tier remembers how far it got, so a run only touches
    /// what aged since the last one.
    static func compact(_ db: Database, now: Date, retention: SampleRetention, budget: Int = 500_000) throws -> SampleCompaction {
        guard try present(db) else { return SampleCompaction(before: 0, after: 0) }
        // Only a writer compacts, and a writer has migrated to format 5 on opening.
        guard try SampleChunks.present(db) else { return SampleCompaction(before: 0, after: 0) }
        let nowMS = SampleBatch.milliseconds(now)
        // Expire first: nothing is downsampled only to be deleted.
        // Down to a whole minute, so a minute's peak and its points go together.
        let expiry = floorDiv(nowMS - Int64((retention.keep * 1000).rounded()), peakMinute) * peakMinute
        try db.execute(sql: "DELETE FROM samples WHERE t < ?", arguments: [expiry])
        var removed = db.changesCount
        removed += try SampleChunks.expire(before: expiry, db)
        try db.execute(sql: "DELETE FROM sample_commits WHERE t < ?", arguments: [expiry])
        if try db.tableExists("sample_peaks") {
            try db.execute(sql: "DELETE FROM sample_peaks WHERE m < ?", arguments: [expiry / peakMinute])
        }
        var added = 0
        var left = budget  // points one run may rewrite: a long backlog (a migrated journal) is worked off over several runs
        var startAge = retention.full
        for (i, tier) in retention.tiers.enumerated() {
            let width = max(1, Int64((tier.every * 1000).rounded()))
            let boundary = floorDiv(nowMS - Int64((startAge * 1000).rounded()), width) * width
            startAge = tier.until
            var low = try Int64.fetchOne(db, sql: "SELECT before FROM samples_compacted WHERE tier = ?", arguments: [i]) ?? Int64.min
            while low < boundary, left > 0 {
                // Skip to the first point not yet in this tier's buckets; an hour at a time.
                let firstRaw = try Int64.fetchOne(db, sql: "SELECT MIN(t) FROM samples WHERE t >= ? AND t < ?", arguments: [low, boundary])
                let firstPacked = try SampleChunks.first(db, narrowerThan: width, from: low, before: boundary)
                guard let first = [firstRaw, firstPacked].compactMap({ $0 }).min() else {
                    low = boundary
                    break
                }
                let from = floorDiv(first, width) * width
                let to = min(boundary, from + max(width, 3_600_000 / width * width))
                let taken = try SampleChunks.take(db, narrowerThan: width, from: from, before: to)
                var sums: [BucketKey: (sum: Double, values: Int)] = [:]
                for row in try Row.fetchAll(
                    db,
                    // Buckets round down (`floorDiv`), before 1970 too, as the chunks' points below do.
                    sql: "SELECT series, (t / ?1 - (t % ?1 < 0)) * ?1, total(v), count(v) FROM samples WHERE t >= ?2 AND t < ?3 GROUP BY series, 2",
                    arguments: [width, from, to])
                {
                    sums[BucketKey(series: row[0], t: row[1])] = (row[2], row[3])
                }
                for p in taken {
                    let key = BucketKey(series: p.series, t: floorDiv(p.t, width) * width)
                    var bucket = sums[key] ?? (0, 0)
                    if !p.value.isNaN {
                        bucket.sum += p.value
                        bucket.values += 1
                    }
                    sums[key] = bucket
                }
                // A bucket whose points all had no value keeps one with none (NaN), as `avg` gives.
                let means = sums.map { key, b in StoredPoint(t: key.t, series: key.series, value: b.values > 0 ? b.sum / Double(b.values) : .nan) }
                try db.execute(sql: "DELETE FROM samples WHERE t >= ? AND t < ?", arguments: [from, to])
                let consumed = db.changesCount + taken.count
                removed += consumed
                left -= consumed
                added += try SampleChunks.put(db, width: width, means)
                // A bucket folds by its time: the commits it merged are gone.
                try db.execute(sql: "DELETE FROM sample_commits WHERE t >= ? AND t < ?", arguments: [from, to])
                low = to
            }
            if low > Int64.min {
                try db.execute(sql: "INSERT OR REPLACE INTO samples_compacted (tier, before) VALUES (?, ?)", arguments: [i, min(low, boundary)])
            }
        }
        return SampleCompaction(before: removed, after: added)
    }

    private struct BucketKey: Hashable {
        var series: Int64
        var t: Int64
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}

/// What one compaction did: points it removed, and bucket points it wrote in their place.
public struct SampleCompaction: Sendable, Equatable {
    public var before: Int
    public var after: Int
}

/// How far a journal's one-time migration has got, for a progress bar.
public struct JournalMigrationProgress: Sendable, Equatable {
    public var step: String
    public var done: Int
    public var total: Int
    public var fraction: Double { total == 0 ? 1 : Double(done) / Double(total) }
}
