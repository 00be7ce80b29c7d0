import Foundation

extension CanaryState {
    /// Fold one of the canary's own events: approval waits, the time to
    /// rollback, the launch's start, holds and overrides, the controller's
    /// weight. Other events are not the canary's and change nothing here
    /// (commands and analysis checks are folded by `WarRoomState`, which
    /// knows what is in flight).
    mutating func apply(_ event: Event, at time: Date, plan: CanaryPlan, log: inout TimelineLog) {
        switch event {
        case .awaitingApproval(let step):
            phase = .awaitingApproval
            let weight = step < plan.steps.count ? plan.steps[step].weight : nil
            stop = .awaitingApproval(weight: weight)
            log.add(.canary, .warning(.sev4), "hold passed; \(weight.map { Format.weight($0) } ?? "the next step") needs approval")

        case .ttrMeasured(let seconds, let trigger, let from):
            ttrTrigger = nil
            ttr = seconds
            ttrStart = from ?? .decision
            breachAt = nil
            let met = seconds <= WarRoomState.ttrTarget
            log.add(
                .canary, met ? .good : .bad,
                "time to rollback \(Format.clock(seconds)) from the \((from ?? .decision).text) at \(Format.wallTime(trigger)) UTC (target \(Format.clock(WarRoomState.ttrTarget))\(met ? ", met" : ", MISSED"))"
            )

        case .launchStarted(let by, let reason):
            started = true
            let first = plan.steps.first.map { Format.weight($0.weight) } ?? "the first step"
            log.add(.canary, .info, "launch started by \(by): \(reason); \(first) as soon as nothing holds it")

        case .holdsChanged(let holds):
            recordedHolds = holds
            if holds.isEmpty {
                log.add(.canary, .good, "nothing holds the canary now")
            } else {
                log.add(.canary, .warning(.sev3), "canary held: \(holds.text)")
            }

        case .holdsOverridden(let holds, let by, let reason):
            override = HoldOverride(holds: holds, by: by, reason: reason)
            log.add(.canary, .warning(.sev2), "\(by) OVERRODE the holds until the next step (\(holds.text)): \(reason)")

        case .trafficRead(let reading):
            let before = drift
            let couldRead = controller.map { $0.percent != nil } ?? true
            controller = reading
            controllerReadAt = time
            let after = drift
            if reading.percent == nil, couldRead {
                log.add(.canary, .bad, "cannot read the traffic in force: \(reading.detail)")
            }
            if let d = after, before != d {
                log.add(.canary, .bad, d.text)
            } else if before != nil, after == nil, let p = reading.percent {
                log.add(.canary, .good, "controller agrees: \(Format.weight(p)) in force")
            }
        default:
            break
        }
    }
}
