public import Foundation

/// One on-call rotation ("primary", "secondary"): people take the pager in
/// turn, handing it over at a local wall-clock time in the rotation's zone.
///
/// All calculations are pure: they read only the value and the instant given.
/// A rotation with `problems()` (nobody in it, an unknown time zone, an
/// impossible handoff) has no schedule: `onCall` and `nextHandoff` give nil
/// and `shifts` gives nothing.
public struct Rotation: Sendable, Codable, Equatable {
    public var name: String
    /// Handles or names, in order of the rotation.
    public var people: [String]
    /// IANA identifier, e.g. "America/Los_Angeles".
    public var timeZone: String
    /// When the baton passes.
    public var handoff: Handoff
    /// An instant at which `people[0]` holds the pager: the shift containing
    /// it is `people[0]`'s, the next one `people[1]`'s, the one before it the
    /// last person's, and so on in both directions.
    public var start: Date
    /// Someone else covers a stretch of time. Where overrides overlap (a
    /// problem `problems()` reports) the one listed last wins.
    public var overrides: [Override]

    public init(
        name: String, people: [String], timeZone: String, handoff: Handoff,
        start: Date, overrides: [Override] = []
    ) {
        self.name = name
        self.people = people
        self.timeZone = timeZone
        self.handoff = handoff
        self.start = start
        self.overrides = overrides
    }

    /// A stretch of time one person holds the pager.
    public struct Shift: Sendable, Codable, Equatable {
        public var person: String
        /// Inclusive.
        public var from: Date
        /// Exclusive.
        public var until: Date

        public init(person: String, from: Date, until: Date) {
            self.person = person
            self.from = from
            self.until = until
        }

        public var duration: TimeInterval { until.timeIntervalSince(from) }
    }
}

/// Someone covers `[from, until)` instead of whoever the rotation says.
public struct Override: Sendable, Codable, Equatable {
    public var person: String
    /// Inclusive.
    public var from: Date
    /// Exclusive.
    public var until: Date

    public init(person: String, from: Date, until: Date) {
        self.person = person
        self.from = from
        self.until = until
    }

    public func covers(_ instant: Date) -> Bool { from <= instant && instant < until }
}

// MARK: - Validation

extension Rotation {
    /// Human-readable problems with this rotation, empty if there are none.
    /// The caller adds where the rotation came from (file, line).
    public func problems() -> [String] {
        var found: [String] = []
        let label = Self.isBlank(name) ? "a rotation with no name" : "rotation \(name)"
        if Self.isBlank(name) { found.append("a rotation has no name") }
        if people.isEmpty {
            found.append("\(label) has no one in it")
        } else if people.contains(where: Self.isBlank) {
            found.append("\(label) has a blank entry in its people")
        }
        let zone = TimeZone(identifier: timeZone)
        if zone == nil {
            found.append(Self.isBlank(timeZone) ? "\(label) has no time zone" : "unknown time zone '\(timeZone)'")
        }
        if let problem = handoff.problem { found.append("\(label): \(problem)") }

        let shown = zone ?? TimeZone(secondsFromGMT: 0) ?? TimeZone.current
        func span(_ o: Override) -> String {
            "\(Self.dayText(o.from, in: shown)) → \(Self.dayText(o.until, in: shown))"
        }
        for o in overrides {
            if Self.isBlank(o.person) {
                found.append("an override (\(span(o))) has no one in it")
            }
            if o.until < o.from {
                found.append("an override ends before it starts: \(Self.who(o)) (\(span(o)))")
            } else if o.until == o.from {
                found.append("an override ends as soon as it starts: \(Self.who(o)) (\(span(o)))")
            }
        }
        let real = overrides.filter { $0.from < $0.until }
        for i in real.indices {
            for j in real.indices where j > i && real[i].from < real[j].until && real[j].from < real[i].until {
                found.append(
                    "overrides for \(Self.who(real[i])) (\(span(real[i]))) "
                        + "and \(Self.who(real[j])) (\(span(real[j]))) overlap")
            }
        }
        return found
    }

    /// The roster entry for one of `people` (or an override's person): matched
    /// by handle, then by name, ignoring case and a leading "@".
    public static func person(_ who: String, among roster: [Person]) -> Person? {
        func key(_ s: String) -> String {
            let t = s.trimmingCharacters(in: .whitespaces).lowercased()
            return t.hasPrefix("@") ? String(t.dropFirst()) : t
        }
        let wanted = key(who)
        guard !wanted.isEmpty else { return nil }
        return roster.first { key($0.handle) == wanted } ?? roster.first { key($0.name) == wanted }
    }

    static func isBlank(_ s: String) -> Bool { s.trimmingCharacters(in: .whitespaces).isEmpty }

    private static func who(_ o: Override) -> String { isBlank(o.person) ? "(no one)" : o.person }

    /// "2026-11-20" at local midnight, else "2026-11-20 18:00" (with seconds if any).
    static func dayText(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let (y, mo, d) = (c.year ?? 0, c.month ?? 0, c.day ?? 0)
        let (h, mi, s) = (c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
        let day = String(format: "%04d-%02d-%02d", y, mo, d)
        if h == 0 && mi == 0 && s == 0 { return day }
        if s == 0 { return day + String(format: " %02d:%02d", h, mi) }
        return day + String(format: " %02d:%02d:%02d", h, mi, s)
    }
}
