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
}
