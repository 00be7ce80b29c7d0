public import Foundation
public import WarRoomCore

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
    /// Start the launch (L, armed): the canary may take its first step.
    case startLaunch(reason: String)
    /// Lift the holds until the next step (O, armed), with a reason.
    case overrideHolds(reason: String)
    /// Hand command to the commander asking for it (`warroom run --take-over`).
    case handOver
}

/// What the dashboard needs to show and arm commands: a screen with
/// `Dashboard.Access.command`. Other screens have none.
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
    /// What fires when the countdown ends.
    public enum What: Sendable, Equatable, CustomStringConvertible {
        case command(CommandAction)
        /// Start the launch; its first step sets traffic to this weight.
        case startLaunch(firstStep: Double)
        /// Lift these holds until the next step.
        case overrideHolds([Hold])

        public var description: String {
            switch self {
            case .command(let action): action.description
            case .startLaunch: "start the launch"
            case .overrideHolds: "override the holds"
            }
        }

        /// Counts down before it fires (Esc aborts): anything that lets traffic move.
        public var countsDown: Bool {
            switch self {
            case .command(let action): action.changesTraffic
            case .startLaunch, .overrideHolds: true
            }
        }

        /// The production command it shows as what will be sent, if any.
        public var previewAction: CommandAction? {
            switch self {
            case .command(let action): action
            case .startLaunch(let p): .setTraffic(percent: p)
            case .overrideHolds: nil
            }
        }
    }

    public var what: What
    public var reason = ""
    public var armedAt: Date
    /// Set once the reason is confirmed: it is sent at this moment unless aborted.
    public var firesAt: Date?

    public init(action: CommandAction, armedAt: Date) {
        self.init(.command(action), armedAt: armedAt)
    }

    public init(_ what: What, armedAt: Date) {
        self.what = what
        self.armedAt = armedAt
    }

    /// The command it sends, when it is one.
    public var action: CommandAction? {
        if case .command(let action) = what { return action }
        return nil
    }

    /// The intent it fires with its reason.
    func intent(reason: String) -> Intent {
        switch what {
        case .command(let action): .command(action, reason: reason, trigger: armedAt)
        case .startLaunch: .startLaunch(reason: reason)
        case .overrideHolds: .overrideHolds(reason: reason)
        }
    }
}
