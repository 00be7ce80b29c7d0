import Foundation
import Logging
import WarRoomCore
import WarRoomRuntime
import WarRoomTerminal
import WarRoomUI

/// Turns the operator's intents into journal events, and says on screen what
/// happened or why not.
struct IntentHandler: Sendable {
    let warroom: WarRoom
    let mailbox: SnapshotMailbox
    let user: String
    let logger: Logger
    let failures: RecordFailures
    /// The commander's lease, for handing command over.
    var lease: (any CommanderLease)? = nil
    var handedOver: HandOverBox? = nil

    func handle(_ intent: Intent) async {
        do {
            let refusal: String?
            let done: String
            switch intent {
            case .quit:
                return
            case .note(let text):
                refusal = try await warroom.perform(.note(text: text, by: user))?.text
                done = "note recorded"
            case .declare(let title, let severity):
                refusal = try await warroom.perform(.incidentOpened(severity: severity, title: title, by: user))?.text
                done = "incident declared at \(severity.label)"
            case .setSeverity(let severity):
                refusal = try await warroom.perform(.severityChanged(to: severity, by: user, reason: ""))?.text
                done = "severity set to \(severity.label)"
            case .setStatus(let status):
                refusal = try await warroom.perform(.statusChanged(to: status, by: user))?.text
                done = "status set to \(status.label)"
            case .assign(let role, let person):
                refusal = try await warroom.perform(.roleAssigned(role: role, person: person, by: user))?.text
                done = "\(role.label): \(person)"
            case .pinMetrics:
                refusal = try await warroom.pinMetrics(by: user)?.text
                done = "current values pinned to the timeline"
            case .acknowledge:
                refusal = try await warroom.perform(.acknowledged(by: user))?.text
                done = "acknowledged: escalation stopped"
            case .handOver:
                // The asker may have given up since the screen showed it: ask again.
                guard let lease, let request = lease.pendingRequest() else {
                    refusal = "nobody is asking for command now"
                    done = ""
                    break
                }
                try await warroom.send(.commandHandedOver(from: lease.holder, to: request.by, reason: request.reason, granted: true))
                handedOver?.record(request.by)
                mailbox.requestStop()
                return
            case .command(let action, let reason, let trigger):
                refusal = try await warroom.issue(action, by: user, reason: reason, trigger: trigger)?.text
                done = "\(action) sent; its outcome will show in the timeline"
            case .startLaunch(let reason):
                refusal = try await warroom.startLaunch(by: user, reason: reason)?.text
                done = "launch started: the first step goes as soon as nothing holds it"
            case .overrideHolds(let reason):
                refusal = try await warroom.overrideHolds(by: user, reason: reason)?.text
                done = "holds overridden until the next step"
            }
            if let refusal {
                mailbox.flash(refusal, isError: true)
            } else {
                mailbox.flash(done, isError: false, seconds: 3)
            }
        } catch {
            failures.report(error, from: .person("\(intent)"))
        }
    }
}
