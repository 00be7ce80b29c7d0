public import Foundation

/// Why the canary must not take more traffic now. Each is a fact of the
/// state (an incident, a blind source, a command whose outcome is not known,
/// too few passing checks), kept as a value so that views switch on it and
/// the timeline records it once when the set changes.
public enum Hold: Sendable, Codable, Equatable, Hashable {
    /// An incident is open at or above the plan's hold severity.
    case incident(number: Int, severity: Severity)
    /// Rules or alerts are at or above the hold severity with no open incident.
    case severity(Severity)
    /// A source that feeds a watched series is down.
    case sourceDown(source: String)
    /// A watched series has no value younger than its source's stale limit.
    case sourceStale(source: String)
    /// A traffic command is in flight (its outcome not known yet).
    case commandInFlight(action: CommandAction)
    /// The current step has had fewer passing checks than the plan asks for.
    case needsChecks(required: Int)
    /// The last analysis check of this step did not pass.
    case lastCheck(outcome: AnalysisCheck.Outcome)
    /// The traffic controller reports a weight other than the plan's.
    case drift(plan: Double, controller: Double)

    /// One line for the pane, the timeline and refusals.
    public var text: String {
        switch self {
        case .incident(let number, let severity): "incident #\(number) open at \(severity.label)"
        case .severity(let level): "\(level.label) firing"
        case .sourceDown(let source): "source \(source) is down"
        case .sourceStale(let source): "source \(source) is stale"
        case .commandInFlight(let action): "\(action) in flight"
        case .needsChecks(let required): "needs \(required) passing check\(required == 1 ? "" : "s") in this step"
        case .lastCheck(let outcome): "last analysis check \(outcome == .fail ? "failed" : "had no data")"
        case .drift(let plan, let controller): Drift(plan: plan, controller: controller).text
        }
    }

    /// Holds that are trouble rather than ordinary pacing: these are recorded
    /// in the timeline when they start and stop. Pacing (a command in flight,
    /// checks still to come) shows on the pane only.
    public var isTrouble: Bool {
        switch self {
        case .commandInFlight, .needsChecks: false
        default: true
        }
    }

    /// Recorded in the timeline by `holdsChanged` when it starts and stops.
    /// Drift has its own, louder, entry (it matters in every phase).
    public var isRecorded: Bool {
        if case .drift = self { return false }
        return isTrouble
    }

    /// Can a person override it (through the armed flow, with a reason)?
    /// A command in flight cannot be overridden: one traffic command at a time.
    public var canOverride: Bool {
        if case .commandInFlight = self { return false }
        return true
    }
}

extension [Hold] {
    /// "incident #1 open at SEV-2; source health is down".
    public var text: String { map(\.text).joined(separator: "; ") }
}

/// Why the canary stopped (paused, rolled back, failed): a value, with a
/// `text` for display.
public enum CanaryStop: Sendable, Codable, Equatable {
    case paused(by: String, reason: String)
    case rolledBack(by: String, reason: String)
    case rollbackFailed(detail: String)
    case commandFailed(action: CommandAction, detail: String)
    /// A traffic command's outcome is not known (pre-empted, or warroom restarted mid-command).
    case outcomeUnknown(action: CommandAction, why: String)
    /// Traffic set to 0% by a person without a rollback.
    case trafficOff(by: String)
    case awaitingApproval(weight: Double?)

    public var text: String {
        switch self {
        case .paused(let by, let reason): "paused by \(by): \(reason)"
        case .rolledBack(let by, let reason): "rolled back by \(by): \(reason)"
        case .rollbackFailed(let detail): "ROLLBACK FAILED: \(detail)"
        case .commandFailed(let action, let detail): "\(action) failed: \(detail)"
        case .outcomeUnknown(let action, let why):
            action == .rollback
                ? "ROLLBACK OUTCOME UNKNOWN (\(why)): roll back again"
                : "\(action): OUTCOME UNKNOWN (\(why)); paused, check the traffic"
        case .trafficOff(let by): "traffic set to 0% by \(by); set traffic or start again"
        case .awaitingApproval(let weight):
            "waiting for approval to go to \(weight.map { Format.weight($0) } ?? "the next step") (promote to approve)"
        }
    }

    /// A rollback that may not have happened is the worst news the pane can give.
    public var isCritical: Bool {
        switch self {
        case .rollbackFailed: true
        case .outcomeUnknown(let action, _): action == .rollback
        default: false
        }
    }
}

/// Why the canary is not taking its next step: what the canary pane and
/// `status` show, each in its own way, from one value with one wording.
public enum CanaryReason: Sendable, Equatable {
    /// Paused, waiting for approval, rolled back or failed.
    case stopped(CanaryStop)
    /// Nobody has started the launch yet.
    case notStarted
    /// These holds keep it where it is.
    case held([Hold])

    public var text: String {
        switch self {
        case .stopped(let stop): stop.text
        case .notStarted: "not started: press L in the dashboard, or run with --start"
        case .held(let holds): "held: \(holds.text)"
        }
    }
}

extension WarRoomState {
    /// Why the canary stopped, or that it has not started, or what holds it
    /// now (after overrides); nil when it is free to move.
    public func canaryReason(at now: Date) -> CanaryReason? {
        if let stop = canary.stop { return .stopped(stop) }
        if !canary.started, canary.phase == .pending { return .notStarted }
        let held = blockingHolds(at: now)
        return held.isEmpty ? nil : .held(held)
    }
}

/// Why a person's command is refused: a value, with a `text` for display.
public enum CommandRefusal: Sendable, Equatable {
    case readOnly
    case inFlight(CommandAction)
    case outOfRange
    case alreadyAt(Double)
    case alreadyPromoted
    case rolledBack
    case nothingToPause(CanaryPhase)
    case notPaused
    case alreadyRolledBack
    case notStarted
    case alreadyStarted
    case noReason(NoteProblem)
    /// Taking more traffic is held; the armed override can lift it.
    case held([Hold])
    case nothingToOverride

    public var text: String {
        switch self {
        case .readOnly: "this war room is read-only: it cannot send commands"
        case .inFlight(let action): "\(action) is still in flight; one command at a time (rollback and pause pre-empt it)"
        case .outOfRange: "traffic must be from 0% to 100%"
        case .alreadyAt(let p): "the canary is already at \(Format.weight(p))"
        case .alreadyPromoted: "the canary is already at 100%"
        case .rolledBack: "the canary was rolled back; set traffic to start again"
        case .nothingToPause(let phase): "the canary is \(phase.label); nothing to pause"
        case .notPaused: "the canary is not paused"
        case .alreadyRolledBack: "the canary is already rolled back"
        case .notStarted: "the launch has not started: press L to start it"
        case .alreadyStarted: "the launch has already started"
        case .noReason(let problem): "a reason is required: \(problem.text)"
        case .held(let holds): "held: \(holds.text); O overrides (armed, with a reason)"
        case .nothingToOverride: "nothing holds the canary"
        }
    }
}

/// Where a time to rollback is counted from.
public enum TTRStart: String, Sendable, Codable, Equatable {
    /// The first breach: a threshold crossed at SEV-3 or worse, or a failed check.
    case breach
    /// The moment the rollback was decided (no breach came before it).
    case decision

    public var text: String { self == .breach ? "first breach" : "rollback decision" }
}

/// What the traffic controller (`commands.read_traffic`) last said.
public struct TrafficReading: Sendable, Codable, Equatable {
    /// The weight in force, percent; nil when it could not be read.
    public var percent: Double?
    public var detail: String
    public init(percent: Double?, detail: String) {
        self.percent = percent
        self.detail = detail
    }

    /// Read a controller's answer: a number (with or without %), or JSON with
    /// `percent`, `weight` or `canary_percent`.
    public static func parse(_ output: String) -> Double? {
        let text = output.trimmingCharacters(in: .whitespacesAndNewlines)
        let bare = text.hasSuffix("%") ? String(text.dropLast()) : text
        if let p = Double(bare), p.isFinite { return p }
        guard let data = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        for key in ["percent", "weight", "canary_percent"] {
            if let n = object[key] as? NSNumber, n.doubleValue.isFinite { return n.doubleValue }
        }
        return nil
    }
}
