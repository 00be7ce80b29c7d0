public import Foundation
public import WarRoomCore

/// The right to command one war room: exactly one process at a time may
/// step the canary, send commands and page people. `note`, `ack`, `status`,
/// `export` and `wallboard` never need it.
///
/// This is the seam a shared journal implements again: SQLite with a kernel
/// lock on a file beside the journal (`SQLiteCommanderLease`), PostgreSQL
/// later with a heartbeat, an expiry and fencing.
public protocol CommanderLease: Sendable {
    /// Who holds it: this process.
    var holder: CommanderIdentity { get }

    /// The commander before this one, when known.
    var previous: CommanderIdentity? { get }

    /// Proof of life for followers; call every `heartbeatInterval`.
    func heartbeat() throws

    /// Another commander asking for command now (`run --take-over`), if one
    /// is still waiting.
    func pendingRequest() -> TakeOverRequest?

    /// Give command up (at exit, or after handing over). Idempotent.
    func release()
}

/// How often a commander proves it is alive.
public let heartbeatInterval: Duration = .seconds(2)

/// Why a process may not command this war room.
public enum LeaseRefusal: Error, Equatable, CustomStringConvertible {
    /// Another commander holds it.
    case held(journal: String, by: CommanderIdentity?, heartbeat: Date?)
    /// Another process already asked the holder for command.
    case alreadyRequested(journal: String, by: CommanderIdentity?)
    /// The journal is not one this user should command (owner, mode).
    case unsafeJournal(journal: String, reason: String)
    /// The lock itself failed (permissions, file system).
    case cannotLock(journal: String, reason: String)

    public var description: String {
        switch self {
        case .held(let journal, let by, let heartbeat):
            let who = by?.text ?? "another process (it has not said who yet)"
            let beat = heartbeat.map { ", last heartbeat at \(Format.wallTime($0)) UTC" } ?? ""
            return """
                journal \(journal): another warroom commands this war room: \(who)\(beat).
                One commander per war room. Follow it with `warroom wallboard --journal \(journal)`, \
                write with `warroom note`/`ack`, or ask for command with `warroom run --take-over --reason WHY`.
                """
        case .alreadyRequested(let journal, let by):
            return "journal \(journal): \(by?.name ?? "another process") is already asking for command; one request at a time"
        case .unsafeJournal(let journal, let reason):
            return "journal \(journal): refusing to command it: \(reason). Readers (status, export, wallboard, replay) can still open it."
        case .cannotLock(let journal, let reason):
            return "journal \(journal): cannot take command: \(reason)"
        }
    }
}
