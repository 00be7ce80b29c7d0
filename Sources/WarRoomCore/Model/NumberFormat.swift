import Foundation

// Hand-written "%.Nf" and "%g", byte-identical to `String(format:)` (which on
// Linux ends in glibc's printf) for the values the screen shows, without the
// cost of a format string and a CFString per call: `Format.percent`,
// `latency`, `rate` and `weight` run many times per frame.
//
// glibc rounds the *exact* binary value of the double, ties to even (0.125
// with "%.2f" is "0.12", 2.5 with "%.0f" is "2", 1.005 is really
// 1.00499999999999989... so "1.00"), and keeps the sign of a negative value
// that rounds to zero ("-0.00"). We do the same in integer arithmetic: a
// finite double is m * 2^e with m < 2^53, so |x| * 10^N rounded is
// (m * 10^N) >> -e with an exact remainder. Anything outside the range
// handled here (NaN, infinities, |x| >= 1e15, more than 9 decimals, and for
// %g exponents outside -4...5) goes to `String(format:)` as before.
// `FormatTests` compares both over many values, ties and edge cases.

extension Format {
    /// `String(format: "%.<decimals>f", x)` followed by `suffix`.
    public static func fixed(_ x: Double, decimals: Int, suffix: StaticString = "") -> String {
        guard let wide = scaledRounded(x.magnitude, decimals), let q = UInt64(exactly: wide) else {
            return String(format: "%.\(decimals)f", x) + suffix.description
        }
        return digits(q, decimals: decimals, negative: x.sign == .minus, stripZeros: false, suffix: suffix)
    }

    /// `String(format: "%g", x)` followed by `suffix`.
    public static func general(_ x: Double, suffix: StaticString = "") -> String {
        let a = x.magnitude
        // %g with the default precision 6 prints like "%.<5-X>f" (trailing zeros
        // removed) when the exponent X of x rounded to 6 significant digits is in
        // -4...5, and in exponent style otherwise (left to String(format:)).
        if a.isFinite, a >= 1e-5, a < 1e7 {
            var exponent = Int(log10(a).rounded(.down))
            for _ in 0 ..< 4 {
                guard (-4 ... 5).contains(exponent), let q = scaledRounded(a, 5 - exponent) else { break }
                if q < 100_000 {
                    exponent -= 1
                    continue
                }
                if q >= 1_000_000 {
                    exponent += 1
                    continue
                }
                return digits(UInt64(q), decimals: 5 - exponent, negative: x.sign == .minus, stripZeros: true, suffix: suffix)
            }
        }
        return String(format: "%g", x) + suffix.description
    }

    private static let powersOfTen: [UInt128] = (0 ... 9).map { n in (0 ..< n).reduce(1) { r, _ in r * 10 } }

    /// a * 10^decimals rounded to an integer, ties to even, computed exactly;
    /// nil outside the range this handles (a is not negative).
    static func scaledRounded(_ a: Double, _ decimals: Int) -> UInt128? {
        guard a.isFinite, a < 1e15, (0 ... 9).contains(decimals) else { return nil }
        if a == 0 { return 0 }
        // a = m * 2^e exactly.
        let m = UInt128(a.significandBitPattern | (a.isNormal ? UInt64(1) << 52 : 0))
        let e = a.isNormal ? Int(a.exponentBitPattern) - 1075 : -1074
        let p = m * powersOfTen[decimals]  // < 2^53 * 10^9 < 2^83
        if e >= 0 { return p << e }  // a < 1e15 < 2^50, so never; kept for clarity
        let shift = -e
        if shift > 100 { return 0 }  // p < 2^83: below one half
        let q = p >> shift
        let r = p - (q << shift)
        let half = UInt128(1) << (shift - 1)
        return r > half || (r == half && q & 1 == 1) ? q + 1 : q
    }

    /// The decimal digits of q with a point before the last `decimals` of them
    /// (at least one digit before the point), a sign, trailing fractional zeros
    /// removed when asked (and then the point too if nothing follows it), and
    /// `suffix`; built in one buffer, so small results allocate nothing.
    private static func digits(_ q: UInt64, decimals: Int, negative: Bool, stripZeros: Bool, suffix: StaticString) -> String {
        // At most 20 digits, a point, a sign and the suffix.
        let capacity = 24 + suffix.utf8CodeUnitCount
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var end = capacity - suffix.utf8CodeUnitCount
            suffix.withUTF8Buffer { s in
                for (i, byte) in s.enumerated() { buffer[end + i] = byte }
            }
            var n = q
            var written = 0
            var keep = !stripZeros  // a fractional digit has been kept
            while n > 0 || written <= decimals {
                let (next, digit) = n.quotientAndRemainder(dividingBy: 10)
                n = next
                if written < decimals {
                    if digit != 0 { keep = true }
                    if keep {
                        end -= 1
                        buffer[end] = UInt8(truncatingIfNeeded: digit) &+ 48
                    }
                } else {
                    if written == decimals, decimals > 0, keep {
                        end -= 1
                        buffer[end] = 46  // "."
                    }
                    end -= 1
                    buffer[end] = UInt8(truncatingIfNeeded: digit) &+ 48
                }
                written += 1
            }
            if negative {
                end -= 1
                buffer[end] = 45  // "-"
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[end ..< capacity]), as: UTF8.self)
        }
    }
}
