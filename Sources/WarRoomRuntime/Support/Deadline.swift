import Foundation

/// The whole operation (connect, headers and a trickling body) took too long.
public struct DeadlineExceeded: Error, Equatable {}

/// Run `operation`, cancelling it if it has not finished within `seconds`.
public func withDeadline<T: Sendable>(
    _ seconds: TimeInterval, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int64(max(0, seconds) * 1000)))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw DeadlineExceeded() }
        return value
    }
}
