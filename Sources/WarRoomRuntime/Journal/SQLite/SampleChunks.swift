import Foundation
import GRDB

/// The downsampled tiers' points, packed (journal format 5): one row per
/// series per run of `buckets` buckets of one width,
/// `sample_chunks(start, series, width, points)`, `WITHOUT ROWID` with the
/// primary key `(start, series, width)`, so chunks are stored in time order.
///
/// - `start`: whole milliseconds since 1970, a multiple of `buckets × width`;
/// - `width`: the bucket's width in milliseconds (a tier's `every`), so a
///   reader needs no retention to place a point;
/// - `points`: 8 bytes of bitmap (bit `i` set: bucket `i`, at
///   `start + i × width`, holds a point), then one little-endian IEEE 754
///   double per bit set, in bucket order. NaN is kept as NaN.
///
/// A point in a row of its own (`samples`) takes about 24 bytes; a bucket in
/// a full chunk about 8.5. Points at full resolution stay in `samples`, one
/// row each, since they arrive one batch at a time. Readers merge both
/// stores by time (`MergedPoints`), so a point is read the same wherever it
/// is kept; the means a format 4 journal had already written into `samples`
/// are read there until they expire or the next tier takes them.
enum SampleChunks {
    /// Buckets in a chunk: 60 values and the bitmap fit in a page's cell
    /// (no overflow pages), and one chunk is 10 minutes of 10 s buckets or an
    /// hour of minutes.
    static let buckets = 60

    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS sample_chunks (
                    start INTEGER NOT NULL,
                    series INTEGER NOT NULL,
                    width INTEGER NOT NULL,
                    points BLOB NOT NULL,
                    PRIMARY KEY (start, series, width)
                ) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS sample_chunks_width ON sample_chunks (width);
                """)
    }

    static func present(_ db: Database) throws -> Bool {
        try db.tableExists("sample_chunks")
    }

    /// One chunk: its key and its buckets (nil: no point there).
    struct Chunk {
        var start: Int64
        var series: Int64
        var width: Int64
        var slots: [Double?]

        init(start: Int64, series: Int64, width: Int64) {
            self.start = start
            self.series = series
            self.width = width
            slots = Array(repeating: nil, count: SampleChunks.buckets)
        }

        var end: Int64 { start + Int64(SampleChunks.buckets) * width }
        var count: Int { slots.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

        /// The chunk's start for a point at `t`, for buckets of `width`.
        static func start(of t: Int64, width: Int64) -> Int64 {
            SampleStore.floorDiv(t, Int64(SampleChunks.buckets) * width) * Int64(SampleChunks.buckets) * width
        }

        /// A row as stored; any column of the wrong type or out of range
        /// (a damaged file, a hand edit) is an error, never a crash.
        init(row: Row) throws {
            let start = Int64.fromDatabaseValue(row[0] as DatabaseValue)
            let series = Int64.fromDatabaseValue(row[1] as DatabaseValue)
            let width = Int64.fromDatabaseValue(row[2] as DatabaseValue)
            guard let start, let series, let width, width > 0, width <= SampleChunks.widestWidth,
                !start.addingReportingOverflow(width * Int64(SampleChunks.buckets)).overflow,
                case .blob(let data) = (row[3] as DatabaseValue).storage
            else {
                throw DatabaseError(
                    resultCode: .SQLITE_CORRUPT,
                    message:
                        "the sample chunk of series \(series.map(String.init) ?? "?") at \(start.map(String.init) ?? "?") (width \(width.map(String.init) ?? "?") ms) is damaged (its key, or points not a blob)"
                )
            }
            self.init(start: start, series: series, width: width)
            try decode(data)
        }

        private mutating func decode(_ data: Data) throws {
            let ok = data.withUnsafeBytes { raw -> Bool in
                guard raw.count >= 8 else { return false }
                let bits = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
                guard bits >> SampleChunks.buckets == 0, raw.count == 8 + 8 * bits.nonzeroBitCount else { return false }
                var offset = 8
                for i in 0 ..< SampleChunks.buckets where bits & (1 << UInt64(i)) != 0 {
                    let pattern = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                    slots[i] = Double(bitPattern: pattern)
                    offset += 8
                }
                return true
            }
            guard ok, width > 0 else {
                throw DatabaseError(
                    resultCode: .SQLITE_CORRUPT,
                    message: "the sample chunk of series \(series) at \(start) (width \(width) ms) is damaged (\(data.count) bytes)")
            }
        }

        func encoded() -> Data {
            var bits: UInt64 = 0
            var out = Data(count: 8)
            for (i, slot) in slots.enumerated() {
                guard let v = slot else { continue }
                bits |= 1 << UInt64(i)
                withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
            }
            withUnsafeBytes(of: bits.littleEndian) { out.replaceSubrange(0 ..< 8, with: $0) }
            return out
        }

        /// Its points, oldest first.
        var points: [StoredPoint] {
            slots.enumerated().compactMap { i, v in v.map { StoredPoint(t: start + Int64(i) * width, series: series, value: $0) } }
        }
    }

    /// The widest bucket a chunk may have (ms): a century, far past any
    /// tier, and small enough that no span or time computed from it overflows.
    static let widestWidth: Int64 = 100 * 365 * 86_400_000

    /// The largest chunk's span, or nil when there is no chunk (by the index
    /// on `width`: every reader asks, and a month of chunks is millions of
    /// rows); only over chunks narrower than `width` when given (a tier's
    /// run looks for the tiers before it alone, not an hour of its own).
    static func maxSpan(_ db: Database, narrowerThan width: Int64? = nil) throws -> Int64? {
        guard try present(db) else { return nil }
        let widest = try width.map { try Int64.fetchOne(db, sql: Query.widestNarrower, arguments: [$0]) } ?? Int64.fetchOne(db, sql: Query.widest)
        guard let widest else { return nil }
        guard widest > 0, widest <= widestWidth else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "a sample chunk's width (\(widest) ms) is damaged")
        }
        return widest * Int64(buckets)
    }

    /// `a - b`, clamped at `Int64.min`.
    static func below(_ a: Int64, _ b: Int64) -> Int64 {
        let (d, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? .min : d
    }

    /// `a + b`, clamped at `Int64.max` (a damaged start near it must not trap).
    static func above(_ a: Int64, _ b: Int64) -> Int64 {
        let (d, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : d
    }

    /// How many points the chunks hold.
    static func pointCount(_ db: Database) throws -> Int {
        guard try present(db) else { return 0 }
        return try Int.fetchOne(db, sql: "\(Query.countPoints) FROM sample_chunks") ?? 0
    }

    /// The newest point's time, if any; nil too when no chunk can hold a
    /// point after `known` (the newest point in rows: the usual case, with no
    /// chunk read).
    static func newest(_ db: Database, unlessBy known: Int64? = nil) throws -> Int64? {
        guard let span = try maxSpan(db), let last = try Int64.fetchOne(db, sql: Query.lastStart) else { return nil }
        if let known, known >= above(last, span) { return nil }
        var newest: Int64?
        for row in try Row.fetchAll(db, sql: Query.after, arguments: [below(last, span)]) {
            if let t = try Chunk(row: row).points.last?.t { newest = max(newest ?? t, t) }
        }
        return newest
    }

    /// The oldest point of a chunk of buckets narrower than `width` with `low <= t < high`.
    static func first(_ db: Database, narrowerThan width: Int64, from low: Int64, before high: Int64) throws -> Int64? {
        guard let span = try maxSpan(db, narrowerThan: width) else { return nil }
        var best: Int64?
        let rows = try Row.fetchCursor(db, sql: Query.narrower, arguments: [width, below(low, span), high])
        while let row = try rows.next() {
            let chunk = try Chunk(row: row)
            if let best, chunk.start >= best { break }
            if let t = chunk.points.first(where: { $0.t >= low && $0.t < high })?.t { best = min(best ?? t, t) }
        }
        return best
    }

    /// Remove every point with `low <= t < high` from the chunks of buckets
    /// narrower than `width`, and return them (oldest chunk first). A chunk
    /// left empty is deleted; one with points outside the range is rewritten
    /// with those alone.
    static func take(_ db: Database, narrowerThan width: Int64, from low: Int64, before high: Int64) throws -> [StoredPoint] {
        guard let span = try maxSpan(db, narrowerThan: width) else { return [] }
        var out: [StoredPoint] = []
        let rows = try Row.fetchAll(db, sql: Query.narrower, arguments: [width, below(low, span), high])
        for row in rows {
            var chunk = try Chunk(row: row)
            guard chunk.end > low else { continue }
            var taken = false
            for (i, slot) in chunk.slots.enumerated() {
                let t = chunk.start + Int64(i) * chunk.width
                guard let v = slot, t >= low, t < high else { continue }
                out.append(StoredPoint(t: t, series: chunk.series, value: v))
                chunk.slots[i] = nil
                taken = true
            }
            guard taken else { continue }
            if chunk.count == 0 {
                try db.cachedStatement(sql: "DELETE FROM sample_chunks WHERE start = ? AND series = ? AND width = ?")
                    .execute(arguments: [chunk.start, chunk.series, chunk.width])
            } else {
                try write(db, chunk)
            }
        }
        return out
    }

    /// Delete every chunk that ends by `high`, and the points before `high`
    /// of any chunk across it; returns how many points went.
    static func expire(before high: Int64, _ db: Database) throws -> Int {
        guard try present(db) else { return 0 }
        let whole = try Int.fetchOne(db, sql: "\(Query.countPoints) \(Query.expired)", arguments: [high, buckets])
        try db.execute(sql: "DELETE \(Query.expired)", arguments: [high, buckets])
        return (whole ?? 0) + (try take(db, narrowerThan: .max, from: .min, before: high).count)
    }

    /// Write each bucket's value into its chunk of buckets `width` wide,
    /// beside the buckets the chunk holds already (a bucket given twice keeps
    /// the newer value; a compaction never does: each run adds buckets after
    /// the ones its tier holds). Returns how many buckets were written.
    static func put(_ db: Database, width: Int64, _ points: [StoredPoint]) throws -> Int {
        var chunks: [ChunkKey: Chunk] = [:]
        for p in points {
            let key = ChunkKey(start: Chunk.start(of: p.t, width: width), series: p.series)
            if chunks[key] == nil {
                let existing = try Row.fetchOne(db.cachedStatement(sql: Query.one), arguments: [key.start, key.series, width])
                chunks[key] = try existing.map(Chunk.init(row:)) ?? Chunk(start: key.start, series: key.series, width: width)
            }
            chunks[key]?.slots[Int((p.t - key.start) / width)] = p.value
        }
        for key in chunks.keys.sorted(by: { ($0.start, $0.series) < ($1.start, $1.series) }) {
            if let chunk = chunks[key] { try write(db, chunk) }
        }
        return points.count
    }

    /// The queries every reader and each compaction run make, each by the
    /// primary key's `start` or the index on `width`, never a scan of the
    /// month kept (`SampleChunksTests.queryPlans` reads their plans back).
    enum Query {
        static let widest = "SELECT MAX(width) FROM sample_chunks"
        /// The points of the chunks selected: the blob's bytes past the bitmap, 8 a point.
        static let countPoints = "SELECT COALESCE(SUM((length(points) - 8) / 8), 0)"
        static let widestNarrower = "SELECT MAX(width) FROM sample_chunks WHERE width < ?"
        static let lastStart = "SELECT MAX(start) FROM sample_chunks"
        static let after = "SELECT start, series, width, points FROM sample_chunks WHERE start > ?"
        static let narrower =
            "SELECT start, series, width, points FROM sample_chunks WHERE width < ? AND start > ? AND start < ? ORDER BY start, series"
        static let one = "SELECT start, series, width, points FROM sample_chunks WHERE start = ? AND series = ? AND width = ?"
        /// `start < high` first, so only the chunks before `high` are read.
        static let expired = "FROM sample_chunks WHERE start < ?1 AND start + ?2 * width <= ?1"
        static func range(descending: Bool) -> String {
            let order = descending ? "DESC" : ""
            // The span test only spares decoding chunks that end before `low` (a follower's catch-up reads none); the key bounds the read.
            return
                "SELECT start, series, width, points FROM sample_chunks WHERE start > ?1 AND start <= ?2 AND start + ?4 * width > ?3 ORDER BY start \(order), series \(order)"
        }
        static let all = [
            widest, widestNarrower, lastStart, after, narrower, one, "SELECT 1 \(expired)", "DELETE \(expired)", range(descending: false),
            range(descending: true),
        ]
    }

    private struct ChunkKey: Hashable {
        var start: Int64
        var series: Int64
    }

    private static func write(_ db: Database, _ chunk: Chunk) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO sample_chunks (start, series, width, points) VALUES (?, ?, ?, ?)")
            .execute(arguments: [chunk.start, chunk.series, chunk.width, chunk.encoded()])
    }
}

/// One stored point: its time (ms), its series' id and its value (NaN for
/// a sample that had none).
struct StoredPoint: Equatable {
    var t: Int64
    var series: Int64
    var value: Double

    /// Whether `self` comes before `other` in (time, series) order.
    func precedes(_ other: StoredPoint) -> Bool {
        (t, series) < (other.t, other.series)
    }
}

/// The chunks' points with `low <= t <= high`, in (time, series) order, or
/// its reverse: chunks are read in order of their start, and a point is
/// handed on once no chunk still to read can hold an earlier one (a later
/// one, read newest first).
struct ChunkPoints {
    private let rows: RowCursor?
    private let descending: Bool
    private let low: Int64
    private let high: Int64
    private let span: Int64
    private var peeked: SampleChunks.Chunk?
    private var pending: [StoredPoint] = []
    /// Ready to hand on, the next one last.
    private var ready: [StoredPoint] = []
    private var done = false

    init(_ db: Database, from low: Int64, through high: Int64 = .max, descending: Bool) throws {
        self.low = low
        self.high = high
        self.descending = descending
        if let span = try SampleChunks.maxSpan(db) {
            self.span = span
            rows = try Row.fetchCursor(
                db, sql: SampleChunks.Query.range(descending: descending),
                arguments: [SampleChunks.below(low, span), high, low, SampleChunks.buckets])
        } else {
            span = 0
            rows = nil
            done = true
        }
    }

    mutating func next() throws -> StoredPoint? {
        while ready.isEmpty {
            guard !done || !pending.isEmpty else { return nil }
            try refill()
        }
        return ready.removeLast()
    }

    private mutating func read() throws -> SampleChunks.Chunk? {
        if let p = peeked {
            peeked = nil
            return p
        }
        guard !done, let rows, let row = try rows.next() else {
            done = true
            return nil
        }
        return try SampleChunks.Chunk(row: row)
    }

    private mutating func add(_ chunk: SampleChunks.Chunk) {
        for p in chunk.points where p.t >= low && p.t <= high { pending.append(p) }
    }

    /// Read the chunks of the next start, then make ready every pending
    /// point no chunk still to read can come before.
    private mutating func refill() throws {
        if let chunk = try read() {
            add(chunk)
            while let next = try read() {
                guard next.start == chunk.start else {
                    peeked = next
                    break
                }
                add(next)
            }
        }
        let emit: [StoredPoint]
        if let next = peeked {
            // Ascending: a chunk still to read holds nothing before its start.
            // Descending: nothing at or after its start plus the longest span.
            let bound = descending ? SampleChunks.above(next.start, span) : next.start
            emit = pending.filter { descending ? $0.t >= bound : $0.t < bound }
            pending.removeAll { descending ? $0.t >= bound : $0.t < bound }
        } else {
            emit = pending
            pending = []
        }
        // The next one last: ascending order reversed, or descending reversed.
        ready = emit.sorted { descending ? $0.precedes($1) : $1.precedes($0) }
    }
}

/// Every stored point with `t >= low`, from both stores (points in rows of
/// their own, `samples`, and the chunks), in (time, series) order or its
/// reverse. A point in both (never written so) is read once, from `samples`.
struct MergedPoints {
    private let raw: RowCursor
    private var chunks: ChunkPoints
    private let descending: Bool
    private var nextRaw: StoredPoint?
    private var nextChunk: StoredPoint?

    init(_ db: Database, from low: Int64, descending: Bool) throws {
        self.descending = descending
        let order = descending ? "DESC" : ""
        raw = try Row.fetchCursor(db, sql: "SELECT t, series, v FROM samples WHERE t >= ? ORDER BY t \(order), series \(order)", arguments: [low])
        chunks = try ChunkPoints(db, from: low, descending: descending)
        nextRaw = try Self.point(raw)
        nextChunk = try chunks.next()
    }

    private static func point(_ rows: RowCursor) throws -> StoredPoint? {
        guard let row = try rows.next() else { return nil }
        return StoredPoint(t: row[0], series: row[1], value: (row[2] as Double?) ?? .nan)
    }

    mutating func next() throws -> StoredPoint? {
        switch (nextRaw, nextChunk) {
        case (nil, nil):
            return nil
        case (let r?, nil):
            nextRaw = try Self.point(raw)
            return r
        case (nil, let c?):
            nextChunk = try chunks.next()
            return c
        case (let r?, let c?):
            if r.t == c.t && r.series == c.series {
                nextChunk = try chunks.next()
                return try next()
            }
            if r.precedes(c) != descending {
                nextRaw = try Self.point(raw)
                return r
            }
            nextChunk = try chunks.next()
            return c
        }
    }
}
