public import Foundation

/// Where a webhook goes: written in the config, or a secret in itself (a chat
/// webhook's URL is its own credential) read from `url_env` / `url_file`.
public enum WebhookURL: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    case literal(String)
    case secret(SecretRef)

    public init(stringLiteral value: String) { self = .literal(value) }

    /// Masked: userinfo and secret query values as `***`; a secret URL as where it comes from.
    public var description: String {
        switch self {
        case .literal(let url): Redact.url(url)
        case .secret(let ref): "\(Redact.mask) (URL from \(ref))"
        }
    }
}

/// One entry of a program's `env:`: a variable passed through from warroom's
/// own environment, or set to a value written in the config.
public enum ChildEnv: Sendable, Equatable {
    case pass(String)
    case set(String, String)

    public var name: String {
        switch self {
        case .pass(let n), .set(let n, _): n
        }
    }

    /// What a child program gets besides its `env:`.
    public static let baseNames = ["PATH", "HOME", "USER", "LANG", "TZ"]

    /// The whole environment of a child: the base names and the `env:`
    /// entries, taken from `parent`; nothing else of warroom's environment.
    /// A passed-through name that is not set is left out.
    public static func environment(_ entries: [ChildEnv], from parent: [String: String]) -> [String: String] {
        var out: [String: String] = [:]
        for name in baseNames { out[name] = parent[name] }
        if out["PATH"] == nil { out["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        for entry in entries {
            switch entry {
            case .pass(let name): out[name] = parent[name]
            case .set(let name, let value): out[name] = value
            }
        }
        return out
    }
}

/// Why a command is not sent as configured.
public struct CommandNotSent: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A command with its placeholders filled: exactly what is sent. The preview
/// the commander sees and the request the executor makes come from this one
/// value, so they cannot differ. Secrets are references here; the executor
/// reads them at send time.
public enum ExactCommand: Sendable, Equatable {
    case program(argv: [String], env: [ChildEnv], timeout: TimeInterval)
    /// `headers` maps a header name to the environment variable holding its value.
    case webhook(method: String, url: WebhookURL, body: String?, headers: [String: String], timeout: TimeInterval)

    /// The exact command line or request, secrets masked: argv (shell-quoted),
    /// or method, URL, headers and body.
    public var preview: String {
        switch self {
        case .program(let argv, let env, _):
            let line = argv.map { Redact.text(Self.shellQuoted($0)) }.joined(separator: " ")
            guard !env.isEmpty else { return line }
            let shown = env.map { entry -> String in
                switch entry {
                case .pass(let name): name
                case .set(let name, let value): "\(name)=\(Redact.text(value))"
                }
            }
            return line + " [env: " + shown.joined(separator: ", ") + "]"
        case .webhook(let method, let url, let body, let headers, _):
            let shown = headers.keys.sorted().map { " [\($0): \(Redact.mask)]" }.joined()
            return "\(method) \(url)\(shown)" + (body.map { " " + Redact.text($0) } ?? "")
        }
    }

    /// The same command as a line to paste into a shell when warroom itself is
    /// down: the argv, or a curl call. Secret values are never written: a
    /// header or a secret URL is written as the variable (or file) holding it.
    public var shellLine: String {
        switch self {
        case .program(let argv, let env, _):
            let sets = env.compactMap { entry -> String? in
                if case .set(let name, let value) = entry { return "\(name)=\(Self.shellQuoted(Redact.text(value)))" }
                return nil
            }
            let line = argv.map { Redact.text(Self.shellQuoted($0)) }.joined(separator: " ")
            return sets.isEmpty ? line : "env " + sets.joined(separator: " ") + " " + line
        case .webhook(let method, let url, let body, let headers, _):
            var parts = ["curl", "-sS", "-X", method.uppercased()]
            for name in headers.keys.sorted() { parts += ["-H", "\"\(name): $\(headers[name]!)\""] }
            if let body {
                if !headers.keys.contains(where: { $0.lowercased() == "content-type" }) { parts += ["-H", "'Content-Type: application/json'"] }
                parts += ["--data", Self.shellQuoted(Redact.text(body))]
            }
            switch url {
            case .literal(let u): parts.append(Self.shellQuoted(Redact.url(u)))
            case .secret(.env(let name)): parts.append("\"$\(name)\"")
            case .secret(.file(let path)): parts.append("\"$(cat \(Self.shellQuoted(path)))\"")
            }
            return parts.joined(separator: " ")
        }
    }

    static func shellQuoted(_ a: String) -> String {
        a.isEmpty || a.contains(where: { " '\"\\$`!*?;&|<>()[]{}#~\t\n".contains($0) })
            ? "'" + a.replacingOccurrences(of: "'", with: "'\\''") + "'" : a
    }
}

extension CommandSpec {
    /// Fill the placeholders in one pass (argv elements, URL-escaped URL text,
    /// JSON-escaped body text). Refused when a placeholder's value would make
    /// an argument begin with `-`: a program could read it as an option.
    public func prepare(_ values: [String: String]) throws(CommandNotSent) -> ExactCommand {
        switch self {
        case .program(let argv, let timeout, let env):
            var out: [String] = []
            for (i, arg) in argv.enumerated() {
                let pieces = Placeholders.pieces(arg, values)
                if i > 0, case .value(let name, let value)? = pieces.first, value.hasPrefix("-") {
                    throw CommandNotSent(
                        "not sent: {\(name)} begins with '-' and would become an option of \(argv[0]) (argument \(i)); write it as --\(name)={\(name)} in the config, or start the text with a letter"
                    )
                }
                out.append(Placeholders.fill(arg, values, escape: .none))
            }
            return .program(argv: out, env: env, timeout: timeout)
        case .webhook(let method, let url, let body, let headers, let timeout):
            let filled: WebhookURL
            switch url {
            case .literal(let u): filled = .literal(Placeholders.fill(u, values, escape: .url))
            case .secret: filled = url
            }
            return .webhook(
                method: method, url: filled, body: body.map { Placeholders.fill($0, values, escape: .json) },
                headers: headers, timeout: timeout)
        }
    }

    /// The values a command for `action` is filled with.
    public static func values(_ action: CommandAction, reason: String, by: String, service: String) -> [String: String] {
        Placeholders.values(for: CommandRequest(id: 0, action: action, by: by, reason: reason, automatic: false), service: service)
    }

    /// The manual rollback for when warroom is down: a shell line, or why there is none.
    public static func breakGlass(in specs: [String: CommandSpec], service: String, by: String) -> String {
        guard let spec = lookup(.rollback, in: specs) else { return "(no rollback command configured)" }
        do {
            return try spec.prepare(values(.rollback, reason: "manual rollback: warroom down", by: by, service: service)).shellLine
        } catch {
            return "(\(error))"
        }
    }
}

/// What a command's reason must be: a note's rules, and it must not start
/// with `-`, which a program given `{reason}` as its own argument could read
/// as an option. (A reason from elsewhere that does is refused when the
/// command is prepared; see `CommandSpec.prepare`.)
public enum ReasonRules {
    public static func problem(with reason: String) -> NoteProblem? {
        if let problem = NoteRules.problem(with: reason) { return problem }
        if reason.trimmingCharacters(in: .whitespaces).hasPrefix("-") { return .startsWithDash }
        return nil
    }
}
