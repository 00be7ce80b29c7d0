public import Foundation

/// A short message in the footer: what just happened, or why it could not.
public struct Flash: Sendable, Equatable {
    public var text: String
    public var isError: Bool
    public var until: Date
    public init(text: String, isError: Bool, until: Date) {
        self.text = text
        self.isError = isError
        self.until = until
    }
}
