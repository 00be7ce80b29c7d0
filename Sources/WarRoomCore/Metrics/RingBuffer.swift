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

/// The history of one series: timestamped values in a ring buffer.
public struct Series: Sendable {
    public struct Point: Sendable, Equatable, Codable {
        public var time: Date
        public var value: Double
        public init(time: Date, value: Double) {
            self.time = time
            self.value = value
        }
    }
    public private(set) var points: RingBuffer<Point>
    public private(set) var source: String

    public init(capacity: Int, source: String) {
        points = RingBuffer(capacity: capacity)
        self.source = source
    }

    public mutating func append(_ value: Double, at time: Date, from source: String) {
        points.append(Point(time: time, value: value))
        self.source = source
    }

    public var latest: Point? { points.last }

    /// Merge past points in (a backfill): everything sorted by time, the newest kept.
    public mutating func merge(_ history: [Point], from source: String) {
        let existing = points.elements
        let oldestLive = existing.first?.time ?? .distantFuture
        let older = history.filter { $0.time < oldestLive && $0.value.isFinite }.sorted { $0.time < $1.time }
        guard !older.isEmpty else { return }
        var rebuilt = RingBuffer<Point>(capacity: points.capacity)
        for p in older + existing { rebuilt.append(p) }
        points = rebuilt
        if existing.isEmpty { self.source = source }
    }
}

import Foundation
