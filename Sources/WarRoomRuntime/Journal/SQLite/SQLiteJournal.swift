public import Foundation
import GRDB
import Synchronization
public import WarRoomCore

#if canImport(Glibc)
    import Glibc
#endif

/// The append-only event log in one SQLite file (WAL), written by the
/// commander's war room, `note` and `ack`. Several processes may open one
/// journal at once; followers that only read open a `SQLiteJournalReader`.
public final class SQLiteJournal: JournalWriter {
    /// The on-disk format this build writes. Older formats are migrated;
    /// newer ones are refused, never touched.
    ///
    /// - 1: the event log (`events`), samples as events.
    /// - 2: samples in their own store (`SampleStore`), out of the event log.
    /// - 3: checkpoints (`checkpoints`): the folded state after event `seq`, a cache.
    /// - 4: each minute's peak of each series (`sample_peaks`), kept by a trigger.
    /// - 5: the downsampled tiers packed, 60 buckets of a series a row (`SampleChunks`).
    public static let formatVersion = 5
    /// The oldest format this build reads (readers never migrate; writers do).
    public static let oldestReadable = 1

    public let path: String
    public var location: String { path }
    private let pool: DatabasePool
    /// Series ids the writer connection knows (committed ones only).
    private let seriesIDs = Mutex(SampleStore.SeriesIDs())
    /// Writes in progress through this object, and the journal's file stamps
    /// as its last write left them: a change the kernel reports while it
    /// writes, or that leaves the files exactly so, is this process's own
    /// (`isOwnChange()`); another process's commit changes the stamps.
    private let ownWrites = Mutex((active: 0, left: SQLiteFileStamp?.none))

    /// Open (creating if needed: its folder 0700, the file 0600) the journal at `path`.
    /// A journal of an older format is migrated first, in one transaction;
    /// `migrationProgress` hears how far it has got, and `now` stamps the
    /// checkpoint a migration writes.
    public init(path: String, migrationProgress: ((JournalMigrationProgress) throws -> Void)? = nil, now: () -> Date = Date.init) throws {
        self.path = path
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty {
                do { try PrivateDirectory.create(dir) } catch {
                    throw JournalError(path: path, reason: "cannot create its folder: \(error)")
                }
            }
            let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            if fd < 0 && errno != EEXIST {
                throw JournalError(path: path, reason: "cannot create: \(String(cString: strerror(errno)))")
            }
            if fd >= 0 { close(fd) }
        }
        guard fm.isReadableFile(atPath: path) else {
            throw JournalError(path: path, reason: "not readable by this user")
        }
        try Self.refuseNewer(path: path)
        var config = Configuration()
        config.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // GRDB's DatabasePool sets `synchronous = NORMAL` on its writer
            // connection when it turns WAL on (Database.setUpWALMode, after any
            // prepareDatabase hook), which syncs the log only at checkpoints.
            // The writer is one connection for the pool's life: set FULL on it
            // now, after GRDB, and read it back rather than trust it.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                let level = try Int.fetchOne(db, sql: "PRAGMA synchronous")
                guard level == 2 else {
                    throw JournalError(
                        path: path,
                        reason:
                            "SQLite kept synchronous = \(level.map(String.init) ?? "?") (FULL is 2); refusing to write without an fsync per commit")
                }
            }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
        try migrate(progress: migrationProgress, now: now)
    }

    /// `PRAGMA synchronous` as the writer connection has it (2 is FULL).
    func writerSynchronous() throws -> Int {
        try writerPragma("synchronous")
    }

    /// A setting of the writer's connection, read back (for tests).
    func writerPragma(_ name: String) throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA \(name)") ?? -1 }
    }

    /// Look at an existing file read-only first, so a journal from a newer
    /// warroom is never opened for writing at all.
    private static func refuseNewer(path: String) throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size > 0 else { return }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        let version: Int
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            version = try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
            try queue.close()
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
        if version > formatVersion {
            throw JournalError(
                path: path, reason: "written by a newer warroom (format \(version), this build reads up to \(formatVersion)); refusing to touch it")
        }
    }

    /// The steps from each format to the next, in order; each runs in the
    /// one transaction that also sets the new `user_version`.
    private static let migrations: [(to: Int, step: @Sendable (Database, String, ((JournalMigrationProgress) throws -> Void)?) throws -> Void)] = [
        (1, { db, _, _ in try createEventLog(db) }),
        (2, { db, path, progress in try SampleStore.migrateFrom1(db, path: path, progress: progress) }),
        (3, { db, _, _ in try createCheckpoints(db) }),
        (4, { db, _, progress in try SampleStore.addPeaks(db, progress: progress) }),
        (5, { db, _, _ in try SampleChunks.create(db) }),
    ]

    /// Format 3, checkpoints: the folded state after event `seq`, so readers
    /// fold only the events after the newest one. A cache: dropping the table
    /// loses nothing recorded.
    private static func createCheckpoints(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS checkpoints (
                    seq INTEGER PRIMARY KEY,
                    version INTEGER NOT NULL,
                    time REAL NOT NULL,
                    payload BLOB NOT NULL
                );
                """)
    }

    /// Format 1: the event log (`named` otherwise only while the migration
    /// to format 2 copies it), and its index by kind.
    static func createEventLog(_ db: Database, named table: String = "events") throws {
        try db.execute(
            sql: """
                CREATE TABLE \(table) (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    time REAL NOT NULL,
                    kind TEXT NOT NULL,
                    payload TEXT NOT NULL
                );
                """)
        if table == "events" { try indexEventLog(db) }
    }

    static func indexEventLog(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX events_kind ON events(kind)")
    }

    private func migrate(progress: ((JournalMigrationProgress) throws -> Void)?, now: () -> Date) throws {
        do {
            let movedSamples = try pool.write { db in
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                let hasEvents = try db.tableExists("events")
                if version > Self.formatVersion {
                    throw JournalError(
                        path: path,
                        reason: "written by a newer warroom (format \(version), this build reads up to \(Self.formatVersion)); refusing to touch it")
                }
                if version == 0 {
                    if hasEvents {
                        throw JournalError(path: path, reason: "has an events table but no warroom format version; not a warroom journal")
                    }
                    let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                    if !tables.isEmpty {
                        throw JournalError(
                            path: path, reason: "is an SQLite database that is not a warroom journal (tables: \(tables.joined(separator: ", ")))")
                    }
                }
                // All steps in this one transaction: a failure (or a kill) leaves the journal as it was.
                var last: JournalMigrationProgress?
                let told: ((JournalMigrationProgress) throws -> Void)? = progress.map { tell in
                    {
                        last = $0
                        try tell($0)
                    }
                }
                for (to, step) in Self.migrations where to > version {
                    try step(db, path, told)
                }
                if version < Self.formatVersion {
                    try db.execute(sql: "PRAGMA user_version = \(Self.formatVersion)")
                }
                // Said once more just before the commit, so that a stop asked for
                // during the last steps still rolls it all back.
                if let last { try progress?(last) }
                return version >= 1 && version < 2  // the samples left the event log
            }
            if movedSamples {
                compactAfterMigration(progress: progress)
                checkpointAfterMigration(progress: progress, now: now)
            }
        } catch let error as JournalError {
            throw error
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    /// Moving the samples out frees most of an old journal's pages, which
    /// SQLite keeps in the file until a `VACUUM`. Right after that migration,
    /// when over half the file is free, rewrite it once (SQLite's own
    /// crash-safe copy; readers keep their snapshot) and truncate the log.
    /// Best effort: the migration is committed already, so a stop asked for
    /// now, a full disk or a busy reader only leave the file large (it is
    /// never retried on a later open). Its progress has no steps: 0 of 1,
    /// then 1 of 1.
    private func compactAfterMigration(progress: ((JournalMigrationProgress) throws -> Void)?) {
        do {
            let (free, total) = try pool.read { db in
                (try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0, try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0)
            }
            guard free > 1024, free * 2 > total else { return }
            try progress?(JournalMigrationProgress(step: "compacting the file", done: 0, total: 1))
            try owned {
                try pool.writeWithoutTransaction { db in
                    try db.execute(sql: "VACUUM")
                    // In WAL mode the rewritten pages are in the log: copy them back and truncate, so the file shrinks now.
                    _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                }
            }
            try progress?(JournalMigrationProgress(step: "compacting the file", done: 1, total: 1))
        } catch {
            // Stopped, or cannot: the journal is migrated and whole, only not compacted.
        }
    }

    /// A journal of format 1 has no checkpoints: until a commander writes
    /// one, every reader would fold it from the first event, with the whole
    /// last hour of samples in place. Right after the migration, fold it once
    /// and write the checkpoint every reader then starts from. Best effort,
    /// like the compaction: a failure leaves the migrated journal as it is
    /// (readers fold from the first event, and the commander writes one).
    /// Its progress has no steps: 0 of 1, then 1 of 1.
    private func checkpointAfterMigration(progress: ((JournalMigrationProgress) throws -> Void)?, now: () -> Date) {
        do {
            guard try newestCheckpoint().seq == nil else { return }
            try progress?(JournalMigrationProgress(step: "writing a checkpoint", done: 0, total: 1))
            let state = try JournalLoader.load(self).state
            guard state.lastSeq > 0 else { return }
            try writeCheckpoint(
                StoredCheckpoint(
                    seq: state.lastSeq, version: WarRoomState.checkpointVersion, time: now(),
                    payload: try state.checkpointPayload()), keep: CheckpointPolicy.standard.keep)
            try progress?(JournalMigrationProgress(step: "writing a checkpoint", done: 1, total: 1))
        } catch {
            // Stopped, or cannot: the journal is migrated and whole, only without a checkpoint yet.
        }
    }

    /// Append events durably, in order, in one transaction; returns them as recorded.
    /// The commit (and so its fsync) happens before this returns.
    @discardableResult
    public func append(_ events: [(time: Date, event: Event)]) throws -> [Recorded] {
        guard !events.isEmpty else { return [] }
        return try write { tx in try events.map { try tx.append($0.event, at: $0.time) } }
    }

    /// Everything `body` appends (events and sample batches) in one
    /// transaction: one commit, one fsync, before this returns.
    public func write<T>(_ body: (any JournalTransaction) throws -> T) throws -> T {
        try owned {
            try writeTransaction(body)
        }
    }

    /// Whether the journal's files are as this object's own writing has them:
    /// it is writing now, or its last write left exactly these stamps (size,
    /// modification time, inode of the database and its log). A commit by
    /// another process after it changes them, so it is never taken for ours.
    public func isOwnChange() -> Bool {
        let (active, left) = ownWrites.withLock { ($0.active, $0.left) }
        return active > 0 || (left != nil && SQLiteFileStamp(path: path) == left)
    }

    private func owned<T>(_ body: () throws -> T) rethrows -> T {
        ownWrites.withLock { $0.active += 1 }
        defer {
            let stamp = SQLiteFileStamp(path: path)
            ownWrites.withLock {
                $0.active -= 1
                $0.left = stamp
            }
        }
        return try body()
    }

    private func writeTransaction<T>(_ body: (any JournalTransaction) throws -> T) throws -> T {
        do {
            let known = seriesIDs.withLock { $0 }
            let (result, ids) = try pool.write { db in
                let tx = SQLiteJournalTransaction(db: db, path: path, ids: known)
                let result = try body(tx)
                return (result, tx.ids)
            }
            seriesIDs.withLock { $0 = ids }  // only ids that were committed
            return result
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    /// Downsample and expire samples by their age at `now` (see `SampleStore.compact`), in one transaction.
    @discardableResult
    public func compactSamples(now: Date, retention: SampleRetention) throws -> SampleCompaction {
        do {
            return try owned { try pool.write { db in try SampleStore.compact(db, now: now, retention: retention) } }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    public func changes(afterSeq: Int64, samplesAfter: Int64?, recent: TimeInterval?) throws -> JournalChanges {
        do {
            return try pool.read { db in try SQLiteJournalRows.changes(db, afterSeq: afterSeq, samplesAfter: samplesAfter, recent: recent, path: path)
            }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    public func recentBatches(within history: TimeInterval, committedFrom seq: Int64, _ visit: (RecentSpan, SampleBatch) throws -> Bool) throws {
        do {
            try pool.read { db in try SQLiteJournalRows.recentBatches(db, within: history, committedFrom: seq, visit) }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    /// How many sample points the store holds.
    public func samplePointCount() throws -> Int {
        try pool.read { db in try SampleStore.pointCount(db) }
    }

    /// How many sample points and minutes' peaks the store holds (benchmarks).
    public func sampleRowCounts() throws -> (points: Int, peaks: Int) {
        try pool.read { db in
            (try SampleStore.pointCount(db), try db.tableExists("sample_peaks") ? Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sample_peaks") ?? 0 : 0)
        }
    }

    /// Copy the log into the database and truncate it (`wal_checkpoint(TRUNCATE)`),
    /// so the file's size is the journal's (benchmarks).
    public func checkpointLog() throws {
        try owned { try pool.writeWithoutTransaction { db in _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") } }
    }

    public func events(after: Int64, limit: Int?) throws -> [Recorded] {
        do {
            return try pool.read { db in try SQLiteJournalRows.events(db, after: after, limit: limit, path: path) }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    public func lastSeq() throws -> Int64 {
        do {
            return try pool.read { db in try SQLiteJournalRows.lastSeq(db) }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    public func samplePeaks(within window: ClosedRange<Date>) throws -> [SeriesKey: Double] {
        let (low, high) = SampleStore.bounds(window)
        do {
            return try pool.read { db in try SampleStore.peaks(db, low: low, high: high) }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    public func events(after: Int64, samplesWithin: ClosedRange<Date>?) throws -> [Recorded] {
        do {
            return try pool.read { db in try SQLiteJournalRows.events(db, after: after, samplesWithin: samplesWithin, path: path) }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    public func checkpoints(version: Int, limit: Int) throws -> [StoredCheckpoint] {
        do {
            return try pool.read { db in try SQLiteJournalRows.checkpoints(db, version: version, limit: limit) }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    public func writeCheckpoint(_ checkpoint: StoredCheckpoint, keep: Int) throws {
        do {
            try owned {
                try pool.write { db in
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO checkpoints (seq, version, time, payload) VALUES (?, ?, ?, ?)",
                        arguments: [checkpoint.seq, checkpoint.version, checkpoint.time.timeIntervalSince1970, checkpoint.payload])
                    try db.execute(
                        sql: "DELETE FROM checkpoints WHERE seq NOT IN (SELECT seq FROM checkpoints ORDER BY seq DESC LIMIT ?)",
                        arguments: [max(1, keep)])
                }
            }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    /// Every checkpoint stored, newest first, whatever its version (for tests and inspection).
    public func allCheckpoints() throws -> [StoredCheckpoint] {
        try checkpoints(version: nil)
    }

    func checkpoints(version: Int?) throws -> [StoredCheckpoint] {
        try pool.read { db in try SQLiteJournalRows.checkpoints(db, version: version, limit: -1) }
    }

    public func fileStamp() -> SQLiteFileStamp { SQLiteFileStamp(path: path) }

    public func makeWatch(maximumGap: Duration) -> any JournalWatching { SQLiteJournalWatch(path: path, maximumGap: maximumGap) }

    /// Its own commits are skipped: they wake nothing (see `isOwnChange()`).
    public func makeWakeup() -> any JournalWakeup {
        SQLiteJournalWakeup(path: path, isOwn: { [self] in isOwnChange() })
    }

    /// Where a journal goes when none is named: `$XDG_STATE_HOME/warroom/`.
    public static func defaultDirectory() -> String {
        let env = ProcessInfo.processInfo.environment
        if let state = env["XDG_STATE_HOME"], !state.isEmpty { return state + "/warroom" }
        let home = env["HOME"] ?? NSHomeDirectory()
        return home + "/.local/state/warroom"
    }
}

/// What both SQLite sides share: the row format and the wording of errors.
enum SQLiteJournalRows {
    static func events(_ db: Database, after: Int64, limit: Int?, path: String) throws -> [Recorded] {
        // Cached: every commit asks (for what other processes appended), and so does each catch-up.
        try decode(
            Row.fetchAll(
                db.cachedStatement(sql: "SELECT seq, time, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?"),
                arguments: [after, limit ?? -1]), path: path)
    }

    static func decode(_ rows: [Row], path: String) throws -> [Recorded] {
        try rows.map { row in
            let seq: Int64 = row["seq"]
            let payload: String = row["payload"]
            do {
                let event = try JournalJSON.decoder.decode(Event.self, from: Data(payload.utf8))
                return Recorded(seq: seq, time: Date(timeIntervalSince1970: row["time"]), event: event)
            } catch {
                throw JournalError(path: path, reason: "event \(seq) cannot be read: \(error)")
            }
        }
    }

    /// The span of `history` seconds before the newest batch, newest first (`JournalReader.recentBatches`).
    static func recentBatches(
        _ db: Database, within history: TimeInterval, committedFrom seq: Int64, _ visit: (RecentSpan, SampleBatch) throws -> Bool
    ) throws {
        guard let newest = try SampleStore.newest(db) else { return }
        let low = newest - Int64((history * 1000).rounded())
        let span = RecentSpan(keys: try SampleStore.keys(db), firstCommitted: try SampleStore.firstCommitted(db, from: low, afterSeq: seq))
        try SampleStore.batchesNewestFirst(db, from: low) { try visit(span, $0) }
    }

    /// Events after `afterSeq` and sample batches after `samplesAfter` (ms),
    /// read in one transaction so they agree; with `recent`, only batches
    /// within `recent` seconds of the newest.
    static func changes(_ db: Database, afterSeq: Int64, samplesAfter: Int64?, recent: TimeInterval?, path: String) throws -> JournalChanges {
        let events = try Self.events(db, after: afterSeq, limit: nil, path: path)
        var from: Int64?
        if let recent, let newest = try SampleStore.newest(db) { from = newest - Int64((recent * 1000).rounded()) }
        let batches = try SampleStore.batches(db, after: samplesAfter, from: from)
        return JournalChanges(events: events, batches: batches)
    }

    static func events(_ db: Database, after: Int64, samplesWithin: ClosedRange<Date>?, path: String) throws -> [Recorded] {
        guard let window = samplesWithin else {
            return try decode(
                Row.fetchAll(
                    db, sql: "SELECT seq, time, payload FROM events WHERE seq > ? AND kind != 'samples' ORDER BY seq",
                    arguments: [after]), path: path)
        }
        // Stored times are unix seconds; a second either side, then the exact
        // test in Swift, so a rounding in the conversion never drops a sample.
        let low = window.lowerBound.timeIntervalSince1970 - 1
        let high = window.upperBound.timeIntervalSince1970 + 1
        return try decode(
            Row.fetchAll(
                db, sql: "SELECT seq, time, payload FROM events WHERE seq > ? AND (kind != 'samples' OR (time >= ? AND time <= ?)) ORDER BY seq",
                arguments: [after, low, high]), path: path
        ).filter { r in
            if case .samples = r.event { return window.contains(r.time) }
            return true
        }
    }

    static func checkpoints(_ db: Database, version: Int?, limit: Int) throws -> [StoredCheckpoint] {
        guard try db.tableExists("checkpoints") else { return [] }  // format 1, read without migrating
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT seq, version, time, payload FROM checkpoints
                WHERE (?1 IS NULL OR version = ?1) AND seq <= (SELECT IFNULL(MAX(seq), 0) FROM events)
                ORDER BY seq DESC LIMIT ?2
                """,
            arguments: [version, limit])
        return rows.map { row in
            StoredCheckpoint(seq: row["seq"], version: row["version"], time: Date(timeIntervalSince1970: row["time"]), payload: row["payload"])
        }
    }

    static func lastSeq(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM events") ?? 0
    }

    static func explain(_ error: DatabaseError) -> String {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: "locked by another process for too long (\(error.message ?? "busy"))"
        case .SQLITE_FULL: "the disk is full; nothing already recorded is lost"
        case .SQLITE_READONLY: "read-only: \(error.message ?? "cannot write")"
        case .SQLITE_NOTADB: "not an SQLite database"
        case .SQLITE_CORRUPT: "damaged: \(error.message ?? "corrupt")"
        case .SQLITE_CANTOPEN: "cannot be opened: \(error.message ?? "")"
        case .SQLITE_PERM, .SQLITE_AUTH: "permission denied"
        default: error.message ?? "\(error)"
        }
    }
}

/// One write transaction of an SQLite journal.
final class SQLiteJournalTransaction: JournalTransaction {
    let db: Database
    let path: String
    var ids: SampleStore.SeriesIDs

    init(db: Database, path: String, ids: SampleStore.SeriesIDs) {
        self.db = db
        self.path = path
        self.ids = ids
    }

    func append(_ given: Event, at time: Date) throws -> Recorded {
        if case .samples(let source, let samples) = given {
            // Never into the event log: samples have their own store.
            throw JournalError(path: path, reason: "samples from \(source) (\(samples.count)) belong in the samples store, not the event log")
        }
        let event = given.inert  // text from outside is stored harmless (InertText)
        let payload = String(decoding: try JournalJSON.encoder.encode(event), as: UTF8.self)
        let stored = time.timeIntervalSince1970
        try db.execute(sql: "INSERT INTO events (time, kind, payload) VALUES (?, ?, ?)", arguments: [stored, event.kind, payload])
        // The time as any reader will decode it, so live state and replay agree to the bit.
        return Recorded(seq: db.lastInsertedRowID, time: Date(timeIntervalSince1970: stored), event: event)
    }

    func append(_ batch: SampleBatch) throws {
        try SampleStore.insert(db, batch, ids: &ids)
    }

    func events(after: Int64) throws -> [Recorded] {
        try SQLiteJournalRows.events(db, after: after, limit: nil, path: path)
    }
}

extension SQLiteJournal {
    /// Write a journal of format 1, as warroom wrote them before the samples
    /// store (samples as events), through the same schema and row encoding:
    /// for the migration's tests and benchmark only. `path` must not exist.
    public static func writeFormat1(path: String, events: [(time: Date, event: Event)]) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw JournalError(path: path, reason: "already exists; a format 1 journal is only written fresh")
        }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? PrivateDirectory.create(dir) }
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        try queue.write { db in
            try createEventLog(db)
            try db.execute(sql: "PRAGMA user_version = 1")
            let statement = try db.makeStatement(sql: "INSERT INTO events (time, kind, payload) VALUES (?, ?, ?)")
            for (time, event) in events {
                let payload = String(decoding: try JournalJSON.encoder.encode(event.inert), as: UTF8.self)
                try statement.execute(arguments: [time.timeIntervalSince1970, event.kind, payload])
            }
        }
        try queue.close()
        _ = chmod(path, 0o600)
    }

    /// Fold the log into the database file (tests measure the file's bytes).
    public func checkpoint() throws {
        try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }
}
