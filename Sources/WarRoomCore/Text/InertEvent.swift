import Foundation

extension Event {
    /// This event with every string in it made inert (`InertText.clean`): the
    /// gate on the way into the journal, so that whatever reached an event
    /// (an alert's summary, a config name, a command's output, a typed name)
    /// is stored harmless. A command's or page's `output` keeps its newlines
    /// and tabs; every other string is one line.
    ///
    /// Works on the event's Codable form, so a new case or field is covered
    /// without a change here. Returns `self` when nothing needs cleaning,
    /// which is the usual case, and always for samples (numbers only).
    public var inert: Event {
        if case .samples = self { return self }
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        guard let data = try? encoder.encode(self),
            let tree = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        else { return self }
        var changed = false
        let cleaned = Self.clean(tree, key: nil, changed: &changed)
        guard changed else { return self }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        guard let back = try? JSONSerialization.data(withJSONObject: cleaned, options: [.fragmentsAllowed]),
            let event = try? decoder.decode(Event.self, from: back)
        else { return self }
        return event
    }

    private static let multiLineKeys: Set<String> = ["output"]

    private static func clean(_ value: Any, key: String?, changed: inout Bool) -> Any {
        switch value {
        case let s as String:
            let allowed: InertText.Allowed = key.map { multiLineKeys.contains($0) } == true ? .lines : []
            if InertText.isInert(s, allowing: allowed) { return s }
            changed = true
            return InertText.clean(s, allowing: allowed)
        case let list as [Any]:
            return list.map { clean($0, key: key, changed: &changed) }
        case let object as [String: Any]:
            var out: [String: Any] = [:]
            for (k, v) in object {
                // Keys of a label map are text from outside too; field names are ours and inert.
                let ck = InertText.clean(k)
                if ck != k { changed = true }
                out[ck] = clean(v, key: k, changed: &changed)
            }
            return out
        default:
            return value
        }
    }
}

extension MetricFamily {
    /// Help, unit and every label name and value made inert, for a scrape
    /// that will be shown or recorded. The same family when already inert.
    public var inert: MetricFamily {
        func isInert(_ labels: [MetricLabel]) -> Bool { labels.allSatisfy { InertText.isInert($0.name) && InertText.isInert($0.value) } }
        func clean(_ labels: [MetricLabel]) -> [MetricLabel] { labels.map { MetricLabel(InertText.clean($0.name), InertText.clean($0.value)) } }
        let sampleOK = samples.allSatisfy { isInert($0.labels) && ($0.exemplar.map { isInert($0.labels) } ?? true) }
        if InertText.isInert(name), InertText.isInert(help ?? ""), InertText.isInert(unit ?? ""), sampleOK { return self }
        var out = self
        out.name = InertText.clean(name)
        out.help = help.map { InertText.clean($0) }
        out.unit = unit.map { InertText.clean($0) }
        out.samples = samples.map { s in
            var s = s
            s.name = InertText.clean(s.name)
            s.labels = clean(s.labels)
            if let e = s.exemplar { s.exemplar = MetricExemplar(labels: clean(e.labels), value: e.value, timestamp: e.timestamp) }
            return s
        }
        return out
    }
}
