import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the journal's files look like on disk: identity, size and
/// modification time of the database and its write-ahead log, from
/// two `stat(2)` calls. A commit (in WAL mode, by any process) writes the
/// log, so a changed stamp means "read again". An unchanged stamp is only
/// a hint: file times are coarse (a clock tick), so a commit just after
/// the last look may leave it as it was; followers still read now and then.
public struct SQLiteFileStamp: Equatable, Sendable {
    fileprivate var database: FileStatus?
    fileprivate var log: FileStatus?

    public init(path: String) {
        database = FileStatus(path)
        log = FileStatus(path + "-wal")
    }
}

private struct FileStatus: Equatable, Sendable {
    var device: UInt64, inode: UInt64, size: Int64
    var modified: (seconds: Int, nanoseconds: Int)

    init?(_ file: String) {
        var st = stat()
        guard stat(file, &st) == 0 else { return nil }
        #if canImport(Glibc)
            let m = st.st_mtim
        #else
            let m = st.st_mtimespec
        #endif
        // Not the change time: SQLite sets the log's owner and mode when a
        // connection opens, which changes it without a commit.
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
        modified = (m.tv_sec, m.tv_nsec)
    }

    static func == (a: Self, b: Self) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size && a.modified == b.modified
    }
}

/// When a follower of an SQLite journal should read it again: when its
/// files changed since the last read, and at least every `maximumGap` anyway
/// (an unchanged stamp is only a hint). The dashboard and the wallboard both
/// poll through this.
public struct SQLiteJournalWatch: JournalWatching {
    public let path: String
    public let maximumGap: Duration
    private var seen: SQLiteFileStamp?
    private var lastRead: ContinuousClock.Instant?

    public init(path: String, maximumGap: Duration = .milliseconds(750)) {
        self.path = path
        self.maximumGap = maximumGap
    }

    /// Whether to read now; the stamp is taken before the read, so a commit
    /// during the read shows as a change next time.
    public mutating func shouldRead(now: ContinuousClock.Instant) -> Bool {
        let stamp = SQLiteFileStamp(path: path)
        guard stamp != seen || lastRead.map({ now - $0 >= maximumGap }) ?? true else { return false }
        seen = stamp
        lastRead = now
        return true
    }
}
