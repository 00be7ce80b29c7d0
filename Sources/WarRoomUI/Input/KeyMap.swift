import Foundation

/// What a key does on the dashboard. The names are the ones a config's `keys:`
/// section rebinds.
public enum KeyAction: String, Sendable, CaseIterable, Hashable {
    case quit, help, note, declare, status, severity, role, acknowledge, pin
    case rollback, traffic, promote
    case promoteFull = "promote_full"
    case pause, resume
    case start, override
    case handOver = "hand_over"
    case filter
    case scrollDown = "scroll_down"
    case scrollUp = "scroll_up"
    case pageDown = "page_down"
    case pageUp = "page_up"
    case newest

    public var help: String {
        switch self {
        case .quit: "quit (asks first while an incident is open)"
        case .help: "show or hide this help"
        case .note: "add a note to the timeline"
        case .declare: "declare an incident (title, then SEV)"
        case .status: "set the incident's status"
        case .severity: "change the incident's severity"
        case .role: "assign a role: IC, tech lead, comms, scribe"
        case .acknowledge: "acknowledge the page: stops the escalation"
        case .pin: "pin the current values into the timeline"
        case .rollback: "roll back (armed: a reason, then a countdown)"
        case .traffic: "set canary traffic to a percent (armed)"
        case .promote: "promote to the next step; approves a waiting one"
        case .promoteFull: "promote all the way to 100% (armed)"
        case .pause: "pause the canary (with a reason)"
        case .resume: "resume the canary (with a reason)"
        case .start: "start the launch: the first step (armed)"
        case .override: "override the holds until the next step (armed, with a reason)"
        case .handOver: "hand command to the warroom asking (run --take-over)"
        case .filter: "filter the timeline by kind"
        case .scrollDown: "scroll the timeline down (older)"
        case .scrollUp: "scroll the timeline up (newer)"
        case .pageDown: "scroll the timeline a page down"
        case .pageUp: "scroll the timeline a page up"
        case .newest: "back to the newest timeline entry"
        }
    }

    /// The footer's word, for the actions the footer lists.
    public var short: String? {
        switch self {
        case .quit: "quit"
        case .help: "help"
        case .note: "note"
        case .declare: "declare"
        case .status: "status"
        case .severity: "sev"
        case .role: "role"
        case .acknowledge: "ack"
        case .pin: "pin"
        case .rollback: "rollback"
        case .traffic: "traffic"
        case .promote: "promote"
        case .promoteFull: "full"
        case .pause: "pause"
        case .resume: "resume"
        case .handOver: nil
        case .filter: "filter"
        case .scrollDown, .scrollUp, .pageDown, .pageUp, .newest, .start, .override: nil
        }
    }

    /// Safe on a read-only screen: nothing recorded, nothing sent.
    public var isViewOnly: Bool {
        [.quit, .help, .filter, .scrollDown, .scrollUp, .pageDown, .pageUp, .newest].contains(self)
    }
}

/// Which keys do what. The defaults are below; a config may rebind any action.
public struct KeyMap: Sendable, Equatable {
    public private(set) var bindings: [KeyAction: [Key]]
    private var lookup: [Key: KeyAction]

    public static let defaults: [KeyAction: [Key]] = [
        .quit: [.char("q"), .char("Q")], .help: [.char("?")], .note: [.char("n")], .declare: [.char("D")],
        .status: [.char("s")], .severity: [.char("S")], .role: [.char("a")], .acknowledge: [.char("A")],
        .pin: [.char("p")], .rollback: [.char("r")], .traffic: [.char("t")], .promote: [.char(">")],
        .promoteFull: [.char("F")], .handOver: [.char("H")], .pause: [.char("z")], .resume: [.char("u")], .filter: [.char("f")],
        .scrollDown: [.down, .char("j")], .scrollUp: [.up, .char("k")], .pageDown: [.pageDown], .pageUp: [.pageUp],
        .newest: [.home, .char("g")], .start: [.char("L")], .override: [.char("O")],
    ]

    public static let standard = KeyMap()

    public init() {
        bindings = Self.defaults
        lookup = Self.index(Self.defaults)
    }

    /// The defaults with some actions rebound. Throws when two actions would share a key.
    public init(overrides: [KeyAction: [Key]]) throws(KeyMapError) {
        var b = Self.defaults
        for (action, keys) in overrides { b[action] = keys }
        var owner: [Key: KeyAction] = [:]
        for action in KeyAction.allCases {
            for key in b[action] ?? [] {
                if let other = owner[key], other != action {
                    throw KeyMapError(
                        message: "\(Key.name(key)) is bound to both \(other.rawValue) and \(action.rawValue)", actions: [other, action])
                }
                owner[key] = action
            }
        }
        bindings = b
        lookup = owner
    }

    private static func index(_ b: [KeyAction: [Key]]) -> [Key: KeyAction] {
        var out: [Key: KeyAction] = [:]
        for (action, keys) in b { for k in keys { out[k] = action } }
        return out
    }

    public func action(for key: Key) -> KeyAction? { lookup[key] }

    /// "r", "↑ j": how the help and footer show an action's keys.
    public func label(_ action: KeyAction) -> String {
        (bindings[action] ?? []).map(Key.name).joined(separator: " ")
    }
}

public struct KeyMapError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var actions: [KeyAction]
    public var description: String { message }
}

extension Key {
    /// Parse a key as a config names it: a single character, `ctrl-x`, `up`,
    /// `down`, `pgup`, `pgdn`, `home`, `end`, `f1`…`f12`, `tab`.
    public static func parse(_ text: String) -> Key? {
        let lower = text.lowercased()
        switch lower {
        case "up": return .up
        case "down": return .down
        case "left": return .left
        case "right": return .right
        case "pgup", "pageup", "page_up": return .pageUp
        case "pgdn", "pagedown", "page_down": return .pageDown
        case "home": return .home
        case "end": return .end
        case "tab": return .tab
        case "space": return .char(" ")
        default: break
        }
        if lower.hasPrefix("ctrl-"), lower.count == 6, let c = lower.last, c.isLetter, c.isASCII {
            // Ctrl-C, Ctrl-M (Enter), Ctrl-[ (Esc) and friends stay reserved.
            return "cmhi[".contains(c) ? nil : .ctrl(c)
        }
        if lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1 ... 12).contains(n) { return .function(n) }
        if text.count == 1, let c = text.first, !c.isWhitespace, c.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value != 0x7F }) {
            return .char(c)
        }
        return nil
    }

    /// How a key is shown: "r", "↑", "PgDn", "Ctrl-L".
    public static func name(_ key: Key) -> String {
        switch key {
        case .char(let c): String(c)
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .backspace: "Backspace"
        case .tab: "Tab"
        case .ctrl(let c): "Ctrl-\(c.uppercased())"
        case .function(let n): "F\(n)"
        case .unknown(let n): "key \(n)"
        }
    }
}
