public import Foundation

extension Rotation {
    /// Who holds the pager at `instant`: the override covering it if any (the
    /// last listed wins), else the person whose shift contains it. nil if the
    /// rotation has no one in it, an unknown time zone or an impossible handoff.
    public func onCall(at instant: Date) -> String? {
        RotationSchedule(self)?.person(at: instant)
    }

    /// The next moment strictly after `instant` at which the person on call
    /// changes (a shift handoff, an override starting or ending), and who takes
    /// over. A handoff from someone to themselves is not a handoff. nil if the
    /// pager never changes hands again, or the rotation is unusable.
    public func nextHandoff(after instant: Date) -> (at: Date, to: String)? {
        RotationSchedule(self)?.nextChange(after: instant)
    }

    /// `count` consecutive shifts, the first one containing `instant` (so it
    /// may have started before it). The rotation's shifts, cut where an
    /// override of someone else starts or ends; pieces of one person's time
    /// either side of an override's edge are joined. Empty if the rotation is
    /// unusable or `count` is not positive.
    public func shifts(from instant: Date, count: Int) -> [Shift] {
        guard count > 0, let schedule = RotationSchedule(self) else { return [] }
        return schedule.shifts(from: instant, count: count)
    }
}

/// The arithmetic behind `Rotation`'s schedule. Built only from a usable rotation.
struct RotationSchedule {
    /// One shift of the plain rotation, ignoring overrides.
    struct BaseShift: Equatable {
        var index: Int
        var from: Date
        var until: Date
    }

    /// A stretch in which nothing changes: no handoff and no override edge inside it.
    struct Piece {
        var person: String
        var from: Date
        var until: Date
    }

    enum Kind {
        /// Wall-clock handoffs every `period` local days, at `minuteOfDay`;
        /// `weekday` 1…7 aligns weekly ones.
        case calendar(zone: TimeZone, weekday: Int?, minuteOfDay: Int, period: Int, startDay: Int)
        case fixed(seconds: TimeInterval)
    }

    let people: [String]
    let start: Date
    let kind: Kind
    /// Overrides that cover something, in listed order.
    let overrides: [Override]
    /// Every override start and end, sorted, without repeats.
    let edges: [Date]
    let distinctPeople: Int

    /// Instants this far (in seconds) from 1970 are out of range, which keeps
    /// the day and shift numbers well inside `Int`.
    static let range: TimeInterval = 1e12

    init?(_ rotation: Rotation) {
        guard !rotation.people.isEmpty, rotation.handoff.problem == nil,
            Self.inRange(rotation.start)
        else { return nil }
        people = rotation.people
        start = rotation.start
        distinctPeople = Set(rotation.people).count
        overrides = rotation.overrides.filter { $0.from < $0.until && !Rotation.isBlank($0.person) }
        edges = Array(Set(overrides.flatMap { [$0.from, $0.until] })).sorted()
        switch rotation.handoff {
        case .every(let seconds):
            kind = .fixed(seconds: seconds)
        case .daily(let hour, let minute), .weekly(_, let hour, let minute):
            guard let zone = TimeZone(identifier: rotation.timeZone) else { return nil }
            var weekday: Int?
            if case .weekly(let day, _, _) = rotation.handoff { weekday = day }
            let period = weekday == nil ? 1 : 7
            let minuteOfDay = hour * 60 + minute
            guard
                let startDay = Self.handoffDay(
                    atOrBefore: rotation.start, zone: zone, weekday: weekday,
                    minuteOfDay: minuteOfDay, period: period)
            else { return nil }
            kind = .calendar(zone: zone, weekday: weekday, minuteOfDay: minuteOfDay, period: period, startDay: startDay)
        }
    }

    // MARK: The plain rotation

    static func inRange(_ date: Date) -> Bool {
        abs(date.timeIntervalSince1970) < range
    }

    /// The shift of the plain rotation containing `instant`.
    func baseShift(containing instant: Date) -> BaseShift? {
        guard Self.inRange(instant) else { return nil }
        switch kind {
        case .fixed(let seconds):
            guard var k = Int(exactly: (instant.timeIntervalSince(start) / seconds).rounded(.down)) else { return nil }
            // Floating-point rounding can put the estimate one shift off.
            while start.addingTimeInterval(Double(k) * seconds) > instant { k -= 1 }
            while start.addingTimeInterval(Double(k + 1) * seconds) <= instant { k += 1 }
            return BaseShift(
                index: k, from: start.addingTimeInterval(Double(k) * seconds),
                until: start.addingTimeInterval(Double(k + 1) * seconds))
        case .calendar(let zone, let weekday, let minuteOfDay, let period, let startDay):
            guard
                let day = Self.handoffDay(
                    atOrBefore: instant, zone: zone, weekday: weekday,
                    minuteOfDay: minuteOfDay, period: period)
            else { return nil }
            return BaseShift(
                index: (day - startDay) / period,
                from: Self.handoffInstant(day: day, minuteOfDay: minuteOfDay, zone: zone),
                until: Self.handoffInstant(day: day + period, minuteOfDay: minuteOfDay, zone: zone))
        }
    }

    func isBaseHandoff(_ instant: Date) -> Bool {
        baseShift(containing: instant)?.from == instant
    }

    /// Local day number (days since 1970-01-01 in `zone`) of `instant`.
    static func localDay(_ instant: Date, zone: TimeZone) -> Int? {
        let local = instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))
        return Int(exactly: (local / 86_400).rounded(.down))
    }

    /// 1 = Sunday … 7 = Saturday; day 0 (1970-01-01) was a Thursday.
    static func weekday(ofDay day: Int) -> Int { mod(day + 4, 7) + 1 }

    /// The local day whose handoff is the latest one at or before `instant`.
    static func handoffDay(
        atOrBefore instant: Date, zone: TimeZone, weekday: Int?,
        minuteOfDay: Int, period: Int
    ) -> Int? {
        guard var day = localDay(instant, zone: zone) else { return nil }
        if let weekday { day -= mod(Self.weekday(ofDay: day) - weekday, 7) }
        // Handoff instants rise with the day, so these settle in a step or two;
        // they only move at all when a DST gap pushes a handoff past midnight.
        while handoffInstant(day: day, minuteOfDay: minuteOfDay, zone: zone) > instant { day -= period }
        while handoffInstant(day: day + period, minuteOfDay: minuteOfDay, zone: zone) <= instant { day += period }
        return day
    }

    /// The instant the local wall clock in `zone` shows `minuteOfDay` on local
    /// day `day`. When that time occurs twice (clocks go back) it is the first
    /// time; when it does not occur (clocks go forward over it) it is as long
    /// after the time as the gap is long, e.g. 02:30 on a spring-forward night
    /// in the US is 03:30 daylight time.
    static func handoffInstant(day: Int, minuteOfDay: Int, zone: TimeZone) -> Date {
        let wall = Double(day) * 86_400 + Double(minuteOfDay) * 60
        let before = zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall - 86_400))
        let after = zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall + 86_400))
        var earliest: TimeInterval?
        for offset in Set([before, after]) {
            let candidate = wall - Double(offset)
            if zone.secondsFromGMT(for: Date(timeIntervalSince1970: candidate)) == offset {
                earliest = min(earliest ?? candidate, candidate)
            }
        }
        return Date(timeIntervalSince1970: earliest ?? wall - Double(before))
    }

    static func mod(_ a: Int, _ n: Int) -> Int { ((a % n) + n) % n }

    // MARK: With overrides

    func covering(_ instant: Date) -> Override? {
        overrides.last { $0.covers(instant) }
    }

    func person(at instant: Date) -> String? {
        piece(containing: instant)?.person
    }

    func piece(containing instant: Date) -> Piece? {
        guard let base = baseShift(containing: instant) else { return nil }
        let edgeBefore = edges.last { $0 <= instant }
        let edgeAfter = edges.first { $0 > instant }
        if let cover = covering(instant) {
            return Piece(person: cover.person, from: edgeBefore ?? cover.from, until: edgeAfter ?? cover.until)
        }
        return Piece(
            person: people[Self.mod(base.index, people.count)],
            from: max(base.from, edgeBefore ?? base.from),
            until: min(base.until, edgeAfter ?? base.until))
    }

    /// The piece just before the one starting at `instant`.
    func piece(endingAt instant: Date) -> Piece? {
        piece(containing: Date(timeIntervalSinceReferenceDate: instant.timeIntervalSinceReferenceDate.nextDown))
    }

    func nextChange(after instant: Date) -> (at: Date, to: String)? {
        guard var piece = piece(containing: instant) else { return nil }
        let current = piece.person
        if distinctPeople <= 1 {
            // The rotation alone never changes hands; only overrides can.
            for edge in edges where edge > instant {
                if let who = person(at: edge), who != current { return (edge, who) }
            }
            return nil
        }
        // Each step crosses an override edge or a handoff of the plain
        // rotation, which changes hands within `people.count` handoffs.
        let limit = (edges.count + 1) * (people.count + 2)
        for _ in 0 ..< limit {
            guard let next = self.piece(containing: piece.until) else { return nil }
            if next.person != current { return (piece.until, next.person) }
            piece = next
        }
        return nil
    }

    func shifts(from instant: Date, count: Int) -> [Rotation.Shift] {
        guard var current = piece(containing: instant) else { return [] }
        // Joins only happen across override edges, so each loop is short.
        for _ in 0 ... edges.count {
            guard !isBaseHandoff(current.from), let before = piece(endingAt: current.from),
                before.person == current.person
            else { break }
            current.from = before.from
        }
        var result: [Rotation.Shift] = []
        while result.count < count {
            for _ in 0 ... edges.count {
                guard !isBaseHandoff(current.until), let after = piece(containing: current.until),
                    after.person == current.person
                else { break }
                current.until = after.until
            }
            result.append(Rotation.Shift(person: current.person, from: current.from, until: current.until))
            guard let next = piece(containing: current.until) else { break }
            current = next
        }
        return result
    }
}
