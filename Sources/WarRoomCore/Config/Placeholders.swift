import Foundation

/// `{percent}`, `{reason}`, `{service}`, `{by}`, `{action}` in command templates.
public enum Placeholders {
    public enum Escape: Sendable { case none, json, url }

    public static func values(for request: CommandRequest, service: String) -> [String: String] {
        var v = ["reason": request.reason, "service": service, "by": request.by, "action": request.action.name]
        // Every action that moves traffic fills {percent}: a promote sent through set_traffic too.
        if let p = request.action.percent { v["percent"] = p == p.rounded() ? String(Int(p)) : String(p) }
        return v
    }

    /// `{person}`, `{handle}`, `{contact}`, `{tier}`, `{severity}`, `{title}`, `{service}` for pages.
    public static func values(for page: PageRequest, service: String) -> [String: String] {
        [
            "person": page.person.name, "handle": page.person.handle, "contact": page.person.contact, "tier": page.tierName,
            "severity": page.severity.label, "title": page.title, "service": service, "round": String(page.round + 1),
        ]
    }

    /// One piece of a template: literal text, or a placeholder with its value.
    public enum Piece: Sendable, Equatable {
        case literal(String)
        case value(name: String, String)
    }

    /// The template split in one pass, left to right: a `{name}` with a value
    /// becomes that value; anything else (`{unknown}`, a lone brace) stays as
    /// written. A value is never scanned again, so a reason holding
    /// `{contact}` stays literal.
    public static func pieces(_ template: String, _ values: [String: String]) -> [Piece] {
        var out: [Piece] = []
        var literal = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            literal += rest[..<open]
            let after = rest.index(after: open)
            if let close = rest[after...].firstIndex(where: { $0 == "}" || $0 == "{" }), rest[close] == "}",
                let value = values[String(rest[after ..< close])]
            {
                if !literal.isEmpty { out.append(.literal(literal)) }
                literal = ""
                out.append(.value(name: String(rest[after ..< close]), value))
                rest = rest[rest.index(after: close)...]
            } else {
                literal += "{"
                rest = rest[after...]
            }
        }
        literal += rest
        if !literal.isEmpty { out.append(.literal(literal)) }
        return out
    }

    public static func fill(_ template: String, _ values: [String: String], escape: Escape) -> String {
        pieces(template, values).map { piece in
            switch piece {
            case .literal(let text): return text
            case .value(_, let value): return self.escape(value, escape)
            }
        }.joined()
    }

    static func escape(_ value: String, _ escape: Escape) -> String {
        switch escape {
        case .none: return value
        case .url:
            return value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+#"))) ?? value
        case .json:
            let data = (try? JSONEncoder().encode(value)) ?? Data("\"\"".utf8)
            return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
        }
    }
}
