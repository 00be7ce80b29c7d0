import Foundation
import Testing

@testable import WarRoomCore

/// The hand-written "%.Nf" and "%g" must print exactly what String(format:)
/// prints (glibc: the exact binary value rounded, ties to even).
@Suite("Number formatting")
struct NumberFormatTests {
    /// Values that stress rounding: exact ties (k / 2^n), decimal fractions
    /// that are just below or above a tie in binary, signs, zeros, the edges of
    /// the fast path and of %g's fixed-point range, and non-finite values.
    static let edges: [Double] = [
        0, -0.0, 0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 0.05, 0.15, 0.25, 0.35, 0.45, 0.125, 0.375, 0.625,
        1.005, 1.015, 1.025, 2.675, 0.994999, 0.995, 0.9949999999, 9.95, 9.995, 9.9995, 99.95, 99.995,
        999.5, 9999.95, 99999.95, 999999.4, 999999.5, 999999.6, 9_999_994, 9_999_995, 9_999_996,
        1e-4, 9.999995e-5, 0.000099999995, 1e-5, 1e-6, 1e-300, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 2.2250738585072014e-308,
        0.001, -0.001, -0.004, -0.005, -0.0049, 123456789012.345, 999_999_999_999_999, 1e15, 1e15 - 0.5, 1e16,
        1e20, 1.8446744073709552e19, -1e300, .greatestFiniteMagnitude, .infinity, -.infinity, .nan,
        1, 2.5, 12.5, 33.333333333333336, 66.66666666666667, 0.1 + 0.2, 1.0 / 3, 2.0 / 3,
    ]

    static func values() -> [Double] {
        var out = edges
        for n in 1 ... 12 {
            for k in -3000 ... 3000 { out.append(Double(k) / Double(1 << n)) }
        }
        for k in -30000 ... 30000 {
            out.append(Double(k) / 1000)
            out.append(Double(k) / 100 + 0.005)
            out.append(Double(k) * 0.001)
            out.append(Double(k) * 0.0005)
        }
        var g = SystemRandomNumberGenerator()
        for _ in 0 ..< 20000 {
            let magnitude = pow(10, Double.random(in: -7 ... 16, using: &g))
            out.append(Bool.random(using: &g) ? magnitude : -magnitude)
            out.append(Double(bitPattern: UInt64.random(in: 0 ... .max, using: &g)))
        }
        return out
    }

    @Test("fixed(_:decimals:) is String(format: \"%.Nf\")")
    func fixedMatchesPrintf() {
        var mismatches: [String] = []
        for x in Self.values() {
            for d in 0 ... 3 {
                let mine = Format.fixed(x, decimals: d)
                let libc = String(format: "%.\(d)f", x)
                if mine != libc { mismatches.append("%.\(d)f of \(x): \(mine) != \(libc)") }
            }
            let suffixed = Format.fixed(x, decimals: 1, suffix: " ms")
            if suffixed != String(format: "%.1f ms", x) { mismatches.append("%.1f ms of \(x): \(suffixed)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    @Test("general(_:) is String(format: \"%g\")")
    func generalMatchesPrintf() {
        var mismatches: [String] = []
        for x in Self.values() {
            let mine = Format.general(x, suffix: "%")
            let libc = String(format: "%g%%", x)
            if mine != libc { mismatches.append("%g of \(x): \(mine) != \(libc)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    /// The formats as they were, with String(format:).
    static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "n/a" }
        let p = fraction * 100
        return p >= 10 ? String(format: "%.1f%%", p) : String(format: "%.2f%%", p)
    }
    static func latency(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "n/a" }
        return seconds < 1 ? String(format: "%.0f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }
    static func rate(_ perMinute: Double) -> String {
        guard perMinute.isFinite else { return "n/a" }
        return perMinute >= 10_000 ? String(format: "%.1fk", perMinute / 1000) : String(format: "%.0f", perMinute)
    }
    static func weight(_ percent: Double) -> String {
        percent == percent.rounded() ? String(format: "%.0f%%", percent) : String(format: "%g%%", percent)
    }

    @Test("percent, latency, rate and weight print as they did with String(format:)")
    func formatsUnchanged() {
        var mismatches: [String] = []
        var values = Self.values()
        values += values.map { $0 / 100 } + values.map { $0 / 1000 }
        for x in values {
            if Format.percent(x) != Self.percent(x) { mismatches.append("percent \(x): \(Format.percent(x)) != \(Self.percent(x))") }
            if Format.latency(x) != Self.latency(x) { mismatches.append("latency \(x): \(Format.latency(x)) != \(Self.latency(x))") }
            if Format.rate(x) != Self.rate(x) { mismatches.append("rate \(x): \(Format.rate(x)) != \(Self.rate(x))") }
            if Format.weight(x) != Self.weight(x) { mismatches.append("weight \(x): \(Format.weight(x)) != \(Self.weight(x))") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
        #expect(Format.percent(0.004) == "0.40%")
        #expect(Format.percent(0.234) == "23.4%")
        #expect(Format.latency(0.12) == "120 ms")
        #expect(Format.latency(3.2) == "3.20 s")
        #expect(Format.rate(1164) == "1164")
        #expect(Format.rate(12_345) == "12.3k")
        #expect(Format.weight(2.5) == "2.5%")
        #expect(Format.weight(100) == "100%")
        #expect(Format.weight(.nan) == "nan%")
        #expect(Format.weight(-.infinity) == "-inf%")
        #expect(Format.percent(.nan) == "n/a")
    }

    @Test("ages of a day or more: days and zero-padded hours")
    func longAges() {
        let ages: [Double] = [86_400, 89_999, 90_000, 298_859, 34_642_800.9]
        for s in ages {
            let n = Int(s.rounded(.down))
            #expect(Format.age(s) == String(format: "%dd%02dh", n / 86_400, (n % 86_400) / 3600))
        }
    }
}
