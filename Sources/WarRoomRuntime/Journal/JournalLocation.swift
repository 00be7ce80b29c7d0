public import Foundation

/// Where `--journal` says the journal lives. Today only a file (SQLite).
/// A URL (`postgres://…`, or any `scheme://`) is refused with a clear error
/// rather than taken for a path: `postgres://db/wr` used to create a folder
/// named `postgres:` and a journal nobody else would ever read. The error
/// never shows a password the URL may hold.
public enum JournalLocation {
    /// The file path `text` names, or why it names none.
    public static func filePath(_ text: String) throws(JournalError) -> String {
        guard let scheme = urlScheme(text) else { return text }
        let shown = redacted(text)
        if ["postgres", "postgresql"].contains(scheme.lowercased()) {
            throw JournalError(
                path: shown,
                reason: "a PostgreSQL journal is not built yet (one war room across machines comes later); give a file path for a SQLite journal")
        }
        throw JournalError(path: shown, reason: "\(scheme):// is not a kind of journal warroom knows; give a file path for a SQLite journal")
    }

    /// The scheme of `text` when it is written as a URL (`scheme://`).
    static func urlScheme(_ text: String) -> String? {
        guard let range = text.range(of: "://") else { return nil }
        let scheme = text[..<range.lowerBound]
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) })
        else { return nil }
        return String(scheme)
    }

    /// The URL with any password replaced by `***`.
    static func redacted(_ text: String) -> String {
        guard let range = text.range(of: "://") else { return text }
        let rest = text[range.upperBound...]
        let authorityEnd = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
