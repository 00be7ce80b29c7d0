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

/// What the operator wants; the app loop acts on it.
public enum Intent: Sendable, Equatable {
    case quit
}
