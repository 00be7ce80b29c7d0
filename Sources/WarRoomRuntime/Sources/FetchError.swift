import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOPosix
import WarRoomCore

/// Turns transport errors into the short reasons an operator reads on screen:
/// "connection refused", "timeout after 2s", "HTTP 503".
public enum FetchError {
    public static func describe(_ error: any Error, timeout: TimeInterval) -> String {
        if error is DeadlineExceeded || error is CancellationError { return "timeout after \(Format.duration(timeout))" }
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return "timeout after \(Format.duration(timeout))"
            case .remoteConnectionClosed: return "connection closed by the server"
            default: break
            }
        }
        if let e = error as? NIOTooManyBytesError {
            _ = e
            return "response body too large"
        }
        if error is NIOConnectionError || error is IOError {
            let text = String(describing: error)
            if text.contains("refused") || text.contains("111") { return "connection refused" }
            if text.contains("unreachable") { return "network unreachable" }
            return "cannot connect: \(text)"
        }
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused" }
        if text.localizedCaseInsensitiveContains("timeout") || text.localizedCaseInsensitiveContains("timed out") {
            return "timeout after \(Format.duration(timeout))"
        }
        return text
    }
}
