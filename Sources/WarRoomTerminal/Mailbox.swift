public import Foundation
import Synchronization
public import WarRoomCore
public import WarRoomUI

#if canImport(Glibc)
    import Glibc
#endif

/// A self-pipe: any thread may `wake()` the terminal thread out of `poll()`.
public final class Wakeup: Sendable {
    let readFD: Int32
    let writeFD: Int32

    public init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw TerminalError("cannot create a wake-up pipe: \(String(cString: strerror(errno)))") }
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
    }

    public func wake() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)  // a full pipe already means "wake up"
    }

    func drain() {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(readFD, &buffer, buffer.count) > 0 {}
    }

    deinit {
        close(readFD)
        close(writeFD)
    }
}

/// Hands the newest snapshot to the terminal thread. Writers never wait for
/// the screen: an unread snapshot is simply replaced by a newer one.
public final class SnapshotMailbox: Sendable {
    private struct Slot {
        /// Nothing yet (loading, as far as the screen knows), how far loading has got, or the live state.
        var showing: Showing?
        var stopRequest: String??
        var flash: Flash?
        var viewers: Viewers?
        var takeOverRequest: TakeOverRequest?
    }
    private let slot = Mutex(Slot())
    public let wakeup: Wakeup

    public init() throws {
        wakeup = try Wakeup()
    }

    /// The live state: from here on the screen shows it.
    public func post(_ snapshot: Snapshot) {
        slot.withLock { $0.showing = .live(snapshot) }
        wakeup.wake()
    }

    /// How far reading the journal has got; the screen says it is loading.
    public func post(loading: Loading) {
        slot.withLock { $0.showing = .loading(loading) }
        wakeup.wake()
    }

    /// What the screen shows now.
    public var showing: Showing? { slot.withLock { $0.showing } }

    /// The newest live snapshot (nil while loading).
    public var latest: Snapshot? { showing?.snapshot }

    /// Show a short message in the footer (what happened, or why not).
    public func flash(_ text: String, isError: Bool, seconds: TimeInterval = 5) {
        slot.withLock { $0.flash = Flash(text: text, isError: isError, until: Date().addingTimeInterval(seconds)) }
        wakeup.wake()
    }

    func takeFlash() -> Flash? {
        slot.withLock { slot in
            defer { slot.flash = nil }
            return slot.flash
        }
    }

    /// How many tmux clients watch (posted by a background task; shown in the header).
    public func setViewers(_ viewers: Viewers?) {
        let changed = slot.withLock { s -> Bool in
            defer { s.viewers = viewers }
            return s.viewers != viewers
        }
        if changed { wakeup.wake() }
    }

    var viewers: Viewers? { slot.withLock { $0.viewers } }

    /// Another commander asking for command (shown until it is granted or gone).
    public func setTakeOverRequest(_ request: TakeOverRequest?) {
        let changed = slot.withLock { s -> Bool in
            defer { s.takeOverRequest = request }
            return s.takeOverRequest != request
        }
        if changed { wakeup.wake() }
    }

    var takeOverRequest: TakeOverRequest? { slot.withLock { $0.takeOverRequest } }

    /// Ask the terminal to restore the screen and return, with an optional error message.
    public func requestStop(message: String? = nil) {
        slot.withLock { $0.stopRequest = .some(message) }
        wakeup.wake()
    }

    var stopRequest: String?? { slot.withLock { $0.stopRequest } }
}

public struct TerminalError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
