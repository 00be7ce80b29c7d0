public import Foundation
import Synchronization
public import WarRoomCore

#if canImport(Glibc)
    import Glibc
#endif

/// One commander per SQLite journal: an exclusive open-file-description lock
/// (`F_OFD_SETLK`) on `JOURNAL.lock`, held for the process's life. The file
/// names the holder (user, host, pid, start) and its modification time is the
/// heartbeat. The kernel drops the lock when the process dies, however it
/// dies, so a restart after `kill -9` takes command at once. The descriptor is
/// close-on-exec: a command warroom runs never inherits (and so never keeps)
/// the lock.
///
/// A take-over request is a second lock, on `JOURNAL.takeover`, held by the
/// process that waits: the holder sees it only while that process is alive.
public final class SQLiteCommanderLease: CommanderLease {
    public let holder: CommanderIdentity
    public let journal: String
    /// The commander before this one, as the lock file named it.
    public let previous: CommanderIdentity?
    private let descriptor: Mutex<Int32>

    /// A heartbeat older than this means the holder is stuck, not commanding.
    public static let staleAfter: TimeInterval = 6

    public static func lockPath(_ journal: String) -> String { journal + ".lock" }
    public static func requestPath(_ journal: String) -> String { journal + ".takeover" }

    /// What the lock file says.
    struct Record: Codable {
        var holder: CommanderIdentity
        var releasedAt: Date?
    }

    private init(holder: CommanderIdentity, journal: String, previous: CommanderIdentity?, fd: Int32) {
        self.holder = holder
        self.journal = journal
        self.previous = previous
        descriptor = Mutex(fd)
    }

    deinit { release() }

    // MARK: - Taking command

    /// Take command now, or say who has it.
    public static func acquire(journal: String, as me: CommanderIdentity) throws(LeaseRefusal) -> SQLiteCommanderLease {
        try checkJournal(journal)
        let path = lockPath(journal)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotLock(journal: journal, reason: "cannot open \(path): \(String(cString: strerror(errno)))") }
        guard lock(fd, exclusive: true) else {
            let error = errno
            let record = readRecord(fd)
            let beat = modified(fd)
            close(fd)
            if error == EAGAIN || error == EACCES {
                throw .held(journal: journal, by: record?.holder, heartbeat: beat)
            }
            throw .cannotLock(journal: journal, reason: "cannot lock \(path): \(String(cString: strerror(error)))")
        }
        let previous = readRecord(fd)?.holder
        let lease = SQLiteCommanderLease(holder: me, journal: journal, previous: previous, fd: fd)
        lease.write(Record(holder: me, releasedAt: nil))
        return lease
    }

    /// Ask the holder for command and wait until it is ours: at once when
    /// nobody holds it (the holder is gone), else when the holder grants it
    /// or dies. `waiting` is called once with the holder being asked. It
    /// looks again every 100 ms of `clock`.
    public static func takeOver(
        journal: String, as me: CommanderIdentity, reason: String, clock: any WarRoomClock = SystemClock(),
        waiting: @Sendable (CommanderIdentity?) -> Void
    ) async throws -> SQLiteCommanderLease {
        let holder: CommanderIdentity?
        switch attempt(journal: journal, as: me) {
        case .success(let lease): return lease
        case .failure(.held(_, let by, _)): holder = by
        case .failure(let refusal): throw refusal
        }
        let path = requestPath(journal)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LeaseRefusal.cannotLock(journal: journal, reason: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }  // drops the request with its lock, however this ends
        guard lock(fd, exclusive: true) else {
            let other = (try? JSONDecoder().decode(TakeOverRequest.self, from: readAll(fd)))?.by
            throw LeaseRefusal.alreadyRequested(journal: journal, by: other)
        }
        let request = TakeOverRequest(by: me, reason: reason, at: clock.now())
        replaceContents(fd, with: (try? JSONEncoder().encode(request)) ?? Data())
        waiting(holder)
        while true {
            try await clock.sleep(for: 0.1)
            switch attempt(journal: journal, as: me) {
            case .success(let lease):
                _ = ftruncate(fd, 0)
                return lease
            case .failure(.held): continue
            case .failure(let refusal): throw refusal
            }
        }
    }

    private static func attempt(journal: String, as me: CommanderIdentity) -> Result<SQLiteCommanderLease, LeaseRefusal> {
        Result<SQLiteCommanderLease, LeaseRefusal> { () throws(LeaseRefusal) in try acquire(journal: journal, as: me) }
    }

    /// Refuse a journal this user should not command: someone else's, or one
    /// that others may write (they could forge what the commander reads).
    public static func checkJournal(_ journal: String) throws(LeaseRefusal) {
        var st = stat()
        guard stat(journal, &st) == 0 else { return }  // a new journal: it will be ours, 0600
        let me = geteuid()
        if st.st_uid != me {
            throw .unsafeJournal(
                journal: journal, reason: "it belongs to \(userName(st.st_uid)) (uid \(st.st_uid)), not to \(userName(me)) (uid \(me))")
        }
        let mode = st.st_mode & 0o777
        if mode & 0o022 != 0 {
            throw .unsafeJournal(
                journal: journal,
                reason:
                    "it is writable by \(mode & 0o020 != 0 ? "its group" : "others") (mode \(String(mode, radix: 8))); `chmod 600 \(journal)` if it is yours"
            )
        }
    }

    // MARK: - Holding command

    public func heartbeat() throws {
        let fd = descriptor.withLock { $0 }
        guard fd >= 0 else { return }
        guard futimens(fd, nil) == 0 else {
            throw LeaseRefusal.cannotLock(journal: journal, reason: "cannot write the heartbeat: \(String(cString: strerror(errno)))")
        }
    }

    public func pendingRequest() -> TakeOverRequest? {
        let fd = open(Self.requestPath(journal), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard Self.isLocked(fd) else { return nil }  // nobody waits: an old request's leftovers
        return try? JSONDecoder().decode(TakeOverRequest.self, from: Self.readAll(fd))
    }

    public func release() {
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            Self.replaceContents(fd, with: Self.encode(Record(holder: holder, releasedAt: Date())))
            close(fd)  // drops the lock
            fd = -1
        }
    }

    private func write(_ record: Record) {
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            Self.replaceContents(fd, with: Self.encode(record))
        }
    }

    // MARK: - Followers

    /// Who commands the war room of `journal`, as a follower sees it (it needs
    /// only to read the lock file; it never takes the lock).
    public static func presence(journal: String, now: Date = Date()) -> CommanderPresence {
        let fd = open(lockPath(journal), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return .absent(last: nil, since: nil) }
            return .unknown(reason: "cannot read \(lockPath(journal)): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let record = readRecord(fd)
        let beat = modified(fd)
        if isLocked(fd), let record, let beat, now.timeIntervalSince(beat) < staleAfter {
            return .commanding(record.holder, heartbeat: beat)
        }
        if isLocked(fd), record == nil {
            // Just taken: the holder has not written its name yet.
            return .commanding(CommanderIdentity(user: "?", host: "?", pid: 0, startedAt: beat ?? now), heartbeat: beat ?? now)
        }
        return .absent(last: record?.holder, since: beat)
    }

    // MARK: - Files and locks

    // Linux's open file description locks (fcntl.h, _GNU_SOURCE): owned by the
    // open file, not the process, so threads cannot trip over them, and
    // F_OFD_GETLK asks without taking.
    private static let getLock: Int32 = 36  // F_OFD_GETLK
    private static let setLock: Int32 = 37  // F_OFD_SETLK

    private static func lock(_ fd: Int32, exclusive: Bool) -> Bool {
        var l = flock()
        l.l_type = Int16(exclusive ? F_WRLCK : F_RDLCK)
        l.l_whence = Int16(SEEK_SET)
        l.l_start = 0
        l.l_len = 0
        l.l_pid = 0
        return fcntl(fd, setLock, &l) == 0
    }

    private static func isLocked(_ fd: Int32) -> Bool {
        var l = flock()
        l.l_type = Int16(F_WRLCK)
        l.l_whence = Int16(SEEK_SET)
        l.l_start = 0
        l.l_len = 0
        l.l_pid = 0
        guard fcntl(fd, getLock, &l) == 0 else { return false }
        return l.l_type != Int16(F_UNLCK)
    }

    private static func modified(_ fd: Int32) -> Date? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return Date(timeIntervalSince1970: Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9)
    }

    private static func readAll(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var offset: off_t = 0
        while data.count < 65536 {
            let n = pread(fd, &buffer, buffer.count, offset)
            if n <= 0 { break }
            data.append(contentsOf: buffer[0 ..< n])
            offset += off_t(n)
        }
        return data
    }

    private static func readRecord(_ fd: Int32) -> Record? {
        try? decoder.decode(Record.self, from: readAll(fd))
    }

    private static func replaceContents(_ fd: Int32, with data: Data) {
        _ = ftruncate(fd, 0)
        _ = data.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys]
        return e
    }()
    private static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    private static func encode(_ record: Record) -> Data {
        var data = (try? encoder.encode(record)) ?? Data()
        data.append(UInt8(ascii: "\n"))
        return data
    }

    private static func userName(_ uid: uid_t) -> String {
        guard let pw = getpwuid(uid), let name = pw.pointee.pw_name else { return "uid \(uid)" }
        return String(decoding: UnsafeRawBufferPointer(start: name, count: strlen(name)), as: UTF8.self)
    }
}

extension CommanderIdentity {
    /// This process, started now, as `user`.
    public static func thisProcess(user: String, startedAt: Date = Date()) -> CommanderIdentity {
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count) == 0 ? String(cString: buffer) : "localhost"
        return CommanderIdentity(user: user, host: host, pid: getpid(), startedAt: startedAt)
    }
}
