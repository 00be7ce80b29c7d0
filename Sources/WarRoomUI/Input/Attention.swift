public import Foundation
public import WarRoomCore

/// How many tmux clients are watching this screen.
public struct Viewers: Sendable, Equatable {
    public var total: Int
    public var readOnly: Int
    public init(total: Int, readOnly: Int) {
        self.total = total
        self.readOnly = readOnly
    }

    /// Parse `tmux list-clients -F '#{session_name}\t#{client_readonly}'` for one session.
    public static func parse(_ output: String, session: String) -> Viewers {
        var total = 0
        var readOnly = 0
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == session else { continue }
            total += 1
            if parts[1] == "1" { readOnly += 1 }
        }
        return Viewers(total: total, readOnly: readOnly)
    }
}

/// What the terminal does to get attention when severity rises: a bell, and a
/// desktop notification through OSC 9 or OSC 777 where the terminal shows one.
public enum AttentionSignal: Sendable, Equatable {
    case bell
    case notify(title: String, body: String)
}

/// The desktop-notification escape a terminal understands.
public enum NotifyProtocol: String, Sendable, CaseIterable {
    case off, osc9, osc777

    /// iTerm2, WezTerm and Windows Terminal show OSC 9; foot, Ghostty, urxvt
    /// (with its notify extension) and VTE terminals show OSC 777. Anything else
    /// gets the bell only. `WARROOM_NOTIFY` (off, osc9, osc777) overrides.
    public static func detect(env: [String: String]) -> NotifyProtocol {
        if let forced = env["WARROOM_NOTIFY"].flatMap({ NotifyProtocol(rawValue: $0.lowercased()) }) { return forced }
        let program = (env["LC_TERMINAL"] ?? env["TERM_PROGRAM"] ?? "").lowercased()
        if ["iterm2", "iterm.app", "wezterm"].contains(program) || env["WT_SESSION"] != nil { return .osc9 }
        if ["ghostty"].contains(program) || env["VTE_VERSION"] != nil || (env["TERM"] ?? "").hasPrefix("foot")
            || (env["TERM"] ?? "").hasPrefix("rxvt")
        {
            return .osc777
        }
        return .off
    }

    /// The bytes to write; inside tmux wrapped in its passthrough (tmux needs
    /// `set -g allow-passthrough on` to let them out).
    public func sequence(title: String, body: String, insideTmux: Bool) -> String? {
        // Inert text (no C0, C1 or DEL: U+009C or BEL would end the sequence
        // early, ESC would start another) without ";" (the field separator),
        // at most 200 scalars.
        func clean(_ s: String) -> String {
            var out = String.UnicodeScalarView()
            out.append(contentsOf: InertText.clean(s).unicodeScalars.lazy.filter { $0 != ";" }.prefix(200))
            return String(out)
        }
        let raw: String
        switch self {
        case .off: return nil
        case .osc9: raw = "\u{1B}]9;\(clean(title)): \(clean(body))\u{07}"
        case .osc777: raw = "\u{1B}]777;notify;\(clean(title));\(clean(body))\u{07}"
        }
        guard insideTmux else { return raw }
        return "\u{1B}Ptmux;" + raw.replacingOccurrences(of: "\u{1B}", with: "\u{1B}\u{1B}") + "\u{1B}\\"
    }
}

/// Decides when to ring: only when severity rises, and the bell at most once
/// per `minimumGap`, however often it flaps. The first reading only sets the
/// baseline: opening warroom on a SEV-2 does not ring.
public struct Attention: Sendable {
    public var minimumGap: TimeInterval
    private var last: Severity?
    private var lastRang: Date?

    public init(minimumGap: TimeInterval = 30) {
        self.minimumGap = minimumGap
    }

    public mutating func update(_ state: WarRoomState, now: Date) -> [AttentionSignal] {
        let severity = state.shownSeverity
        defer { last = severity }
        guard let last, severity > last, severity >= .sev3 else { return [] }
        if let rang = lastRang, now.timeIntervalSince(rang) < minimumGap { return [] }
        lastRang = now
        let service = state.session?.service ?? "warroom"
        let why = state.incident.map { "incident #\($0.number): \($0.title)" } ?? "severity rose"
        return [.bell, .notify(title: "\(service) \(severity.label)", body: why)]
    }
}
