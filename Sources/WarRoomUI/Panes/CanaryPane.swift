import Foundation
import WarRoomCore

/// The traffic plan, where the launch stands, and what happens next.
public struct CanaryPane {
    let context: ViewContext
    public init(_ context: ViewContext) { self.context = context }

    public func render(in area: Rect, into grid: inout Grid) {
        let inner = Box(title: "Canary stage", glyphs: context.glyphs).render(in: area, into: &grid)
        guard !inner.isEmpty else { return }
        let state = context.state
        let canary = state.canary
        let steps = state.plan.steps
        let now = context.now
        var row = 0

        // Plan: 1% ▸ 5% ▸ [25%] ▸ 100%
        let offPlan = canary.isOffPlan(state.plan)
        var x = grid.put("Plan ", in: inner, row: row, role: .label)
        for (i, step) in steps.enumerated() {
            let current = i == canary.stepIndex && canary.phase != .rolledBack && !offPlan
            let done = ((canary.stepIndex ?? -1) > i || (offPlan && i == canary.stepIndex)) && canary.phase != .rolledBack
            let text = current ? "[\(Format.weight(step.weight))]" : Format.weight(step.weight)
            x += grid.put(text, in: inner, row: row, dx: x, role: current ? .accent : (done ? .ok : .dim))
            if i < steps.count - 1 { x += grid.put(" \(context.glyphs.arrow) ", in: inner, row: row, dx: x, role: .dim) }
        }
        row += 1

        let phaseRole: Role =
            switch canary.phase {
            case .paused, .rollingBack: .sev2
            case .awaitingApproval: .sev3
            case .rolledBack: .sev3
            case .promoted: .ok
            default: .value
            }
        let stage: String
        if offPlan {
            let below = canary.stepIndex.map { Format.weight(steps[$0].weight) } ?? "0%"
            let above = state.promotionTarget(full: false).map { Format.weight($0) } ?? "100%"
            stage = "off plan, \(below)\(context.glyphs.arrow)\(above)"
        } else if let i = canary.stepIndex {
            stage = "stage \(i + 1)/\(steps.count)"
        } else {
            stage = canary.started ? "starting" : "not started"
        }
        x = grid.put("Weight ", in: inner, row: row, role: .label)
        x += grid.put(Format.weight(canary.weight), in: inner, row: row, dx: x, role: .value)
        x += grid.put("  \(stage)  ", in: inner, row: row, dx: x, role: .normal)
        grid.put(canary.phase.label.uppercased(), in: inner, row: row, dx: x, role: phaseRole)
        row += 1

        if canary.weight > 0, canary.phase == .progressing || canary.phase == .changing {
            let elapsed = canary.elapsedInStep(at: now)
            let hold = state.currentHold
            grid.put(
                "In stage \(Format.clock(elapsed))" + (hold.map { " of \(Format.clock($0))" } ?? ""),
                in: inner, row: row, role: .normal)
            row += 1
            var next = ""
            if let hold, let target = state.promotionTarget(full: false) {
                next = "Next \(Format.weight(target)) in \(Format.clock(max(0, hold - elapsed)))"
                if let index = state.plan.stepIndex(above: canary.weight), index + 1 < steps.count {
                    let full = max(0, hold - elapsed) + state.plan.remaining(from: index, elapsedInStep: 0)
                    next += " · 100% in \(Format.clock(full))"
                }
            }
            grid.put(next, in: inner, row: row, role: .dim)
            row += 1
        } else if canary.phase == .pending {
            let first = steps.first.map { Format.weight($0.weight) } ?? "the first step"
            grid.put(
                canary.started ? "Starting: \(first) as soon as nothing holds it" : "Not started: press L to start (or --start)",
                in: inner, row: row, role: canary.started ? .dim : .accent)
            row += 1
        }

        // Why it stopped, or what holds it, matters most: up to two lines.
        switch state.canaryReason(at: now) {
        case .stopped(let stop)?:
            let role: Role = stop.isCritical ? .sev1 : canary.phase == .rolledBack ? .sev3 : .sev2
            for line in TextWidth.wrap("\(canary.phase == .rolledBack ? "↩" : "⏸") \(stop.text)", width: inner.width, lines: 2) {
                grid.put(line, in: inner, row: row, role: role)
                row += 1
            }
        case .held(let all)? where [.progressing, .pending, .awaitingApproval].contains(canary.phase):
            // The command in flight shows on its own line ("Sending: …").
            let held = all.filter { if case .commandInFlight = $0 { false } else { true } }
            guard !held.isEmpty else { break }
            let trouble = held.contains(where: \.isTrouble)
            for line in TextWidth.wrap("⏸ \(CanaryReason.held(held).text)", width: inner.width, lines: 2) {
                grid.put(line, in: inner, row: row, role: trouble ? .sev2 : .dim)
                row += 1
            }
        case .notStarted?, .held?, nil:
            break  // not started: the line above says so, with the key to press
        }
        if let o = canary.override, row < inner.height {
            grid.put(TextWidth.truncate("⚠ holds overridden by \(o.by): \(o.reason)", to: inner.width), in: inner, row: row, role: .sev2)
            row += 1
        }
        if let drift = canary.drift, row < inner.height {
            grid.put(
                TextWidth.truncate("✖ \(drift.text)", to: inner.width),
                in: inner, row: row, role: .sev1)
            row += 1
        } else if let reading = canary.controller, reading.percent == nil, row < inner.height {
            grid.put(TextWidth.truncate("? controller weight unknown: \(reading.detail)", to: inner.width), in: inner, row: row, role: .sev3)
            row += 1
        }

        if let analysis = state.plan.analysis, canary.stepIndex != nil || canary.weight > 0 {
            var x = grid.put("Checks ", in: inner, row: row, role: .label)
            x += grid.put("✓\(canary.checksPassed) ", in: inner, row: row, dx: x, role: .ok)
            x += grid.put("✖\(canary.checksFailed)", in: inner, row: row, dx: x, role: canary.checksFailed > 0 ? .sev2 : .dim)
            if canary.phase == .progressing, let started = canary.stepStartedAt {
                let next = (canary.lastCheckAt ?? started).addingTimeInterval(analysis.interval).timeIntervalSince(now)
                grid.put(" · next in \(Format.clock(max(0, next)))", in: inner, row: row, dx: x, role: .dim)
            }
            row += 1
            if canary.phase == .progressing, let left = state.failuresLeft, row < inner.height {
                let action = analysis.autoRollback ? "automatic rollback" : "automatic pause"
                grid.put("\(left) failed check\(left == 1 ? "" : "s") to \(action)", in: inner, row: row, role: left <= 1 ? .sev3 : .dim)
                row += 1
            }
            for v in canary.lastCheck?.verdicts ?? [] where row < inner.height {
                let role: Role =
                    switch v.verdict {
                    case .pass: .ok
                    case .marginal: .sev3
                    case .fail: .sev1
                    case .noData: .stale
                    }
                let name = v.metric == .errorRate ? "errors" : v.metric == .latencyAvg ? "latency" : v.metric.label
                var line = "\(v.verdict.glyph) \(TextWidth.pad(v.verdict.label, to: 8)) \(TextWidth.pad(name, to: 8))"
                if let c = v.canary {
                    line += "\(Format.value(c, v.metric)) \(v.verdict == .fail ? ">" : "≤") \(Format.value(v.limit, v.metric))"
                    if let stable = v.stable, TextWidth.of(line) + 18 <= inner.width { line += "  stable \(Format.value(stable, v.metric))" }
                }
                grid.put(line, in: inner, row: row, role: role)
                row += 1
            }
        }

        if canary.ttrTrigger != nil || canary.ttr != nil, row < inner.height {
            if let ttr = canary.ttr {
                let met = ttr <= WarRoomState.ttrTarget
                let from = (canary.ttrStart ?? .decision).text
                grid.put(
                    TextWidth.truncate(
                        "TTR \(Format.clock(ttr)) \(met ? "✓ met" : "✖ MISSED") from \(from) (target \(Format.clock(WarRoomState.ttrTarget)))",
                        to: inner.width),
                    in: inner, row: row, role: met ? .ok : .sev1)
            } else if let trigger = canary.ttrTrigger {
                let from = (canary.ttrStart ?? .decision).text
                grid.put(
                    TextWidth.truncate(
                        "TTR running \(Format.clock(now.timeIntervalSince(trigger))) from \(from) (target \(Format.clock(WarRoomState.ttrTarget)))",
                        to: inner.width),
                    in: inner, row: row, role: .sev3)
            }
            row += 1
        }

        if let last = state.lastCommand {
            let text: String
            let role: Role
            if let outcome = last.outcome {
                text = "Last: \(last.request.action) \(outcome.succeeded ? "ok" : outcome.isUnknown ? "UNKNOWN" : "FAILED") (\(outcome.detail))"
                role = outcome.succeeded ? .dim : .sev1
            } else {
                text = "Sending: \(last.request.action)…"
                role = .accent
            }
            grid.put(text, in: inner, row: row, role: role)
            row += 1
        }

        // The steps, one per row, while there is room.
        row += 1
        for (i, step) in steps.enumerated() where row < inner.height {
            let index = canary.stepIndex ?? -1
            let (mark, role, status): (String, Role, String) =
                canary.phase == .rolledBack
                ? ("·", .dim, i <= index ? "rolled back" : "cancelled")
                : i < index || (i == index && (canary.phase == .promoted || offPlan))
                    ? ("✓", .ok, "done")
                    : i == index
                        ? ("▶", .accent, Format.clock(canary.elapsedInStep(at: now)))
                        : ("·", .dim, "pending")
            let hold = step.hold.map { "hold \(Format.duration($0))" } ?? "final"
            let line = "\(mark) \(TextWidth.pad(Format.weight(step.weight), to: 5)) \(TextWidth.pad(hold, to: 12)) \(status)"
            grid.put(line, in: inner, row: row, role: role)
            row += 1
        }
    }
}
