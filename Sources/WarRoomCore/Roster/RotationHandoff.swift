public import Foundation

/// When a rotation's pager passes to the next person.
public enum Handoff: Sendable, Codable, Equatable, CustomStringConvertible {
    /// Once a week at a local wall-clock time; `weekday` 1 = Sunday … 7 = Saturday.
    case weekly(weekday: Int, hour: Int, minute: Int)
    /// Every day at a local wall-clock time.
    case daily(hour: Int, minute: Int)
    /// Fixed-length shifts counted from the rotation's start, whatever the
    /// clocks say (for compressed demos). At least one second.
    case every(seconds: TimeInterval)

    public struct ParseError: Error, CustomStringConvertible, Equatable, Sendable {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    /// Weekday names, index 0 = Sunday.
    static let weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    /// Why this handoff cannot be used, or nil.
    public var problem: String? {
        func clock(_ hour: Int, _ minute: Int) -> String? {
            if !(0 ... 23).contains(hour) { return "handoff hour \(hour) is not 0–23" }
            if !(0 ... 59).contains(minute) { return "handoff minute \(minute) is not 0–59" }
            return nil
        }
        switch self {
        case .weekly(let weekday, let hour, let minute):
            if !(1 ... 7).contains(weekday) { return "handoff weekday \(weekday) is not 1 (Sunday) to 7 (Saturday)" }
            return clock(hour, minute)
        case .daily(let hour, let minute):
            return clock(hour, minute)
        case .every(let seconds):
            if !(seconds.isFinite && seconds >= 1) { return "a shift must last at least one second (got \(seconds))" }
            return nil
        }
    }

    /// The config text: "Sundays 18:00", "daily 09:30", "every 8h", "every 1m30s".
    /// `parse(description)` gives the same value back.
    public var description: String {
        switch self {
        case .weekly(let weekday, let hour, let minute):
            let day = (1 ... 7).contains(weekday) ? Self.weekdayNames[weekday - 1] + "s" : "weekday\(weekday)"
            return "\(day) \(Self.clockText(hour, minute))"
        case .daily(let hour, let minute):
            return "daily \(Self.clockText(hour, minute))"
        case .every(let seconds):
            return "every \(Self.durationText(seconds))"
        }
    }

    // MARK: Parsing

    /// Reads the handoff text used in config, case-insensitively:
    /// - `"Sundays 18:00"`, `"sunday 18:00"`, `"Mon 9:30"`, `"Fridays at 17:00"`
    /// - `"daily 09:30"`, `"daily at 9:30"`
    /// - `"every 8h"`, `"every 90s"`, `"every 1h30m"`, `"every 2 days"` (units w, d, h, m, s)
    public static func parse(_ text: String) throws(ParseError) -> Handoff {
        let words = text.split(whereSeparator: \.isWhitespace).map { $0.lowercased() }
        let examples = "expected e.g. \"Sundays 18:00\", \"daily 09:30\" or \"every 8h\""
        guard let first = words.first else { throw ParseError("empty handoff; \(examples)") }
        let quoted = "'\(words.joined(separator: " "))'"

        if first == "every" {
            let rest = words.dropFirst().joined()
            guard !rest.isEmpty else {
                throw ParseError("handoff \(quoted) has no length; expected e.g. \"every 8h\" or \"every 90s\"")
            }
            guard let seconds = duration(rest) else {
                throw ParseError(
                    "bad shift length '\(words.dropFirst().joined(separator: " "))' in handoff \(quoted); "
                        + "expected e.g. 8h, 90s, 1h30m, 2d")
            }
            guard seconds >= 1 else {
                throw ParseError("handoff \(quoted): a shift must last at least one second")
            }
            return .every(seconds: seconds)
        }

        let weekday: Int?
        if first == "daily" {
            weekday = nil
        } else if let day = weekdays[first] {
            weekday = day
        } else {
            throw ParseError(
                "unknown day '\(first)' in handoff \(quoted); "
                    + "expected a weekday (Monday … Sunday), \"daily\" or \"every\"")
        }
        var rest = Array(words.dropFirst())
        if rest.first == "at" { rest.removeFirst() }
        guard let time = rest.first else {
            let hint = weekday == nil ? "\"daily 09:30\"" : "\"\(first) 18:00\""
            throw ParseError("handoff \(quoted) has no time; expected e.g. \(hint)")
        }
        guard rest.count == 1 else {
            throw ParseError("unexpected '\(rest.dropFirst().joined(separator: " "))' in handoff \(quoted); \(examples)")
        }
        guard let (hour, minute) = clock(time) else {
            throw ParseError("bad time '\(time)' in handoff \(quoted); expected HH:MM from 00:00 to 23:59")
        }
        if let weekday { return .weekly(weekday: weekday, hour: hour, minute: minute) }
        return .daily(hour: hour, minute: minute)
    }

    private static let weekdays: [String: Int] = {
        var table: [String: Int] = [:]
        for (i, name) in weekdayNames.enumerated() {
            let lower = name.lowercased()
            table[lower] = i + 1
            table[lower + "s"] = i + 1
            table[String(lower.prefix(3))] = i + 1
        }
        for (short, day) in [("tues", 3), ("weds", 4), ("thur", 5), ("thurs", 5)] { table[short] = day }
        return table
    }()

    /// "18:00", "9:05" → (18, 0), (9, 5); nil unless H:MM or HH:MM within a day.
    private static func clock(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2,
            (1 ... 2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0 ... 23).contains(hour), (0 ... 59).contains(minute)
        else { return nil }
        return (hour, minute)
    }

    private static let units: [String: TimeInterval] = {
        var table: [String: TimeInterval] = [:]
        let spellings: [([String], TimeInterval)] = [
            (["s", "sec", "secs", "second", "seconds"], 1),
            (["m", "min", "mins", "minute", "minutes"], 60),
            (["h", "hr", "hrs", "hour", "hours"], 3600),
            (["d", "day", "days"], 86_400),
            (["w", "wk", "wks", "week", "weeks"], 604_800),
        ]
        for (names, seconds) in spellings { for name in names { table[name] = seconds } }
        return table
    }()

    /// "8h", "90s", "1h30m", "1.5h", "2days" → seconds; nil if malformed.
    private static func duration(_ text: String) -> TimeInterval? {
        var total: TimeInterval = 0
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { ($0.isASCII && $0.isNumber) || $0 == "." }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            guard !number.isEmpty, let value = Double(number), value.isFinite,
                let scale = units[String(unit)]
            else { return nil }
            total += value * scale
        }
        return total.isFinite ? total : nil
    }

    static func clockText(_ hour: Int, _ minute: Int) -> String {
        String(format: "%02d:%02d", hour, minute)
    }

    /// Whole seconds as "1d", "8h", "1m30s"; fractions as "1.5s".
    static func durationText(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite, seconds > 0, seconds == seconds.rounded(), seconds < 1e15 else {
            return "\(seconds)s"
        }
        var s = Int(seconds)
        var text = ""
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] where s >= size {
            text += "\(s / size)\(unit)"
            s %= size
        }
        return text
    }
}
