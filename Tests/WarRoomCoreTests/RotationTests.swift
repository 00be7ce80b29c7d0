import Foundation
import Testing

@testable import WarRoomCore

/// An instant from an ISO-8601 string with an explicit offset, e.g. "2026-03-08T18:00:00-07:00".
private func at(_ text: String) throws -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return try #require(formatter.date(from: text), "bad test date \(text)")
}

/// An instant from a local wall-clock time in `zone` (built with a Calendar, not with the code under test).
private func local(_ zone: String, _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) throws -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = try #require(TimeZone(identifier: zone))
    let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)
    return try #require(calendar.date(from: components))
}

private let hour: TimeInterval = 3600

@Suite("On-call rotations")
struct RotationTests {
    /// Sundays 18:00 Los Angeles; ana's shift starts Sunday 2026-03-01 18:00 PST.
    func losAngeles(_ overrides: [Override] = []) throws -> Rotation {
        Rotation(
            name: "primary", people: ["ana", "ben", "cy"], timeZone: "America/Los_Angeles",
            handoff: .weekly(weekday: 1, hour: 18, minute: 0),
            start: try at("2026-03-02T02:00:00Z"), overrides: overrides)
    }

    // MARK: Weekly, daily, every

    @Test("weekly handoff stays at 18:00 local across the March 2026 DST change")
    func weeklySpringForward() throws {
        let r = try losAngeles()
        #expect(r.onCall(at: try at("2026-03-01T17:59:59-08:00")) == "cy")
        #expect(r.onCall(at: try at("2026-03-01T18:00:00-08:00")) == "ana")
        #expect(r.onCall(at: try at("2026-03-08T17:59:59-07:00")) == "ana")
        #expect(r.onCall(at: try at("2026-03-08T18:00:00-07:00")) == "ben")
        // A fixed 168 h would hand over at 19:00 PDT.
        #expect(r.onCall(at: try at("2026-03-08T18:30:00-07:00")) == "ben")
        #expect(r.onCall(at: try local("America/Los_Angeles", 2026, 3, 15, 17, 59)) == "ben")
        #expect(r.onCall(at: try local("America/Los_Angeles", 2026, 3, 15, 18, 0)) == "cy")
        let shift = try #require(r.shifts(from: try at("2026-03-05T00:00:00Z"), count: 1).first)
        #expect(
            shift
                == Rotation.Shift(
                    person: "ana", from: try at("2026-03-01T18:00:00-08:00"),
                    until: try at("2026-03-08T18:00:00-07:00")))
        #expect(shift.duration == 167 * hour)
    }

    @Test("weekly handoff stays at 18:00 local across the November 2026 DST change")
    func weeklyFallBack() throws {
        let r = try losAngeles()
        // 2026-10-25 is 34 weeks after 2026-03-01: shift 34 is ben's, 35 is cy's.
        #expect(r.onCall(at: try at("2026-10-25T17:59:59-07:00")) == "ana")
        #expect(r.onCall(at: try at("2026-10-25T18:00:00-07:00")) == "ben")
        #expect(r.onCall(at: try at("2026-11-01T01:30:00-08:00")) == "ben")
        #expect(r.onCall(at: try at("2026-11-01T17:59:59-08:00")) == "ben")
        #expect(r.onCall(at: try at("2026-11-01T18:00:00-08:00")) == "cy")
        #expect(r.onCall(at: try local("America/Los_Angeles", 2026, 11, 8, 18, 0)) == "ana")
        let shifts = r.shifts(from: try at("2026-10-28T12:00:00Z"), count: 2)
        #expect(shifts.map(\.person) == ["ben", "cy"])
        #expect(shifts.map(\.duration) == [169 * hour, 168 * hour])
        #expect(shifts.first?.from == (try at("2026-10-26T01:00:00Z")))
        #expect(shifts.first?.until == (try at("2026-11-02T02:00:00Z")))
    }

    @Test("Europe/Berlin: Monday 09:00 across both 2026 changes (March 29, October 25)")
    func berlin() throws {
        let r = Rotation(
            name: "eu", people: ["ana", "ben"], timeZone: "Europe/Berlin",
            handoff: .weekly(weekday: 2, hour: 9, minute: 0),
            start: try at("2026-03-16T09:00:00+01:00"))
        #expect(r.onCall(at: try at("2026-03-23T08:59:59+01:00")) == "ana")
        #expect(r.onCall(at: try at("2026-03-23T09:00:00+01:00")) == "ben")
        #expect(r.onCall(at: try at("2026-03-30T08:59:59+02:00")) == "ben")
        #expect(r.onCall(at: try at("2026-03-30T09:00:00+02:00")) == "ana")
        #expect(r.onCall(at: try at("2026-10-26T08:59:59+01:00")) == "ben")
        #expect(r.onCall(at: try at("2026-10-26T09:00:00+01:00")) == "ana")
        #expect(r.nextHandoff(after: try at("2026-03-25T12:00:00Z"))?.at == (try at("2026-03-30T07:00:00Z")))
    }

    @Test("Asia/Kolkata: +5:30 all year, no DST")
    func kolkata() throws {
        let r = Rotation(
            name: "in", people: ["ana", "ben", "cy"], timeZone: "Asia/Kolkata",
            handoff: .weekly(weekday: 1, hour: 18, minute: 0),
            start: try at("2026-01-04T18:00:00+05:30"))
        #expect(r.onCall(at: try at("2026-01-11T12:29:59Z")) == "ana")
        #expect(r.onCall(at: try at("2026-01-11T12:30:00Z")) == "ben")
        // 26 weeks later, in the northern summer, still 12:30 UTC.
        #expect(r.onCall(at: try at("2026-07-05T17:59:59+05:30")) == "ben")
        #expect(r.onCall(at: try at("2026-07-05T18:00:00+05:30")) == "cy")
        #expect(r.shifts(from: try at("2026-07-01T00:00:00Z"), count: 3).allSatisfy { $0.duration == 168 * hour })
    }

    @Test("daily handoff: 23-hour and 25-hour days")
    func daily() throws {
        let r = Rotation(
            name: "d", people: ["ana", "ben"], timeZone: "America/Los_Angeles",
            handoff: .daily(hour: 9, minute: 30), start: try at("2026-03-07T09:30:00-08:00"))
        #expect(r.onCall(at: try at("2026-03-07T09:29:59-08:00")) == "ben")
        #expect(r.onCall(at: try at("2026-03-08T09:29:59-07:00")) == "ana")
        #expect(r.onCall(at: try at("2026-03-08T09:30:00-07:00")) == "ben")
        #expect(r.onCall(at: try at("2026-03-09T09:30:00-07:00")) == "ana")
        #expect(r.shifts(from: try at("2026-03-07T12:00:00-08:00"), count: 2).map(\.duration) == [23 * hour, 24 * hour])
        let fall = r.shifts(from: try at("2026-10-31T12:00:00-07:00"), count: 1)
        #expect(fall.map(\.duration) == [25 * hour])
    }

    @Test("a handoff time skipped by DST happens as much later as the gap; a repeated one the first time")
    func dstEdges() throws {
        let gap = Rotation(
            name: "g", people: ["ana", "ben"], timeZone: "America/Los_Angeles",
            handoff: .daily(hour: 2, minute: 30), start: try at("2026-03-06T02:30:00-08:00"))
        #expect(gap.onCall(at: try at("2026-03-07T02:30:00-08:00")) == "ben")
        #expect(gap.onCall(at: try at("2026-03-08T03:29:59-07:00")) == "ben")
        #expect(gap.onCall(at: try at("2026-03-08T03:30:00-07:00")) == "ana")
        #expect(gap.onCall(at: try at("2026-03-09T02:30:00-07:00")) == "ben")

        let twice = Rotation(
            name: "t", people: ["ana", "ben"], timeZone: "America/Los_Angeles",
            handoff: .daily(hour: 1, minute: 30), start: try at("2026-10-30T01:30:00-07:00"))
        #expect(twice.onCall(at: try at("2026-11-01T01:29:59-07:00")) == "ben")
        #expect(twice.onCall(at: try at("2026-11-01T01:30:00-07:00")) == "ana")
        #expect(twice.onCall(at: try at("2026-11-01T01:30:00-08:00")) == "ana")
        #expect(twice.onCall(at: try at("2026-11-02T01:30:00-08:00")) == "ben")
    }

    @Test("every: fixed lengths from start, blind to DST")
    func every() throws {
        let r = Rotation(
            name: "demo", people: ["ana", "ben", "cy"], timeZone: "UTC",
            handoff: .every(seconds: 8 * hour), start: try at("2026-01-01T00:00:00Z"))
        #expect(r.onCall(at: try at("2026-01-01T07:59:59Z")) == "ana")
        #expect(r.onCall(at: try at("2026-01-01T08:00:00Z")) == "ben")
        #expect(r.onCall(at: try at("2026-01-01T16:00:00Z")) == "cy")
        #expect(r.onCall(at: try at("2026-01-02T00:00:00Z")) == "ana")
        #expect(r.nextHandoff(after: try at("2026-01-01T08:00:00Z"))?.at == (try at("2026-01-01T16:00:00Z")))

        let fast = Rotation(
            name: "fast", people: ["ana", "ben"], timeZone: "America/Los_Angeles",
            handoff: .every(seconds: 90), start: try at("2026-03-08T09:59:00Z"))
        let t0 = fast.start
        #expect(fast.onCall(at: t0.addingTimeInterval(89)) == "ana")
        #expect(fast.onCall(at: t0.addingTimeInterval(90)) == "ben")
        #expect(fast.onCall(at: t0.addingTimeInterval(180)) == "ana")
        #expect(fast.shifts(from: t0, count: 4).map(\.duration) == [90, 90, 90, 90])

        var daylong = fast
        daylong.handoff = .every(seconds: 24 * hour)
        #expect(daylong.shifts(from: t0, count: 1).first?.until == t0.addingTimeInterval(24 * hour))
    }

    @Test("before start the rotation counts backwards")
    func beforeStart() throws {
        let every = Rotation(
            name: "e", people: ["ana", "ben", "cy"], timeZone: "UTC",
            handoff: .every(seconds: 8 * hour), start: try at("2026-01-01T00:00:00Z"))
        #expect(every.onCall(at: try at("2025-12-31T23:59:59Z")) == "cy")
        #expect(every.onCall(at: try at("2025-12-31T16:00:00Z")) == "cy")
        #expect(every.onCall(at: try at("2025-12-31T15:59:59Z")) == "ben")
        #expect(every.onCall(at: try at("2025-12-31T08:00:00Z")) == "ben")
        #expect(every.onCall(at: try at("2025-12-31T07:59:59Z")) == "ana")

        // start in the summer (PDT), asked about January (PST), 26 weeks earlier.
        var summer = try losAngeles()
        summer.start = try at("2026-07-05T18:00:00-07:00")
        #expect(summer.onCall(at: try at("2026-07-05T17:59:59-07:00")) == "cy")
        #expect(summer.onCall(at: try at("2026-01-04T18:00:00-08:00")) == "ben")
        #expect(summer.onCall(at: try at("2026-01-04T17:59:59-08:00")) == "ana")
        // start in the middle of a shift: that whole shift is people[0]'s.
        summer.start = try at("2026-07-08T03:00:00-07:00")
        #expect(summer.onCall(at: try at("2026-07-05T18:00:00-07:00")) == "ana")
        #expect(summer.onCall(at: try at("2026-07-05T17:59:59-07:00")) == "cy")
    }

    @Test("no one in the rotation, or an unknown zone: no one on call")
    func unusable() throws {
        var r = try losAngeles()
        r.people = []
        #expect(r.onCall(at: r.start) == nil)
        #expect(r.nextHandoff(after: r.start) == nil)
        #expect(r.shifts(from: r.start, count: 3).isEmpty)
        r = try losAngeles()
        r.timeZone = "Mars/Olympus"
        #expect(r.onCall(at: r.start) == nil)
        r = try losAngeles()
        #expect(r.shifts(from: r.start, count: 0).isEmpty)
        #expect(r.onCall(at: Date(timeIntervalSince1970: .infinity)) == nil)
    }

    // MARK: Overrides

    @Test("an override covers [from, until)")
    func overrideBoundaries() throws {
        let cover = Override(
            person: "dan", from: try at("2026-03-04T09:00:00-08:00"),
            until: try at("2026-03-05T09:00:00-08:00"))
        let r = try losAngeles([cover])
        #expect(r.onCall(at: try at("2026-03-04T08:59:59-08:00")) == "ana")
        #expect(r.onCall(at: cover.from) == "dan")
        #expect(r.onCall(at: try at("2026-03-04T20:00:00-08:00")) == "dan")
        #expect(r.onCall(at: try at("2026-03-05T08:59:59-08:00")) == "dan")
        #expect(r.onCall(at: cover.until) == "ana")
    }

    @Test("an override across a handoff hides it; the last listed of two overlapping wins")
    func overrideAcrossHandoff() throws {
        let cover = Override(
            person: "dan", from: try at("2026-03-08T12:00:00-07:00"),
            until: try at("2026-03-09T12:00:00-07:00"))
        let r = try losAngeles([cover])
        #expect(r.onCall(at: try at("2026-03-08T18:00:00-07:00")) == "dan")
        #expect(r.onCall(at: try at("2026-03-09T12:00:00-07:00")) == "ben")

        let later = Override(
            person: "eve", from: try at("2026-03-09T00:00:00-07:00"),
            until: try at("2026-03-10T00:00:00-07:00"))
        let both = try losAngeles([cover, later])
        #expect(both.onCall(at: try at("2026-03-08T23:59:59-07:00")) == "dan")
        #expect(both.onCall(at: try at("2026-03-09T06:00:00-07:00")) == "eve")
        #expect(both.onCall(at: try at("2026-03-10T00:00:00-07:00")) == "ben")
    }

    @Test("nextHandoff: override start, override end, then the rotation")
    func nextHandoffAcrossOverride() throws {
        let cover = Override(
            person: "dan", from: try at("2026-03-04T09:00:00-08:00"),
            until: try at("2026-03-05T09:00:00-08:00"))
        let r = try losAngeles([cover])
        let first = try #require(r.nextHandoff(after: try at("2026-03-02T12:00:00-08:00")))
        #expect(first.at == cover.from && first.to == "dan")
        let second = try #require(r.nextHandoff(after: cover.from))
        #expect(second.at == cover.until && second.to == "ana")
        let third = try #require(r.nextHandoff(after: cover.until))
        #expect(third.at == (try at("2026-03-08T18:00:00-07:00")) && third.to == "ben")

        let across = try losAngeles([
            Override(
                person: "dan", from: try at("2026-03-08T12:00:00-07:00"),
                until: try at("2026-03-09T12:00:00-07:00"))
        ])
        let next = try #require(across.nextHandoff(after: try at("2026-03-08T13:00:00-07:00")))
        #expect(next.at == (try at("2026-03-09T12:00:00-07:00")) && next.to == "ben")

        // Covering for yourself is not a handoff.
        let own = try losAngeles([
            Override(
                person: "ana", from: try at("2026-03-04T09:00:00-08:00"),
                until: try at("2026-03-05T09:00:00-08:00"))
        ])
        #expect(own.nextHandoff(after: try at("2026-03-02T12:00:00-08:00"))?.at == (try at("2026-03-08T18:00:00-07:00")))
    }

    @Test("a one-person rotation only changes hands for overrides")
    func onePerson() throws {
        var r = try losAngeles()
        r.people = ["ana"]
        #expect(r.nextHandoff(after: r.start) == nil)
        r.overrides = [Override(person: "ben", from: try at("2027-01-01T00:00:00Z"), until: try at("2027-01-02T00:00:00Z"))]
        let next = try #require(r.nextHandoff(after: r.start))
        #expect(next.at == (try at("2027-01-01T00:00:00Z")) && next.to == "ben")
        #expect(r.nextHandoff(after: next.at)?.to == "ana")
        #expect(r.nextHandoff(after: try at("2027-01-02T00:00:00Z")) == nil)
    }

    @Test("shifts are cut by other people's overrides and joined around your own")
    func shiftsWithOverrides() throws {
        let r = try losAngeles([
            Override(person: "dan", from: try at("2026-03-04T09:00:00-08:00"), until: try at("2026-03-05T09:00:00-08:00")),
            Override(person: "ben", from: try at("2026-03-10T00:00:00-07:00"), until: try at("2026-03-11T00:00:00-07:00")),
        ])
        let shifts = r.shifts(from: try at("2026-03-03T00:00:00-08:00"), count: 4)
        #expect(
            shifts == [
                Rotation.Shift(person: "ana", from: try at("2026-03-01T18:00:00-08:00"), until: try at("2026-03-04T09:00:00-08:00")),
                Rotation.Shift(person: "dan", from: try at("2026-03-04T09:00:00-08:00"), until: try at("2026-03-05T09:00:00-08:00")),
                Rotation.Shift(person: "ana", from: try at("2026-03-05T09:00:00-08:00"), until: try at("2026-03-08T18:00:00-07:00")),
                Rotation.Shift(person: "ben", from: try at("2026-03-08T18:00:00-07:00"), until: try at("2026-03-15T18:00:00-07:00")),
            ])
        // Asked from inside the joined shift, it still starts at the handoff.
        #expect(r.shifts(from: try at("2026-03-14T00:00:00-07:00"), count: 1).first?.from == (try at("2026-03-08T18:00:00-07:00")))
    }

    // MARK: Parsing

    @Test(
        "parse: weekdays, daily and every",
        arguments: [
            ("Sundays 18:00", Handoff.weekly(weekday: 1, hour: 18, minute: 0)),
            ("sunday 18:00", .weekly(weekday: 1, hour: 18, minute: 0)),
            ("MON 9:05", .weekly(weekday: 2, hour: 9, minute: 5)),
            ("Monday 09:05", .weekly(weekday: 2, hour: 9, minute: 5)),
            ("  thursdays   at 00:00 ", .weekly(weekday: 5, hour: 0, minute: 0)),
            ("Saturdays 23:59", .weekly(weekday: 7, hour: 23, minute: 59)),
            ("daily 09:30", .daily(hour: 9, minute: 30)),
            ("Daily at 0:00", .daily(hour: 0, minute: 0)),
            ("every 8h", .every(seconds: 28_800)),
            ("every 90s", .every(seconds: 90)),
            ("EVERY 1h30m", .every(seconds: 5400)),
            ("every 2 days", .every(seconds: 172_800)),
            ("every 1w", .every(seconds: 604_800)),
        ])
    func parseGood(text: String, expected: Handoff) throws {
        #expect(try Handoff.parse(text) == expected)
        #expect(try Handoff.parse(expected.description) == expected)
    }

    @Test(
        "parse: bad input gives a message naming the problem",
        arguments: [
            ("", "empty handoff"),
            ("Sundy 18:00", "unknown day 'sundy'"),
            ("weekly 18:00", "unknown day 'weekly'"),
            ("Sundays", "has no time"),
            ("daily", "has no time"),
            ("Sundays 24:00", "bad time '24:00'"),
            ("Sundays 18:60", "bad time '18:60'"),
            ("Sundays 18", "bad time '18'"),
            ("daily 9:3", "bad time '9:3'"),
            ("Sundays 18:00 PST", "unexpected 'pst'"),
            ("every", "has no length"),
            ("every 8x", "bad shift length '8x'"),
            ("every -5m", "bad shift length '-5m'"),
            ("every 8", "bad shift length '8'"),
            ("every 0s", "at least one second"),
        ])
    func parseBad(text: String, fragment: String) {
        #expect(throws: Handoff.ParseError.self) { try Handoff.parse(text) }
        do {
            let handoff = try Handoff.parse(text)
            Issue.record("parsed '\(text)' as \(handoff)")
        } catch {
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test("description is the config text")
    func descriptions() {
        #expect(Handoff.weekly(weekday: 1, hour: 18, minute: 0).description == "Sundays 18:00")
        #expect(Handoff.daily(hour: 9, minute: 30).description == "daily 09:30")
        #expect(Handoff.every(seconds: 28_800).description == "every 8h")
        #expect(Handoff.every(seconds: 90).description == "every 1m30s")
    }

    // MARK: Validation

    @Test("a good rotation has no problems")
    func noProblems() throws {
        #expect(try losAngeles().problems() == [])
    }

    @Test("problems: empty rotation, unknown or missing zone, bad handoff values")
    func problems() throws {
        var r = try losAngeles()
        r.people = []
        #expect(r.problems() == ["rotation primary has no one in it"])
        r = try losAngeles()
        r.people = ["ana", " "]
        #expect(r.problems() == ["rotation primary has a blank entry in its people"])
        r = try losAngeles()
        r.timeZone = "Mars/Olympus"
        #expect(r.problems() == ["unknown time zone 'Mars/Olympus'"])
        r.timeZone = ""
        #expect(r.problems() == ["rotation primary has no time zone"])
        r = try losAngeles()
        r.name = ""
        #expect(r.problems() == ["a rotation has no name"])
        r = try losAngeles()
        r.handoff = .weekly(weekday: 8, hour: 18, minute: 0)
        #expect(r.problems() == ["rotation primary: handoff weekday 8 is not 1 (Sunday) to 7 (Saturday)"])
        r.handoff = .daily(hour: 24, minute: 0)
        #expect(r.problems() == ["rotation primary: handoff hour 24 is not 0–23"])
        r.handoff = .daily(hour: 9, minute: 60)
        #expect(r.problems() == ["rotation primary: handoff minute 60 is not 0–59"])
        r.handoff = .every(seconds: 0)
        #expect(r.problems() == ["rotation primary: a shift must last at least one second (got 0.0)"])
        #expect(r.onCall(at: r.start) == nil)
    }

    @Test("problems: overlapping, reversed, empty and nameless overrides")
    func overrideProblems() throws {
        let ana = Override(
            person: "ana", from: try local("America/Los_Angeles", 2026, 11, 20, 0),
            until: try local("America/Los_Angeles", 2026, 11, 22, 0))
        let ben = Override(
            person: "ben", from: try local("America/Los_Angeles", 2026, 11, 21, 0),
            until: try local("America/Los_Angeles", 2026, 11, 23, 0))
        let cy = Override(
            person: "cy", from: try local("America/Los_Angeles", 2026, 11, 22, 0),
            until: try local("America/Los_Angeles", 2026, 11, 24, 9, 30))
        #expect(
            try losAngeles([ana, ben]).problems()
                == ["overrides for ana (2026-11-20 → 2026-11-22) and ben (2026-11-21 → 2026-11-23) overlap"])
        // Touching is not overlapping: ana's ends as cy's starts.
        #expect(try losAngeles([ana, cy]).problems() == [])

        let reversed = Override(person: "ana", from: ana.until, until: ana.from)
        #expect(
            try losAngeles([reversed]).problems()
                == ["an override ends before it starts: ana (2026-11-22 → 2026-11-20)"])
        let empty = Override(person: "ana", from: ana.from, until: ana.from)
        #expect(
            try losAngeles([empty]).problems()
                == ["an override ends as soon as it starts: ana (2026-11-20 → 2026-11-20)"])
        let nameless = Override(person: "", from: cy.from, until: cy.until)
        #expect(
            try losAngeles([nameless]).problems()
                == ["an override (2026-11-22 → 2026-11-24 09:30) has no one in it"])
        // An unusable override is ignored by the schedule.
        #expect(try losAngeles([reversed, nameless]).onCall(at: try local("America/Los_Angeles", 2026, 11, 23, 0)) != nil)
        #expect(try losAngeles([nameless]).onCall(at: try local("America/Los_Angeles", 2026, 11, 23, 0)) != "")
    }

    // MARK: Misc

    @Test("Codable round trip")
    func codable() throws {
        let r = try losAngeles([Override(person: "dan", from: try at("2026-03-04T09:00:00Z"), until: try at("2026-03-05T09:00:00Z"))])
        let data = try JSONEncoder().encode(r)
        #expect(try JSONDecoder().decode(Rotation.self, from: data) == r)
    }

    @Test("rotation names resolve to roster people by handle or name")
    func resolvePeople() {
        let roster = [Person(name: "Ana Ruiz", handle: "@ana"), Person(name: "Ben Okafor", handle: "@ben")]
        #expect(Rotation.person("ana", among: roster)?.name == "Ana Ruiz")
        #expect(Rotation.person("@BEN", among: roster)?.name == "Ben Okafor")
        #expect(Rotation.person("ben okafor", among: roster)?.handle == "@ben")
        #expect(Rotation.person("cy", among: roster) == nil)
        #expect(Rotation.person("", among: roster) == nil)
    }
}
