public import Foundation
import GRDB
import Synchronization
public import WarRoomCore

#if canImport(Glibc)
    import Glibc
#endif

/// A journal opened only to read: the wallboard, `status`, `export`,
/// `replay` and `screenshot` hold one. It has no append; SQLite itself opens
/// the file read-only, so it never changes a byte of the journal.
///
/// Anyone who can read a journal can follow it, even when they cannot write
/// the file or its folder (an archived copy, another user's war room):
/// - file and folder writable: a read-only connection sharing the log's index
///   with the writers (`-shm`), as usual in WAL mode;
/// - not writable, a write-ahead log present: `mode=ro` on the existing
///   log and index (SQLite reads them without writing);
/// - not writable, no log: `immutable=1` (nothing can be in a log that is not
///   there). If a log appears later (a commander started), the reader opens
///   again in the mode above before reading.
public final class SQLiteJournalReader: JournalReader {
    public enum Mode: Sendable, Equatable {
        case shared, readOnlyLog, immutable
    }

    public let path: String
    public var location: String { path }
    private let connection: Mutex<(queue: DatabaseQueue, mode: Mode)>

    public init(path: String) throws {
        self.path = path
        connection = Mutex(try Self.open(path))
    }

    /// How the file is open now.
    public var mode: Mode { connection.withLock { $0.mode } }

    private static func open(_ path: String) throws -> (queue: DatabaseQueue, mode: Mode) {
        let fm = FileManager.default
        guard fm.fileExists(atPath: path) else { throw JournalError(path: path, reason: "no journal at this path") }
        guard fm.isReadableFile(atPath: path) else { throw JournalError(path: path, reason: "not readable by this user") }
        let mode = Self.mode(for: path)
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        let target = mode == .immutable ? Self.uri(path, query: "immutable=1") : path
        do {
            let queue = try DatabaseQueue(path: target, configuration: config)
            let version = try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
            if !(SQLiteJournal.oldestReadable ... SQLiteJournal.formatVersion).contains(version) {
                throw JournalError(
                    path: path,
                    reason: "format \(version) is not one this build reads (\(SQLiteJournal.oldestReadable) to \(SQLiteJournal.formatVersion))")
            }
            return (queue, mode)
        } catch let error as DatabaseError {
            var reason = SQLiteJournalRows.explain(error)
            if mode == .readOnlyLog {
                reason +=
                    " (this user cannot write the journal or its folder, and its write-ahead log \(path)-wal or index \(path)-shm cannot be read)"
            }
            throw JournalError(path: path, reason: reason)
        }
    }

    static func mode(for path: String) -> Mode {
        let dir = (path as NSString).deletingLastPathComponent
        let writable = access(path, W_OK) == 0 && access(dir.isEmpty ? "." : dir, W_OK) == 0
        if writable { return .shared }
        return Self.hasLog(path) ? .readOnlyLog : .immutable
    }

    private static func hasLog(_ path: String) -> Bool {
        var st = stat()
        return stat(path + "-wal", &st) == 0 && st.st_size > 0
    }

    /// An SQLite URI for a file path (`?`, `#` and `%` escaped).
    static func uri(_ path: String, query: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var escaped = ""
        for byte in absolute.utf8 {
            switch byte {
            case UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: "%"), 0 ..< 0x21, 0x7F...:
                escaped += String(format: "%%%02X", byte)
            default:
                escaped.unicodeScalars.append(UnicodeScalar(byte))
            }
        }
        return "file:" + escaped + "?" + query
    }

    /// The connection to read with, opened again when an immutable open no
    /// longer fits (a write-ahead log appeared beside the file).
    private func current() throws -> DatabaseQueue {
        try connection.withLock { c in
            if c.mode == .immutable, Self.mode(for: path) != .immutable {
                c = try Self.open(path)
            }
            return c.queue
        }
    }

    public func events(after: Int64, limit: Int?) throws -> [Recorded] {
        do {
            return try current().read { db in try SQLiteJournalRows.events(db, after: after, limit: limit, path: path) }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    /// Free pages and all pages of the file (`PRAGMA freelist_count`, `page_count`), for tests.
    func pragmaCounts() throws -> (free: Int, pages: Int) {
        try current().read { db in
            (try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0, try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0)
        }
    }

    public func lastSeq() throws -> Int64 {
        do {
            return try current().read { db in try SQLiteJournalRows.lastSeq(db) }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    public func samplePeaks(within window: ClosedRange<Date>) throws -> [SeriesKey: Double] {
        let (low, high) = SampleStore.bounds(window)
        do {
            return try current().read { db in try SampleStore.peaks(db, low: low, high: high) }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    public func events(after: Int64, samplesWithin: ClosedRange<Date>?) throws -> [Recorded] {
        do {
            return try current().read { db in try SQLiteJournalRows.events(db, after: after, samplesWithin: samplesWithin, path: path) }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    public func checkpoints(version: Int, limit: Int) throws -> [StoredCheckpoint] {
        do {
            return try current().read { db in try SQLiteJournalRows.checkpoints(db, version: version, limit: limit) }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    public func changes(afterSeq: Int64, samplesAfter: Int64?, recent: TimeInterval?) throws -> JournalChanges {
        do {
            return try current().read { db in
                try SQLiteJournalRows.changes(db, afterSeq: afterSeq, samplesAfter: samplesAfter, recent: recent, path: path)
            }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    public func recentBatches(within history: TimeInterval, committedFrom seq: Int64, _ visit: (RecentSpan, SampleBatch) throws -> Bool) throws {
        do {
            try current().read { db in try SQLiteJournalRows.recentBatches(db, within: history, committedFrom: seq, visit) }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: SQLiteJournalRows.explain(error))
        }
    }

    public func fileStamp() -> SQLiteFileStamp { SQLiteFileStamp(path: path) }

    public func makeWatch(maximumGap: Duration) -> any JournalWatching { SQLiteJournalWatch(path: path, maximumGap: maximumGap) }

    public func makeWakeup() -> any JournalWakeup { SQLiteJournalWakeup(path: path) }
}

/// A folder only its owner may enter (0700), created with its missing parents.
public enum PrivateDirectory {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Create `path` and any missing parent with mode 0700 (never wider,
    /// whatever the umask). An existing folder is left as it is.
    public static func create(_ path: String) throws {
        var built = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            built += "/" + part
            if mkdir(built, 0o700) == 0 {
                _ = chmod(built, 0o700)  // the umask could only narrow it; make sure
            } else if errno != EEXIST {
                throw Failure(description: "cannot create \(built): \(String(cString: strerror(errno)))")
            }
        }
    }
}
