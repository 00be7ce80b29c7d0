public import Foundation

/// One alert from Alertmanager's API v2 (`GET /api/v2/alerts`).
public struct AlertmanagerAlert: Sendable, Equatable {
    public enum State: String, Sendable, Equatable, CaseIterable {
        case active, suppressed, unprocessed
    }

    /// Alertmanager's fingerprint, or one derived from the labels when the
    /// answer has none (see `AlertmanagerDecoder.fingerprint(of:)`).
    public var fingerprint: String
    public var labels: [String: String]
    public var annotations: [String: String]
    /// Nil when absent, empty, or Go's zero time.
    public var startsAt: Date?
    public var endsAt: Date?
    public var updatedAt: Date?
    public var generatorURL: String?
    public var receivers: [String]
    public var state: State
    public var silencedBy: [String]
    public var inhibitedBy: [String]

    public init(
        fingerprint: String? = nil, labels: [String: String], annotations: [String: String] = [:],
        startsAt: Date? = nil, endsAt: Date? = nil, updatedAt: Date? = nil, generatorURL: String? = nil,
        receivers: [String] = [], state: State = .active, silencedBy: [String] = [], inhibitedBy: [String] = []
    ) {
        self.fingerprint = fingerprint ?? AlertmanagerDecoder.fingerprint(of: labels)
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.updatedAt = updatedAt
        self.generatorURL = generatorURL
        self.receivers = receivers
        self.state = state
        self.silencedBy = silencedBy
        self.inhibitedBy = inhibitedBy
    }

    /// `labels["alertname"]`, or "(unnamed)".
    public var name: String {
        if let name = labels["alertname"], !name.isEmpty { return name }
        return "(unnamed)"
    }

    /// The `summary` annotation, else `description`; nil when both are absent or blank.
    public var summary: String? {
        for key in ["summary", "description"] {
            if let text = annotations[key], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return text }
        }
        return nil
    }

    public var isSilenced: Bool { !silencedBy.isEmpty }
    public var isInhibited: Bool { !inhibitedBy.isEmpty }
    /// Silenced, inhibited, or suppressed for another reason (e.g. a mute
    /// time interval): it must not page or raise severity.
    public var isSuppressed: Bool { state == .suppressed || isSilenced || isInhibited }
}

/// Decodes the answer of Alertmanager's `GET /api/v2/alerts`: a JSON array of
/// alerts. Only `labels` is required; every other field may be absent or
/// null (older and newer versions differ), and unknown keys are ignored.
/// Known fields of the wrong type are errors naming the field, e.g.
/// `[2].labels.severity: expected a string, got a number`.
public enum AlertmanagerDecoder {
    public struct Failure: Error, Sendable, CustomStringConvertible, Equatable {
        public var field: String
        public var reason: String
        public init(field: String, reason: String) {
            self.field = field
            self.reason = reason
        }
        public var description: String { field.isEmpty ? reason : "\(field): \(reason)" }
    }

    /// `httpStatus` outside 2xx is an error carrying the start of the body.
    public static func decode(_ data: Data, httpStatus: Int = 200) throws(Failure) -> [AlertmanagerAlert] {
        guard (200 ..< 300).contains(httpStatus) else {
            throw Failure(field: "", reason: "HTTP \(httpStatus) from Alertmanager: \(FeedJSON.excerpt(data))")
        }
        let object: Any
        switch FeedJSON.parse(data) {
        case .success(let value): object = value
        case .failure(let reason):
            throw Failure(field: "", reason: "the Alertmanager answer is not valid JSON (\(reason.text)); it starts with: \(FeedJSON.excerpt(data))")
        }
        guard let array = object as? [Any] else {
            var reason = "expected a JSON array of alerts at the top, got \(FeedJSON.typeName(object))"
            if object is [String: Any] { reason += " (is the URL /api/v2/alerts?)" }
            throw Failure(field: "", reason: reason)
        }
        var alerts: [AlertmanagerAlert] = []
        alerts.reserveCapacity(array.count)
        for (i, element) in array.enumerated() {
            alerts.append(try alert(element, path: "[\(i)]"))
        }
        return alerts
    }

    /// A stable fingerprint for a label set: FNV-1a 64 over the labels sorted
    /// by name (bytewise), each as name 0xFF value 0xFE, as 16 lowercase hex
    /// digits (the width of Alertmanager's own fingerprints).
    public static func fingerprint(of labels: [String: String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let sorted = labels.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
        for (name, value) in sorted {
            for byte in name.utf8 { mix(byte) }
            mix(0xFF)
            for byte in value.utf8 { mix(byte) }
            mix(0xFE)
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    // MARK: Pieces

    private static func alert(_ value: Any, path: String) throws(Failure) -> AlertmanagerAlert {
        guard let object = value as? [String: Any] else {
            throw Failure(field: path, reason: "expected an alert object, got \(FeedJSON.typeName(value))")
        }
        guard let labelsValue = object["labels"], !(labelsValue is NSNull) else {
            throw Failure(field: path + ".labels", reason: "missing (every alert has labels)")
        }
        let labels = try stringMap(labelsValue, path + ".labels")
        var annotations: [String: String] = [:]
        if let value = object["annotations"] { annotations = try stringMap(value, path + ".annotations") }
        var fingerprint = try string(object["fingerprint"], path + ".fingerprint") ?? ""
        if fingerprint.isEmpty { fingerprint = Self.fingerprint(of: labels) }

        var receivers: [String] = []
        if let value = object["receivers"], !(value is NSNull) {
            guard let list = value as? [Any] else {
                throw Failure(field: path + ".receivers", reason: "expected an array, got \(FeedJSON.typeName(value))")
            }
            for (i, element) in list.enumerated() {
                let at = "\(path).receivers[\(i)]"
                guard let receiver = element as? [String: Any] else {
                    throw Failure(field: at, reason: "expected an object, got \(FeedJSON.typeName(element))")
                }
                if let name = try string(receiver["name"], at + ".name") { receivers.append(name) }
            }
        }

        var state = AlertmanagerAlert.State.active
        var silencedBy: [String] = []
        var inhibitedBy: [String] = []
        if let value = object["status"], !(value is NSNull) {
            guard let status = value as? [String: Any] else {
                throw Failure(field: path + ".status", reason: "expected an object, got \(FeedJSON.typeName(value))")
            }
            silencedBy = try strings(status["silencedBy"], path + ".status.silencedBy")
            inhibitedBy = try strings(status["inhibitedBy"], path + ".status.inhibitedBy")
            if let text = try string(status["state"], path + ".status.state") {
                guard let known = AlertmanagerAlert.State(rawValue: text) else {
                    throw Failure(
                        field: path + ".status.state",
                        reason: "unknown state \(FeedJSON.quoted(text, limit: 40)) (expected active, suppressed or unprocessed)")
                }
                state = known
            } else if !silencedBy.isEmpty || !inhibitedBy.isEmpty {
                state = .suppressed
            }
        }

        return AlertmanagerAlert(
            fingerprint: fingerprint,
            labels: labels,
            annotations: annotations,
            startsAt: try time(object["startsAt"], path + ".startsAt"),
            endsAt: try time(object["endsAt"], path + ".endsAt"),
            updatedAt: try time(object["updatedAt"], path + ".updatedAt"),
            generatorURL: try string(object["generatorURL"], path + ".generatorURL").flatMap { $0.isEmpty ? nil : $0 },
            receivers: receivers,
            state: state,
            silencedBy: silencedBy,
            inhibitedBy: inhibitedBy
        )
    }

    private static func stringMap(_ value: Any, _ path: String) throws(Failure) -> [String: String] {
        if value is NSNull { return [:] }
        guard let object = value as? [String: Any] else {
            throw Failure(field: path, reason: "expected an object, got \(FeedJSON.typeName(value))")
        }
        var out: [String: String] = [:]
        for (key, element) in object {
            guard let s = element as? String else {
                throw Failure(field: FeedJSON.member(path, key), reason: "expected a string, got \(FeedJSON.typeName(element))")
            }
            out[key] = s
        }
        return InertText.clean(out)
    }

    private static func string(_ value: Any?, _ path: String) throws(Failure) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        guard let s = value as? String else {
            throw Failure(field: path, reason: "expected a string, got \(FeedJSON.typeName(value))")
        }
        return InertText.clean(s)
    }

    private static func strings(_ value: Any?, _ path: String) throws(Failure) -> [String] {
        guard let value, !(value is NSNull) else { return [] }
        guard let list = value as? [Any] else {
            throw Failure(field: path, reason: "expected an array of strings, got \(FeedJSON.typeName(value))")
        }
        var out: [String] = []
        for (i, element) in list.enumerated() {
            guard let s = element as? String else {
                throw Failure(field: "\(path)[\(i)]", reason: "expected a string, got \(FeedJSON.typeName(element))")
            }
            out.append(InertText.clean(s))
        }
        return out
    }

    private static func time(_ value: Any?, _ path: String) throws(Failure) -> Date? {
        guard let text = try string(value, path), !text.isEmpty else { return nil }
        guard let date = FeedJSON.rfc3339(text) else {
            throw Failure(field: path, reason: "not an RFC 3339 time like 2026-11-23T16:05:03.123Z: \(FeedJSON.quoted(text, limit: 40))")
        }
        return date == FeedJSON.goZeroTime ? nil : date
    }
}

/// What changed between two polls of Alertmanager.
public enum AlertChange: Sendable, Equatable {
    /// New and not suppressed.
    case firing(AlertmanagerAlert)
    /// New and suppressed, or was firing and is now suppressed (silenced,
    /// inhibited or muted).
    case silenced(AlertmanagerAlert)
    /// Was suppressed and is active again.
    case unsilenced(AlertmanagerAlert)
    /// Gone from the list, or its `endsAt` has passed.
    case resolved(fingerprint: String, name: String)
}

/// Turns successive alert lists into changes. Pure: time comes from `now`.
///
/// The first update reports every current alert (`.firing` or `.silenced`).
/// Alerts are matched by fingerprint; an unchanged alert gives nothing (a
/// change of annotations or `endsAt` alone is not a change). Changes come in
/// the order of the list, then resolutions sorted by name and fingerprint.
public struct AlertTracker: Sendable {
    private struct Known: Sendable {
        var name: String
        var suppressed: Bool
    }

    private var known: [String: Known] = [:]

    public init() {}

    /// Fingerprints of the alerts currently tracked (firing or suppressed).
    public var fingerprints: Set<String> { Set(known.keys) }

    public mutating func update(_ alerts: [AlertmanagerAlert], now: Date) -> [AlertChange] {
        var changes: [AlertChange] = []
        var next: [String: Known] = [:]
        for alert in alerts {
            if let endsAt = alert.endsAt, endsAt <= now { continue }
            guard next[alert.fingerprint] == nil else { continue }  // duplicates: the first wins
            let suppressed = alert.isSuppressed
            next[alert.fingerprint] = Known(name: alert.name, suppressed: suppressed)
            switch (known[alert.fingerprint]?.suppressed, suppressed) {
            case (nil, false): changes.append(.firing(alert))
            case (nil, true), (false?, true): changes.append(.silenced(alert))
            case (true?, false): changes.append(.unsilenced(alert))
            default: break
            }
        }
        let gone = known.filter { next[$0.key] == nil }
            .sorted { ($0.value.name, $0.key) < ($1.value.name, $1.key) }
        for (fingerprint, info) in gone {
            changes.append(.resolved(fingerprint: fingerprint, name: info.name))
        }
        known = next
        return changes
    }
}

/// Maps an alert's severity label to a SEV level (1 is the worst).
public struct AlertSeverityMap: Sendable, Equatable {
    public static let defaultValues: [String: Int] = [
        "critical": 1, "page": 1, "error": 2, "high": 2, "warning": 3, "warn": 3,
    ]

    public var labelName: String
    /// Label value → level 1...4 (SEV-1…SEV-4). Matched case-insensitively; if two keys
    /// differ only in case, the worse (lower) level wins.
    public var values: [String: Int]

    public init(labelName: String = "severity", values: [String: Int] = AlertSeverityMap.defaultValues) {
        self.labelName = labelName
        self.values = values
    }

    /// The level of an alert, or nil when it has no (known) severity label,
    /// the mapped level is outside 1...4, or the alert is silenced, inhibited
    /// or otherwise suppressed: those must not raise severity.
    public func level(of alert: AlertmanagerAlert) -> Int? {
        guard !alert.isSuppressed, let raw = alert.labels[labelName] else { return nil }
        let wanted = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let level = values.filter { $0.key.lowercased() == wanted }.map(\.value).min()
        guard let level, (1 ... 4).contains(level) else { return nil }
        return level
    }
}
