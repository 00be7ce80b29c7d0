import Foundation

/// Why a person's event (a note, an incident change, a pin, an ack) is not
/// recorded: a value, with a `text` for display. Commands have their own
/// (`CommandRefusal`).
public enum EventRefusal: Sendable, Equatable, CustomStringConvertible {
    /// The note's text cannot be recorded.
    case note(NoteProblem)
    /// An incident is declared while one is still open.
    case incidentStillOpen(number: Int)
    /// SEV-0 ("none") chosen where a severity is needed.
    case noSeverity
    /// The incident's title cannot be recorded.
    case title(NoteProblem)
    case noOpenIncident
    case alreadyAtSeverity(Severity)
    case noIncident
    case alreadyResolved(number: Int)
    case alreadyAtStatus(IncidentStatus)
    /// The person's name cannot be recorded.
    case roleName(NoteProblem)
    /// Nothing to pin: no series has a value yet.
    case nothingToPin
    /// An ack with no escalation: nobody has been paged.
    case nothingToAcknowledge
    case alreadyAcknowledged(by: String)
    /// The escalation stopped because the incident was resolved.
    case escalationStopped

    public var text: String {
        switch self {
        case .note(let problem): "note not recorded: \(problem.text)"
        case .incidentStillOpen(let number): "incident #\(number) is still open; resolve it first"
        case .noSeverity: "choose a severity from SEV-1 to SEV-4"
        case .title(let problem): "incident not declared: \(problem.text)"
        case .noOpenIncident: "no open incident"
        case .alreadyAtSeverity(let level): "the incident is already \(level.label)"
        case .noIncident: "no incident"
        case .alreadyResolved(let number): "incident #\(number) is already resolved"
        case .alreadyAtStatus(let status): "the status is already \(status.label)"
        case .roleName(let problem): "role not assigned: \(problem.text)"
        case .nothingToPin: "no values to pin yet"
        case .nothingToAcknowledge: "nothing to acknowledge: no one has been paged"
        case .alreadyAcknowledged(let by): "already acknowledged by \(by)"
        case .escalationStopped: "the escalation already stopped (incident resolved)"
        }
    }

    public var description: String { text }
}
