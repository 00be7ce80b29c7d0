import Foundation

extension EscalationState {
    /// Fold one of the escalation's own events: a page sent, its outcome, the
    /// acknowledgement, the incident's resolution (which stops it). Other
    /// events change nothing here (an incident's rise widens the escalation
    /// through `WarRoomState`, which knows the roster and the policies).
    mutating func apply(_ event: Event, at time: Date, log: inout TimelineLog) {
        switch event {
        case .pageIssued(let page):
            pages.append(SentPage(request: page, sentAt: time))
            if page.repage == true { lastRepageAt = time }
            log.add(.incident, .warning(page.severity), page.timelineText)

        case .pageFinished(let id, let outcome):
            guard let i = pages.firstIndex(where: { $0.request.id == id }) else { return }
            pages[i].outcome = outcome
            let page = pages[i].request
            if outcome.succeeded {
                log.add(.incident, .good, "page to \(page.person.name) delivered (\(outcome.detail))")
            } else {
                log.add(.incident, .bad, "PAGE TO \(page.person.name.uppercased()) FAILED (\(outcome.detail))")
            }

        case .acknowledged(let by):
            guard isActive else { return }
            acknowledgedBy = by
            acknowledgedAt = time
            stopped = .acknowledged(by: by)
            // The ack answers every page sent so far, and only those.
            answered.formUnion(pages.map(\.request.tier))
            acknowledgedTier = pages.last(where: { $0.request.repage != true })?.request.tier
            lastRepageAt = nil
            log.add(.incident, .good, "acknowledged by \(by) after \(Format.age(time.timeIntervalSince(startedAt))); escalation stopped")

        case .statusChanged(to: .resolved, _):
            guard stopped != .resolved else { return }
            let wasActive = isActive
            stopped = .resolved
            if wasActive { log.add(.incident, .good, "escalation stopped: incident resolved") }

        default:
            break
        }
    }
}

extension PageRequest {
    /// Its line in the timeline when it is sent.
    public var timelineText: String {
        repage == true
            ? "paging \(person.name) \(person.handle) again (\(tierName)): acknowledged, and still open"
            : "paging \(person.name) \(person.handle) (\(tierName)\(round > 0 ? ", repeat \(round)" : "")) for \(severity.label)"
    }
}
