public import Foundation

/// A fixed-capacity buffer that keeps the newest `capacity` elements.
/// Appending is O(1) and never allocates after the buffer is full.
public struct RingBuffer<Element: Sendable>: Sendable {
    public let capacity: Int
    private var storage: [Element] = []
    private var head = 0  // index of the oldest element once full

    public init(capacity: Int) {
        precondition(capacity > 0, "RingBuffer capacity must be positive")
        self.capacity = capacity
        storage.reserveCapacity(capacity)
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    public mutating func append(_ element: Element) {
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[head] = element
            head = (head + 1) % capacity
        }
    }

    /// Element `i` counted from the oldest.
    public subscript(i: Int) -> Element {
        precondition(i >= 0 && i < storage.count, "RingBuffer index out of range")
        return storage[(head + i) % storage.count]
    }

    public var last: Element? { storage.isEmpty ? nil : self[storage.count - 1] }

    /// The newest `n` elements, oldest first.
    public func suffix(_ n: Int) -> [Element] {
        let k = min(max(n, 0), storage.count)
        return (storage.count - k ..< storage.count).map { self[$0] }
    }

    public var elements: [Element] { suffix(storage.count) }
}

/// The history of one series: timestamped values, the newest `capacity` kept.
///
/// Stored compactly, 8 bytes a point instead of 16 (24 hours of 1-second
/// history for 200 series is 138 MB instead of 276 MB): each value as a
/// `Float` (about 7 significant digits: 0.0123456 stays 0.0123456, 1164 stays
/// 1164) and each time as whole milliseconds from a base, in an `Int32`.
/// Readers still get `Point`s of `(Date, Double)`. The newest point is also
/// kept exactly as appended, so `latest` (what thresholds, analysis checks,
/// ages and the values on screen read) is bit for bit what came in; older
/// points (sparklines, trends, backfill merges) read back rounded to `Float`
/// and to the millisecond. Values beyond `Float`'s range read back as ±inf,
/// and tiny ones (below about 1e-38) as 0. Should the points ever span more
/// than 24 days (`Int32` milliseconds), times are kept as `Double`s instead.
public struct Series: Sendable, Equatable {
    public struct Point: Sendable, Equatable, Codable {
        public var time: Date
        public var value: Double
        public init(time: Date, value: Double) {
            self.time = time
            self.value = value
        }
    }

    /// The points of a series as a ring buffer: `count`, `capacity`, `[i]`
    /// (from the oldest), `last`, `suffix(_:)` and `elements`, as `RingBuffer`.
    public struct Points: Sendable, Equatable {
        public let capacity: Int
        private var values: [Float] = []
        /// Milliseconds since 1970 (as the journal counts), minus `base`.
        private var offsets: [Int32] = []
        private var base: Int64 = 0
        /// Times as seconds since the reference date, once they no longer fit `offsets`.
        private var wideTimes: [Double]?
        private var head = 0  // index of the oldest point once full
        /// The newest point exactly as appended.
        private var newest: Point?

        /// Bytes of storage for each point (beside a few per series).
        public static let bytesPerPoint = MemoryLayout<Float>.stride + MemoryLayout<Int32>.stride

        public init(capacity: Int) {
            precondition(capacity > 0, "RingBuffer capacity must be positive")
            self.capacity = capacity
            values.reserveCapacity(capacity)
            offsets.reserveCapacity(capacity)
        }

        public var count: Int { values.count }
        public var isEmpty: Bool { values.isEmpty }

        @inline(__always) static func milliseconds(_ time: Date) -> Int64? {
            let ms = (time.timeIntervalSince1970 * 1000).rounded()
            guard abs(ms) < 9e15 else { return nil }  // within ±285 000 years
            return Int64(ms)
        }

        public mutating func append(_ point: Point) {
            let slot = values.count < capacity ? values.count : head
            if values.count < capacity {
                values.append(Float(point.value))
                if wideTimes == nil { offsets.append(0) } else { wideTimes!.append(0) }
            } else {
                values[slot] = Float(point.value)
                head = (head + 1) % capacity
            }
            newest = point
            store(point.time, at: slot)
        }

        /// Record a time in the given slot (already counted), rebasing the
        /// offsets or widening to `Double`s when it does not fit.
        private mutating func store(_ time: Date, at slot: Int) {
            if wideTimes != nil {
                wideTimes![slot] = time.timeIntervalSinceReferenceDate
                return
            }
            guard let ms = Self.milliseconds(time) else { return widen(slot, time) }
            if values.count == 1 { base = ms }
            if let offset = Int32(exactly: ms - base) {
                offsets[slot] = offset
                return
            }
            // Rebase on the oldest of the stored times and the new one.
            var low = ms
            var high = ms
            for i in offsets.indices where i != slot {
                let t = base + Int64(offsets[i])
                low = min(low, t)
                high = max(high, t)
            }
            guard high - low <= Int64(Int32.max) else { return widen(slot, time) }
            let shift = low - base
            for i in offsets.indices where i != slot { offsets[i] = Int32(Int64(offsets[i]) - shift) }
            base = low
            offsets[slot] = Int32(ms - base)
        }

        private mutating func widen(_ slot: Int, _ time: Date) {
            var wide = offsets.map { Self.date(milliseconds: base + Int64($0)).timeIntervalSinceReferenceDate }
            wide[slot] = time.timeIntervalSinceReferenceDate
            wideTimes = wide
            offsets = []
        }

        @inline(__always) static func date(milliseconds: Int64) -> Date {
            Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        }

        @inline(__always) private func point(atStorage k: Int) -> Point {
            let time = wideTimes.map { Date(timeIntervalSinceReferenceDate: $0[k]) } ?? Self.date(milliseconds: base + Int64(offsets[k]))
            return Point(time: time, value: Double(values[k]))
        }

        /// Point `i` counted from the oldest.
        public subscript(i: Int) -> Point {
            precondition(i >= 0 && i < values.count, "RingBuffer index out of range")
            if i == values.count - 1, let newest { return newest }
            return point(atStorage: (head + i) % values.count)
        }

        public var last: Point? { newest }

        /// The newest `n` points, oldest first.
        public func suffix(_ n: Int) -> [Point] {
            let k = min(max(n, 0), values.count)
            var out: [Point] = []
            out.reserveCapacity(k)
            for i in values.count - k ..< values.count { out.append(self[i]) }
            return out
        }

        /// The values of the newest `n` points, oldest first (a sparkline).
        public func suffixValues(_ n: Int) -> [Double] {
            let k = min(max(n, 0), values.count)
            guard k > 0, let newest else { return [] }
            var out: [Double] = []
            out.reserveCapacity(k)
            let count = values.count
            for i in count - k ..< count - 1 { out.append(Double(values[(head + i) % count])) }
            out.append(newest.value)
            return out
        }

        public var elements: [Point] { suffix(values.count) }

        /// Equal when they hold the same points (as they read back, the newest
        /// exactly) in a ring of the same capacity, however the ring is laid
        /// out in storage (where its head is, which base its offsets count from).
        public static func == (a: Points, b: Points) -> Bool {
            a.capacity == b.capacity && a.count == b.count && a.elements == b.elements
        }
    }

    public private(set) var points: Points
    public private(set) var source: String

    public init(capacity: Int, source: String) {
        points = Points(capacity: capacity)
        self.source = source
    }

    public mutating func append(_ value: Double, at time: Date, from source: String) {
        points.append(Point(time: time, value: value))
        self.source = source
    }

    public var latest: Point? { points.last }

    /// Whether `merge` takes this past point in: a finite value older than
    /// the oldest point held (compared in whole milliseconds, as times are
    /// stored, so a past point at the time of the oldest one is never taken
    /// in twice).
    public func takes(past p: Point) -> Bool {
        guard p.value.isFinite else { return false }
        guard points.count > 0 else { return true }
        let oldest = points[0].time
        if let limit = Points.milliseconds(oldest), let ms = Points.milliseconds(p.time) { return ms < limit }
        return p.time < oldest
    }

    /// Merge past points in (a backfill): everything sorted by time, the newest kept.
    public mutating func merge(_ history: [Point], from source: String) {
        let older = history.filter(takes(past:)).sorted { $0.time < $1.time }
        let existing = points.elements
        guard !older.isEmpty else { return }
        var rebuilt = Points(capacity: points.capacity)
        for p in older + existing { rebuilt.append(p) }
        points = rebuilt
        if existing.isEmpty { self.source = source }
    }
}
