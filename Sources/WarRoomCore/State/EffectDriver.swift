import Foundation

/// What a fold asks of the world outside the journal, once what it recorded
/// is durable: run a command, send a page, stop waiting for a command, read
/// the traffic in force. (`Effect.record` never leaves the driver.)
public enum Action: Sendable, Equatable {
    case execute(CommandRequest)
    case page(PageRequest)
    case cancel(commandID: Int)
    case readTraffic
}

extension WarRoomState {
    /// The one effect loop, shared by the actor, the tests, the fixtures and
    /// the benchmark journals. Every `.record` is handed to `record`, which
    /// stores the event (a journal transaction, or a list in a test) and
    /// returns it as recorded; it is then folded here and what it implies is
    /// queued behind the rest, in order. Everything else comes back as
    /// `Action`s, in the order the fold asked for them, for the caller to
    /// perform once the records are committed (a command runs only after its
    /// `commandIssued` is on disk).
    ///
    /// A sample batch (`.record(.samples)`) is recorded like any event: the
    /// caller stores it in its samples store and returns it with `seq` 0
    /// (`SampleBatch.recorded`), which folds exactly as an event did.
    public mutating func drive(_ effects: [Effect], record: (Event) throws -> Recorded) rethrows -> [Action] {
        var queue = effects[...]
        var actions: [Action] = []
        while let effect = queue.popFirst() {
            switch effect {
            case .record(let event):
                queue.append(contentsOf: apply(try record(event)))
            case .execute(let request): actions.append(.execute(request))
            case .page(let request): actions.append(.page(request))
            case .cancel(let id): actions.append(.cancel(commandID: id))
            case .readTraffic: actions.append(.readTraffic)
            }
        }
        return actions
    }
}
