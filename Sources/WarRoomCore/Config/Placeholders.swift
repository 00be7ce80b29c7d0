import Foundation

/// `{percent}`, `{reason}`, `{service}`, `{by}`, `{action}` in command templates.
public enum Placeholders {
    public enum Escape { case none, json, url }

    public static func values(for request: CommandRequest, service: String) -> [String: String] {
        var v = ["reason": request.reason, "service": service, "by": request.by, "action": request.action.name]
        if case .setTraffic(let p) = request.action { v["percent"] = p == p.rounded() ? String(Int(p)) : String(p) }
        return v
    }

    /// `{person}`, `{handle}`, `{contact}`, `{tier}`, `{severity}`, `{title}`, `{service}` for pages.
    public static func values(for page: PageRequest, service: String) -> [String: String] {
        ["person": page.person.name, "handle": page.person.handle, "contact": page.person.contact, "tier": page.tierName,
         "severity": page.severity.label, "title": page.title, "service": service, "round": String(page.round + 1)]
    }

    public static func fill(_ template: String, _ values: [String: String], escape: Escape) -> String {
        var out = template
        for (key, value) in values {
            let escaped: String
            switch escape {
            case .none: escaped = value
            case .url: escaped = value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? value
            case .json:
                let data = (try? JSONEncoder().encode(value)) ?? Data("\"\"".utf8)
                escaped = String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
            }
            out = out.replacingOccurrences(of: "{\(key)}", with: escaped)
        }
        return out
    }
}
