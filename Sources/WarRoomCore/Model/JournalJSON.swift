public import Foundation

/// How events and checkpoints are written as JSON in a journal: keys sorted
/// (equal values give equal bytes), non-finite numbers as "+Inf", "-Inf" and
/// "NaN". One place, so an event row and a checkpoint never disagree.
public enum JournalJSON {
    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    public static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        return d
    }()
}
