public import Foundation

/// A JSON document built in code and written by `JSONEncoder` (sorted keys,
/// pretty): plain values, and events as the journal's encoder writes them.
/// `JSONSerialization` with sorted keys was most of a long journal's
/// `export --format json` (it sorts `AnyHashable` keys and casts every value).
public enum JSONValue: Encodable, Sendable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral
{
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])
    case event(Event)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(Dictionary(elements, uniquingKeysWith: { $1 })) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }

    /// `value`, or null.
    public static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    private struct Name: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .object(let fields):
            var c = encoder.container(keyedBy: Name.self)
            for (k, v) in fields { try c.encode(v, forKey: Name(stringValue: k)) }
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for v in items { try c.encode(v) }
        case .string(let s): try single(encoder) { try $0.encode(s) }
        case .int(let n): try single(encoder) { try $0.encode(n) }
        case .double(let d): try single(encoder) { try $0.encode(d) }
        case .bool(let b): try single(encoder) { try $0.encode(b) }
        case .null: try single(encoder) { try $0.encodeNil() }
        case .event(let e):
            try e.encode(to: encoder)
        }
    }

    private func single(_ encoder: any Encoder, _ body: (inout any SingleValueEncodingContainer) throws -> Void) throws {
        var c = encoder.singleValueContainer()
        try body(&c)
    }

    /// Pretty, keys sorted, slashes as they are, non-finite numbers as
    /// "+Inf", "-Inf", "NaN" (as the journal writes them).
    public func data() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        return try encoder.encode(self)
    }
}
