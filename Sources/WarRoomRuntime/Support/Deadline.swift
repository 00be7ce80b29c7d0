public import Foundation

/// The whole operation (connect, headers and a trickling body) took too long.
public struct DeadlineExceeded: Error, Equatable {}

/// Run `operation`, cancelling it if it has not finished within `seconds` of `clock`.
public func withDeadline<T: Sendable>(
    _ seconds: TimeInterval, clock: any WarRoomClock = SystemClock(), _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await clock.sleep(for: seconds)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw DeadlineExceeded() }
        return value
    }
}

/// Milliseconds for a timer, clamped to [0, a year]: a NaN, negative or huge
/// value from a flag or config never traps on the conversion to Int64.
public func clampedMilliseconds(_ seconds: Double) -> Int64 {
    guard seconds.isFinite, seconds > 0 else { return 0 }
    return Int64(min(seconds, 366 * 86_400) * 1000)
}
