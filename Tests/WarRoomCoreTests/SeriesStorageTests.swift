import Foundation
import Testing

@testable import WarRoomCore

/// `Series` keeps its points as a Float and Int32 milliseconds each; the
/// newest point exactly as appended.
@Suite("Series storage")
struct SeriesStorageTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000.25)

    @Test("a ring buffer: wraps, keeps order, suffixes, indexes from the oldest")
    func ring() {
        var s = Series(capacity: 4, source: "a")
        #expect(s.points.isEmpty && s.latest == nil && s.points.last == nil)
        #expect(s.points.suffix(3).isEmpty && s.points.suffixValues(3).isEmpty)
        for i in 0 ..< 6 { s.append(Double(i), at: Self.t0 + Double(i), from: "a") }
        #expect(s.points.count == 4 && s.points.capacity == 4)
        #expect(s.points.elements.map(\.value) == [2, 3, 4, 5])
        #expect(s.points.elements.map(\.time) == (2 ..< 6).map { Self.t0 + Double($0) })
        #expect(s.points.suffix(2).map(\.value) == [4, 5])
        #expect(s.points.suffix(99).map(\.value) == [2, 3, 4, 5])
        #expect(s.points.suffixValues(3) == [3, 4, 5])
        #expect(s.points.suffixValues(0) == [])
        #expect(s.points[0].value == 2)
        #expect(s.points[3] == s.latest)
        #expect(s.latest?.value == 5)
    }

    @Test("the newest point is exact; older ones to Float and the millisecond")
    func precision() {
        var s = Series(capacity: 10, source: "a")
        let v = 0.012345678901234
        let t = Self.t0 + 0.0004
        s.append(v, at: t, from: "a")
        #expect(s.latest == Series.Point(time: t, value: v))
        s.append(1, at: t + 1, from: "a")
        let old = s.points[0]
        #expect(old.value == Double(Float(v)))
        #expect(abs(old.value - v) / v < 1e-7)
        #expect(abs(old.time.timeIntervalSince(t)) <= 0.0005)
        // Times given to the millisecond read back exactly.
        s.append(2, at: Date(timeIntervalSince1970: 1_700_000_123.457), from: "a")
        s.append(3, at: t + 3, from: "a")
        #expect(s.points[2].time == Date(timeIntervalSince1970: 1_700_000_123.457))
        #expect(s.points.suffixValues(4) == [Double(Float(v)), 1, 2, 3])
    }

    @Test("months of points: offsets are rebased, and a span beyond 24 days widens the times")
    func longSpans() {
        var s = Series(capacity: 3, source: "a")
        // One point a week for a year: the three kept span two weeks, rebased as they go.
        for week in 0 ..< 52 { s.append(Double(week), at: Self.t0 + Double(week) * 7 * 86_400, from: "a") }
        #expect(s.points.elements.map(\.value) == [49, 50, 51])
        #expect(s.points.elements.map(\.time) == (49 ..< 52).map { Self.t0 + Double($0) * 7 * 86_400 })
        // Three points 30 days apart do not fit Int32 milliseconds.
        var wide = Series(capacity: 3, source: "a")
        for month in 0 ..< 5 { wide.append(Double(month), at: Self.t0 + Double(month) * 30 * 86_400, from: "a") }
        #expect(wide.points.elements.map(\.value) == [2, 3, 4])
        #expect(wide.points.elements.map(\.time) == (2 ..< 5).map { Self.t0 + Double($0) * 30 * 86_400 })
        // Time going backwards is kept too.
        var back = Series(capacity: 4, source: "a")
        for i in 0 ..< 4 { back.append(Double(i), at: Self.t0 - Double(i) * 86_400, from: "a") }
        #expect(back.points.elements.map(\.time) == (0 ..< 4).map { Self.t0 - Double($0) * 86_400 })
    }

    @Test("a backfill merges older points once, sorted, the newest kept")
    func merge() {
        var s = Series(capacity: 5, source: "live")
        s.append(10, at: Self.t0 + 10, from: "live")
        s.append(11, at: Self.t0 + 11, from: "live")
        let history = (5 ... 11).map { Series.Point(time: Self.t0 + Double($0), value: Double($0)) }.reversed()
        s.merge(Array(history) + [Series.Point(time: Self.t0, value: .nan)], from: "backfill")
        #expect(s.points.elements.map(\.value) == [7, 8, 9, 10, 11])
        #expect(s.source == "live")
        #expect(s.latest == Series.Point(time: Self.t0 + 11, value: 11))
    }
}
