public import WarRoomUI

/// One problem in a theme file, located for the operator.
public struct ThemeError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable, Equatable {
        case unreadable, notFound, invalidYAML, duplicateKey, unknownKey, unknownRole
        case badColour, missingPaletteEntry, wrongType, missingField
    }

    public var kind: Kind
    public var file: String
    /// 1-based; 0 when the problem has no place in the file.
    public var line: Int
    public var column: Int
    /// Dotted path of the field: "roles.sev1.fg".
    public var field: String
    public var message: String

    public init(kind: Kind, file: String, line: Int, column: Int, field: String, message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    public var description: String {
        let place = line > 0 ? "\(file):\(line):\(column)" : file
        return field.isEmpty ? "\(place): \(message)" : "\(place): \(field): \(message)"
    }
}

/// Every problem found in a theme file, in file order.
public struct ThemeErrors: Error, CustomStringConvertible, Sendable {
    public var errors: [ThemeError]
    public init(errors: [ThemeError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Something odd that does not stop the theme from loading.
public struct ThemeWarning: CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int
    public var column: Int
    public var field: String
    public var message: String
    /// The role concerned, if any (a missing role, fg equal to bg).
    public var role: Role?

    public init(file: String, line: Int, column: Int, field: String, message: String, role: Role? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
        self.role = role
    }

    public var description: String {
        let place = line > 0 ? "\(file):\(line):\(column)" : file
        return field.isEmpty ? "\(place): warning: \(message)" : "\(place): \(field): warning: \(message)"
    }
}

/// Nearest-name suggestions for typos.
enum Suggest {
    /// Levenshtein distance, ignoring case, '-' and '_'.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(fold(a))
        let y = Array(fold(b))
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0 ... y.count)
        for i in 1 ... x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1 ... y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }

    static func fold(_ s: String) -> String { String(s.lowercased().filter { $0 != "-" && $0 != "_" }) }

    /// The closest candidate if it is close enough to be a typo (first wins ties).
    static func nearest(_ word: String, in candidates: [String]) -> String? {
        var best: (String, Int)?
        for c in candidates {
            let d = distance(word, c)
            if best.map({ d < $0.1 }) ?? true { best = (c, d) }
        }
        guard let (name, d) = best, d <= max(2, fold(word).count / 3) else { return nil }
        return name
    }

    static func didYouMean(_ word: String, in candidates: [String]) -> String {
        nearest(word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }
}
