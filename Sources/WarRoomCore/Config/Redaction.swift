import Foundation

/// The one place that decides what of a URL, a header or a line of text is a
/// secret, and writes it as `***`. Previews, the journal and the log all go
/// through it: userinfo (`user:pass@`), the values of secret query parameters
/// (`token=`, `key=`, `sig=`, `secret=`, `password=`, …), configured header
/// values, and any secret value warroom itself read for a request.
public enum Redact {
    public static let mask = "***"

    /// Query parameter names whose values are secrets, compared lowercased.
    static let secretNames: Set<String> = [
        "token", "key", "sig", "signature", "secret", "password", "passwd", "pwd", "pass", "auth", "authorization",
        "access_token", "api_key", "apikey", "api-key", "client_secret", "session", "sid", "private_token",
        "x-amz-signature", "x-amz-credential", "x-amz-security-token", "x-goog-signature", "x-goog-credential",
    ]
    /// Parts of a name that make it secret wherever they appear (`refresh_token`, `db_password`, `X-Api-Key`).
    static let secretParts = ["token", "secret", "passw", "apikey", "api_key", "api-key", "signature", "credential", "private"]

    /// Is a query parameter (or header) with this name a secret?
    public static func isSecretName(_ raw: String) -> Bool {
        let name = (raw.removingPercentEncoding ?? raw).lowercased()
        return secretNames.contains(name) || secretParts.contains { name.contains($0) }
    }

    /// A URL with its userinfo and secret query values shown as `***`.
    /// Works on templates too (`{percent}` is left as it is).
    public static func url(_ url: String) -> String {
        var text = Substring(url)
        var out = ""
        // scheme://
        if let sep = text.range(of: "://") {
            out += text[..<sep.upperBound]
            text = text[sep.upperBound...]
            let authorityEnd = text.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? text.endIndex
            let authority = text[..<authorityEnd]
            if let at = authority.lastIndex(of: "@") {
                out += mask + authority[at...]
            } else {
                out += authority
            }
            text = text[authorityEnd...]
        }
        guard let q = text.firstIndex(of: "?") else { return out + text }
        out += text[...q]
        text = text[text.index(after: q)...]
        let queryEnd = text.firstIndex(of: "#") ?? text.endIndex
        let pairs = text[..<queryEnd].split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let eq = pair.firstIndex(of: "=") else { return String(pair) }
            let name = pair[..<eq]
            return isSecretName(String(name)) && pair.index(after: eq) < pair.endIndex ? name + "=" + mask : String(pair)
        }
        return out + pairs.joined(separator: "&") + text[queryEnd...]
    }

    /// Does this URL carry a user name or password (`http://user:pass@host/`)?
    public static func hasUserinfo(_ url: String) -> Bool {
        guard let sep = url.range(of: "://") else { return false }
        let rest = url[sep.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        return rest[..<authorityEnd].contains("@")
    }

    /// Free text (an error, a response body, a program's output, a log line)
    /// with every URL in it masked as `url(_:)` does, and every occurrence of
    /// a known secret value (at least 4 characters long) replaced by `***`.
    public static func text(_ text: String, secrets: [String] = []) -> String {
        var out = text
        for secret in secrets.filter({ $0.count >= 4 }).sorted(by: { $0.count > $1.count }) {
            out = out.replacingOccurrences(of: secret, with: mask)
        }
        guard out.range(of: "://") != nil else { return out }
        var result = ""
        var rest = Substring(out)
        while let sep = rest.range(of: "://") {
            // The scheme: letters, digits, + - . just before "://".
            var start = sep.lowerBound
            while start > rest.startIndex {
                let before = rest.index(before: start)
                let c = rest[before]
                guard c.isASCII, c.isLetter || c.isNumber || c == "+" || c == "-" || c == "." else { break }
                start = before
            }
            var end = rest[sep.upperBound...].firstIndex { $0.isWhitespace || "\"'<>`".contains($0) } ?? rest.endIndex
            // Punctuation that ends a sentence is not part of the URL ("redirect to http://h/x: not followed").
            while end > sep.upperBound, ".,;:!?)]}".contains(rest[rest.index(before: end)]) { end = rest.index(before: end) }
            result += rest[..<start]
            result += url(String(rest[start ..< end]))
            rest = rest[end...]
        }
        return result + rest
    }
}
