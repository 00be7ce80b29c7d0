import Foundation

/// Pure helpers for turning scraped counters and histograms into the numbers
/// a dashboard shows.
public enum PrometheusMath {
    /// The per-second rate of a counter between two readings, treating a
    /// decrease as a counter reset (the counter restarted from zero, so the
    /// increase is the new value): `(current - previous) / elapsed`, or
    /// `current / elapsed` after a reset.
    ///
    /// `time` is in any unit the caller likes; the rate is per that unit
    /// (pass seconds for per-second rates). Returns nil if the readings are
    /// not finite or `current.time` is not after `previous.time`.
    public static func rate(
        previous: (value: Double, time: Double),
        current: (value: Double, time: Double)
    ) -> Double? {
        guard previous.value.isFinite, current.value.isFinite,
            previous.time.isFinite, current.time.isFinite
        else { return nil }
        let elapsed = current.time - previous.time
        guard elapsed > 0 else { return nil }
        let increase = current.value < previous.value ? current.value : current.value - previous.value
        return increase / elapsed
    }

    /// The φ-quantile of a classic histogram, like PromQL's
    /// `histogram_quantile(q, ...)`: buckets are cumulative
    /// `(le: upper bound, count: observations ≤ le)` in any order; a
    /// `+Inf` bucket is required; the result is interpolated linearly
    /// inside the bucket the rank falls into (the lowest bucket is taken to
    /// start at 0 unless its bound is ≤ 0, in which case that bound is
    /// returned); a rank in the `+Inf` bucket yields the highest finite
    /// bound. Duplicate bounds are merged and counts made monotonic, as
    /// PromQL does.
    ///
    /// Works on bucket *deltas* between two scrapes too (see
    /// `bucketIncrease`), which is how a "p95 over the last interval" is
    /// computed.
    ///
    /// Returns nil when there is nothing to compute: no observations
    /// (the `+Inf` count is 0), no `+Inf` bucket, fewer than two buckets, a
    /// NaN count or a NaN `q`. As in PromQL, `q < 0` gives `-Inf` and
    /// `q > 1` gives `+Inf`. One deliberate difference: for `q == 0` PromQL
    /// yields NaN when the lowest bucket is empty; this returns the lower
    /// edge of the first non-empty bucket instead.
    public static func histogramQuantile(_ q: Double, buckets: [(le: Double, count: Double)]) -> Double? {
        guard !q.isNaN, !buckets.contains(where: { $0.le.isNaN || $0.count.isNaN }) else { return nil }
        let sorted = buckets.sorted { $0.le < $1.le }
        var merged: [(le: Double, count: Double)] = []
        merged.reserveCapacity(sorted.count)
        for bucket in sorted {
            if let last = merged.last, last.le == bucket.le {
                merged[merged.count - 1].count += bucket.count
            } else {
                merged.append(bucket)
            }
        }
        guard merged.count >= 2, let top = merged.last, top.le == .infinity else { return nil }
        for k in 1 ..< merged.count where merged[k].count < merged[k - 1].count {
            merged[k].count = merged[k - 1].count
        }
        let observations = merged[merged.count - 1].count
        guard observations > 0 else { return nil }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        var rank = q * observations
        var b = 0
        while b < merged.count - 1 && !(merged[b].count >= rank && merged[b].count > 0) { b += 1 }
        if b == merged.count - 1 { return merged[merged.count - 2].le }
        if b == 0 && merged[0].le <= 0 { return merged[0].le }
        var start = 0.0
        var count = merged[b].count
        if b > 0 {
            start = merged[b - 1].le
            count -= merged[b - 1].count
            rank -= merged[b - 1].count
        }
        let end = merged[b].le
        return start + (end - start) * (rank / count)
    }

    /// Per-bucket increase between two scrapes of the same cumulative
    /// histogram, for `histogramQuantile` over an interval. Buckets are
    /// matched by `le`; if any count went down the histogram was reset and
    /// `current` is returned as is. Returns nil if the two scrapes do not
    /// have the same bucket bounds.
    public static func bucketIncrease(
        previous: [(le: Double, count: Double)],
        current: [(le: Double, count: Double)]
    ) -> [(le: Double, count: Double)]? {
        guard previous.count == current.count else { return nil }
        let old = previous.sorted { $0.le < $1.le }
        let new = current.sorted { $0.le < $1.le }
        var result: [(le: Double, count: Double)] = []
        result.reserveCapacity(new.count)
        for (a, b) in zip(old, new) {
            guard a.le == b.le else { return nil }
            if b.count < a.count { return new }
            result.append((le: b.le, count: b.count - a.count))
        }
        return result
    }
}
