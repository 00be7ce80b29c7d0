import Foundation
import WarRoomCore

/// A key press, decoded by the terminal backend.
public enum Key: Sendable, Equatable, Hashable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, tab
    /// Ctrl plus a letter, lowercase: `.ctrl("c")`.
    case ctrl(Character)
    case function(Int)
    case unknown(Int32)
}

/// What the operator wants; the app turns it into journal events.
public enum Intent: Sendable, Equatable {
    case quit
    case note(String)
    case declare(title: String, severity: Severity)
    case setSeverity(Severity)
    case setStatus(IncidentStatus)
    case assign(IncidentRole, person: String)
    case pinMetrics
    /// Acknowledge the page: stops the escalation.
    case acknowledge
    /// A command, confirmed with a reason (after the abort window for traffic changes).
    case command(CommandAction, reason: String, trigger: Date)
    /// Hand command to the commander asking for it (`warroom run --take-over`).
    case handOver
}

/// What the dashboard needs to show and arm commands. Read-only screens have none.
public struct CommandPanel: Sendable, Equatable {
    public var specs: [String: CommandSpec]
    public var service: String
    public var user: String
    public var abortWindow: TimeInterval
    public var dryRun: Bool

    public init(specs: [String: CommandSpec], service: String, user: String, abortWindow: TimeInterval, dryRun: Bool) {
        self.specs = specs
        self.service = service
        self.user = user
        self.abortWindow = abortWindow
        self.dryRun = dryRun
    }
}

/// A command armed from the keyboard: first a reason, then a countdown.
public struct Armed: Sendable, Equatable {
    public var action: CommandAction
    public var reason = ""
    public var armedAt: Date
    /// Set once the reason is confirmed: it is sent at this moment unless aborted.
    public var firesAt: Date?

    public init(action: CommandAction, armedAt: Date) {
        self.action = action
        self.armedAt = armedAt
    }
}
