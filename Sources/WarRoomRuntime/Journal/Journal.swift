import Foundation
import GRDB
import WarRoomCore
#if canImport(Glibc)
import Glibc
#endif

/// The append-only event log: one SQLite file in WAL mode, the single source
/// of truth for the screen, `status`, exports, replay and followers.
/// Several processes may open one journal at once.
public final class Journal: Sendable {
    /// The on-disk format this build writes. Older formats are migrated;
    /// newer ones are refused, never touched.
    public static let formatVersion = 1

    public let path: String
    private let pool: DatabasePool

    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        e.outputFormatting = [.sortedKeys]
        return e
    }()
    private static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        return d
    }()

    /// Open (creating if needed, mode 0600) the journal at `path`.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        let fm = FileManager.default
        if !fm.fileExists(atPath: path) {
            guard !readOnly else { throw JournalError(path: path, reason: "no journal at this path") }
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty, !fm.fileExists(atPath: dir) {
                do {
                    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                } catch {
                    throw JournalError(path: path, reason: "cannot create its folder: \(error.localizedDescription)")
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
        if !readOnly { try Self.refuseNewer(path: path) }
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.readonly = readOnly
        config.prepareDatabase { db in
            if !readOnly {
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: Self.explain(error))
        }
        if !readOnly {
            try migrate()
        } else {
            try checkVersion()
        }
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
            throw JournalError(path: path, reason: explain(error))
        }
        if version > formatVersion {
            throw JournalError(path: path, reason: "written by a newer warroom (format \(version), this build reads up to \(formatVersion)); refusing to touch it")
        }
    }

    private func migrate() throws {
        do {
            try pool.write { db in
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                let hasEvents = try db.tableExists("events")
                if version > Self.formatVersion {
                    throw JournalError(path: path, reason: "written by a newer warroom (format \(version), this build reads up to \(Self.formatVersion)); refusing to touch it")
                }
                if version == 0 {
                    if hasEvents {
                        throw JournalError(path: path, reason: "has an events table but no warroom format version; not a warroom journal")
                    }
                    let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                    if !tables.isEmpty {
                        throw JournalError(path: path, reason: "is an SQLite database that is not a warroom journal (tables: \(tables.joined(separator: ", ")))")
                    }
                    try db.execute(sql: """
                        CREATE TABLE events (
                            seq INTEGER PRIMARY KEY AUTOINCREMENT,
                            time REAL NOT NULL,
                            kind TEXT NOT NULL,
                            payload TEXT NOT NULL
                        );
                        CREATE INDEX events_kind ON events(kind);
                        PRAGMA user_version = \(Self.formatVersion);
                        """)
                }
            }
        } catch let error as JournalError {
            throw error
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: Self.explain(error))
        }
    }

    private func checkVersion() throws {
        let version = try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
        if version != Self.formatVersion {
            throw JournalError(path: path, reason: "format \(version) is not one this build reads (\(Self.formatVersion))")
        }
    }

    /// Append events durably, in order; returns them as recorded.
    @discardableResult
    public func append(_ events: [(time: Date, event: Event)]) throws -> [Recorded] {
        guard !events.isEmpty else { return [] }
        do {
            return try pool.write { db in
                var out: [Recorded] = []
                out.reserveCapacity(events.count)
                for (time, given) in events {
                    let event = given.inert  // text from outside is stored harmless (InertText)
                    let payload = String(decoding: try Self.encoder.encode(event), as: UTF8.self)
                    let stored = time.timeIntervalSince1970
                    try db.execute(
                        sql: "INSERT INTO events (time, kind, payload) VALUES (?, ?, ?)",
                        arguments: [stored, event.kind, payload])
                    // The time as any reader will decode it, so live state and replay agree to the bit.
                    out.append(Recorded(seq: db.lastInsertedRowID, time: Date(timeIntervalSince1970: stored), event: event))
                }
                return out
            }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: Self.explain(error))
        }
    }

    public func append(_ event: Event, at time: Date) throws -> Recorded {
        try append([(time, event)])[0]
    }

    /// Events with `seq` greater than `after`, oldest first.
    public func events(after: Int64 = 0, limit: Int? = nil) throws -> [Recorded] {
        do {
            return try pool.read { db in
                let rows = try Row.fetchAll(
                    db, sql: "SELECT seq, time, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                    arguments: [after, limit ?? -1])
                return try rows.map { row in
                    let seq: Int64 = row["seq"]
                    let payload: String = row["payload"]
                    do {
                        let event = try Self.decoder.decode(Event.self, from: Data(payload.utf8))
                        return Recorded(seq: seq, time: Date(timeIntervalSince1970: row["time"]), event: event)
                    } catch {
                        throw JournalError(path: path, reason: "event \(seq) cannot be read: \(error)")
                    }
                }
            }
        } catch let error as DatabaseError {
            throw JournalError(path: path, reason: Self.explain(error))
        }
    }

    public func lastSeq() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM events") ?? 0 }
    }

    private static func explain(_ error: DatabaseError) -> String {
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

    /// What the journal's files look like on disk: identity, size and
    /// modification time of the database and its write-ahead log, from
    /// two `stat(2)` calls. A commit (in WAL mode, by any process) writes the
    /// log, so a changed stamp means "read again". An unchanged stamp is only
    /// a hint: file times are coarse (a clock tick), so a commit just after
    /// the last look may leave it as it was; followers still read now and then.
    public struct FileStamp: Equatable, Sendable {
        fileprivate var database: FileStatus?
        fileprivate var log: FileStatus?
    }

    fileprivate struct FileStatus: Equatable, Sendable {
        var device: UInt64, inode: UInt64, size: Int64
        var modified: (seconds: Int, nanoseconds: Int)

        static func == (a: Self, b: Self) -> Bool {
            a.device == b.device && a.inode == b.inode && a.size == b.size && a.modified == b.modified
        }
    }

    public func fileStamp() -> FileStamp {
        FileStamp(database: Self.fileStatus(path), log: Self.fileStatus(path + "-wal"))
    }

    private static func fileStatus(_ file: String) -> FileStatus? {
        var st = stat()
        guard stat(file, &st) == 0 else { return nil }
        #if canImport(Glibc)
        let m = st.st_mtim
        #else
        let m = st.st_mtimespec
        #endif
        // Not the change time: SQLite sets the log's owner and mode when a
        // connection opens, which changes it without a commit.
        return FileStatus(device: UInt64(st.st_dev), inode: UInt64(st.st_ino), size: Int64(st.st_size),
                          modified: (m.tv_sec, m.tv_nsec))
    }

    /// Where a journal goes when none is named: `$XDG_STATE_HOME/warroom/`.
    public static func defaultDirectory() -> String {
        let env = ProcessInfo.processInfo.environment
        if let state = env["XDG_STATE_HOME"], !state.isEmpty { return state + "/warroom" }
        let home = env["HOME"] ?? NSHomeDirectory()
        return home + "/.local/state/warroom"
    }
}

public struct JournalError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String
    public var description: String { "journal \(path): \(reason)" }
}

/// When a reader should read a journal again: when its files changed since
/// the last read, and at least every `maximumGap` anyway (an unchanged stamp
/// is only a hint). The dashboard and the wallboard both poll through this.
public struct JournalWatch: Sendable {
    public let maximumGap: Duration
    private var seen: Journal.FileStamp?
    private var lastRead: ContinuousClock.Instant?

    public init(maximumGap: Duration = .milliseconds(750)) {
        self.maximumGap = maximumGap
    }

    /// Whether to read now; the stamp is taken before the read, so a commit
    /// during the read shows as a change next time.
    public mutating func shouldRead(_ journal: Journal, now: ContinuousClock.Instant = .now) -> Bool {
        let stamp = journal.fileStamp()
        guard stamp != seen || lastRead.map({ now - $0 >= maximumGap }) ?? true else { return false }
        seen = stamp
        lastRead = now
        return true
    }
}
