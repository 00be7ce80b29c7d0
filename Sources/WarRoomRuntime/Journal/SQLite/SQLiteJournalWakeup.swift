import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Wakes a follower when its SQLite journal's files change, instead of
/// polling: inotify on the journal's folder, for the database and its
/// write-ahead log only (a commit by any process writes the log). One thread
/// sleeps in `poll()` until the kernel says so; nothing wakes while nothing
/// is written.
///
/// A change is a hint, never the whole truth: the log is written before the
/// commit is visible (its index is shared memory, which inotify cannot see),
/// and a file system may not report changes at all (NFS, or no inotify). So
/// followers keep `SQLiteJournalWatch`'s stamp check on their one-second clock as
/// the safety net. Where inotify cannot be set up, `isEventDriven` is false
/// and the stream stays silent.
public final class SQLiteJournalWakeup: JournalWakeup {
    public let path: String
    /// How long after a change to read, and to read again while nothing new
    /// shows (ms, one after the other): the log is written before the commit
    /// is visible (an fsync, then the shared index), so a read just after the
    /// kernel's report may find nothing yet.
    public static let readAfter: [Int] = [20, 50, 100, 300]

    /// Whether the kernel reports changes (false: only the safety check sees them).
    public let isEventDriven: Bool
    private let notifyFD: Int32
    /// The folder's watch: creations, renames and deletions only. Writes are
    /// watched on the two files themselves, so a log or lease file written
    /// beside the journal wakes nothing.
    private let folderWD: Int32
    private let files: [String]
    private let stopRead: Int32
    private let stopWrite: Int32
    private let names: [String]
    /// Whether a change seen now is this process's own write (skipped by `stream`).
    private let isOwn: (@Sendable () -> Bool)?

    /// Watch the journal at `path`. With `isOwn` (a writer's: `SQLiteJournal.makeWakeup()`),
    /// a burst of changes while it says true is this process's own commit and wakes
    /// nothing beyond the watch's thread.
    public init(path: String, isOwn: (@Sendable () -> Bool)? = nil) {
        self.path = path
        self.isOwn = isOwn
        let dir = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        names = [base, base + "-wal"]
        var fds: [Int32] = [-1, -1]
        let piped = pipe(&fds) == 0
        stopRead = fds[0]
        stopWrite = fds[1]
        if piped { for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) } }
        #if os(Linux)
            let fd = inotify_init1(Int32(IN_CLOEXEC) | Int32(IN_NONBLOCK))
            var ok = fd >= 0 && piped
            var wd: Int32 = -1
            if ok {
                wd = inotify_add_watch(fd, dir.isEmpty ? "." : dir, UInt32(IN_CREATE) | UInt32(IN_MOVED_TO) | UInt32(IN_DELETE))
                ok = wd >= 0
            }
            if !ok, fd >= 0 { close(fd) }
            notifyFD = ok ? fd : -1
            folderWD = wd
            isEventDriven = ok
        #else
            notifyFD = -1
            folderWD = -1
            isEventDriven = false
        #endif
        files = [path, path + "-wal"]
        watchFiles()
    }

    /// Watch writes to the journal and its log (again, after either is created:
    /// a new file is a new inode). A file that does not exist yet is watched
    /// once the folder's watch sees it created.
    private func watchFiles() {
        #if os(Linux)
            guard notifyFD >= 0 else { return }
            for file in files { _ = inotify_add_watch(notifyFD, file, UInt32(IN_MODIFY)) }
        #endif
    }

    /// Read what inotify has queued: whether it is a change of the journal.
    private func drain(_ buffer: inout [UInt8]) -> Bool {
        var relevant = false
        while true {
            let n = buffer.withUnsafeMutableBytes { read(notifyFD, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            let seen = Self.changes(buffer[0 ..< n], names: names, folder: folderWD)
            if seen.created { watchFiles() }
            relevant = relevant || seen.relevant
        }
        return relevant
    }

    /// One element per burst of changes (a slow reader gets one for many).
    /// Ends when the consuming task is cancelled. A burst for which `isOwn`
    /// says true (this process's own commit) wakes nothing beyond this
    /// stream's thread; a change by another process at that very moment is
    /// left to the follower's safety check.
    public func stream() -> AsyncStream<Void> {
        let isOwn = self.isOwn
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        guard isEventDriven else { return stream }  // silent: the safety check does the work
        let thread = Thread { [self] in
            try? "warroom-inotify".write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
            self.watch { if isOwn?() != true { continuation.yield() } }
            continuation.finish()
        }
        thread.name = "warroom-journal-changes"
        continuation.onTermination = { [self] _ in self.stop() }
        thread.start()
        return stream
    }

    /// Block the calling thread until the journal changes, `milliseconds`
    /// pass, or `stop()` is called. For a follower on a thread of its own,
    /// which then wakes for nothing else. Without inotify it only times out.
    public func wait(milliseconds: Int32) -> JournalWait {
        var fds = [
            pollfd(fd: notifyFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: stopRead, events: Int16(POLLIN), revents: 0),
        ]
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + .milliseconds(Int(milliseconds))
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return .timedOut }
            let ms = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            for i in fds.indices { fds[i].revents = 0 }
            let ready = poll(&fds, 2, ms)
            if ready < 0 { if errno == EINTR { continue } else { return .timedOut } }
            if ready == 0 { return .timedOut }
            if fds[1].revents != 0 { return .stopped }
            if fds[0].revents & Int16(POLLIN) != 0 {
                if drain(&buffer) { return .changed }
            } else if fds[0].revents != 0 {
                fds[0].fd = -1  // error: only the timeout and stop are left
            }
        }
    }

    /// Ends a blocking `wait` (and the thread of `stream`), now and for good.
    public func stop() {
        var byte: UInt8 = 1
        _ = write(stopWrite, &byte, 1)
    }

    /// Sleep in poll() on the inotify descriptor and the stop pipe.
    private func watch(_ changed: () -> Void) {
        var fds = [
            pollfd(fd: notifyFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: stopRead, events: Int16(POLLIN), revents: 0),
        ]
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            for i in fds.indices { fds[i].revents = 0 }
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 { return }
            guard fds[0].revents & Int16(POLLIN) != 0 else {
                if fds[0].revents != 0 { return }  // error or hang-up: nothing more will come
                continue
            }
            if drain(&buffer) { changed() }
        }
    }

    /// What a read of inotify events says: a change of the journal (a write to
    /// one of its files, or the folder's event naming one of `names`, or an
    /// overflow), and whether one of its files was created (to watch it).
    /// A file watch going away (`IN_IGNORED`, its file deleted) is no change.
    static func changes(_ bytes: ArraySlice<UInt8>, names: [String], folder: Int32) -> (relevant: Bool, created: Bool) {
        var offset = bytes.startIndex
        var relevant = false
        var created = false
        let header = 16  // wd, mask, cookie, len
        while offset + header <= bytes.endIndex {
            func u32(_ at: Int) -> UInt32 {
                UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
            }
            let wd = Int32(bitPattern: u32(offset))
            let mask = u32(offset + 4)
            let length = Int(u32(offset + 12))
            defer { offset += header + length }
            if mask & 0x4000 != 0 {
                relevant = true
                continue
            }  // IN_Q_OVERFLOW: something may be missed
            if mask & 0x8000 != 0 { continue }  // IN_IGNORED
            if wd != folder {
                relevant = true  // a write to the journal or its log
                continue
            }
            let nameBytes = bytes[(offset + header) ..< min(bytes.endIndex, offset + header + length)].prefix { $0 != 0 }
            if names.contains(String(decoding: nameBytes, as: UTF8.self)) {
                relevant = true
                if mask & 0x180 != 0 { created = true }  // IN_CREATE, IN_MOVED_TO
            }
        }
        return (relevant, created)
    }

    deinit {
        if notifyFD >= 0 { close(notifyFD) }
        if stopRead >= 0 { close(stopRead) }
        if stopWrite >= 0 { close(stopWrite) }
    }
}
