import Foundation

/// An open incident. The foundation opens one when a severity rule first
/// fires; declaring, status and roles grow from here.
public struct Incident: Sendable, Equatable {
    public var title: String
    public var severity: Severity
    public var openedAt: Date

    public init(title: String, severity: Severity, openedAt: Date) {
        self.title = title
        self.severity = severity
        self.openedAt = openedAt
    }
}
