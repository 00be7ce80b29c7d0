import Foundation
public import WarRoomCore

/// Live metrics: canary and stable side by side, each value with its level
/// (colour plus glyph and word), a sparkline and its age.
public struct MetricsPane {
    public static let metrics: [MetricKind] = [.errorRate, .latencyAvg, .latencyP95, .throughput]
    // A value older than its source's dim limit (two intervals unless configured)
    // is dimmed; older than its stale limit (five), or from a source that is down,
    // it is marked stale.

    let context: ViewContext
    public init(_ context: ViewContext) { self.context = context }

    /// Rows of content this pane wants.
    public static let preferredInnerHeight = 2 + metrics.count

    public func render(in area: Rect, into grid: inout Grid) {
        let inner = Box(title: "Live metrics", glyphs: context.glyphs).render(in: area, into: &grid)
        guard !inner.isEmpty else { return }
        let state = context.state
        let labelWidth = min(9, inner.width)
        let colWidth = max(0, (inner.width - labelWidth) / 2)
        let spaced = inner.height >= 2 * Self.metrics.count + 2

        var row = 0
        for (i, cohort) in Cohort.allCases.enumerated() {
            let share = cohort == .canary ? state.canary.weight : 100 - state.canary.weight
            let level = state.severity(of: cohort)
            let head =
                "\(cohort.rawValue.uppercased()) \(Format.weight(share))"
                + (level > .none ? "  \(level.glyph) \(level.label)" : "")
            grid.put(head, in: inner, row: row, dx: labelWidth + i * colWidth, role: level > .none ? level.role : .title)
        }
        row += 1
        for metric in Self.metrics {
            if spaced { row += 1 }
            guard row < inner.height else { break }
            grid.put(metric.label, in: inner, row: row, role: .label)
            for (i, cohort) in Cohort.allCases.enumerated() {
                let cell = Rect(x: inner.x + labelWidth + i * colWidth, y: inner.y + row, width: colWidth - 1, height: 1)
                renderValue(SeriesKey(cohort, metric), in: cell, into: &grid)
            }
            row += 1
        }
        if spaced { row += 1 }
        if row < inner.height { renderSources(in: inner, row: row, into: &grid) }
    }

    /// "✖ SEV-1  23.4% ▁▂▅█  2s"
    private func renderValue(_ key: SeriesKey, in cell: Rect, into grid: inout Grid) {
        guard !cell.isEmpty else { return }
        let state = context.state
        guard let series = state.series[key], let latest = series.latest else {
            grid.put("· no data", x: cell.x, y: cell.y, role: .dim, limit: cell.maxX)
            return
        }
        let age = context.now.timeIntervalSince(latest.time)
        let source = state.session?.sources.first { $0.name == series.source }
        let stale = age > (source?.staleLimit ?? 5) || state.sourcesDown[series.source] != nil
        let dim = stale || age > (source?.dimLimit ?? 2)

        let level = state.rules.level(of: key.metric, value: latest.value)
        let watched = state.rules.rule(watching: key.metric) != nil
        let status: String
        let role: Role
        if stale {
            (status, role) = ("? stale", .stale)
        } else if watched {
            (status, role) = ("\(level.glyph) \(level == .none ? "ok" : level.label)", dim ? .stale : level.role)
        } else {
            (status, role) = ("", dim ? .stale : .value)
        }
        let value = TextWidth.pad(Format.value(latest.value, key.metric), to: 8, right: true)
        let ageText = TextWidth.pad(Format.age(age), to: 6, right: true)
        var x = cell.x
        x += grid.put(TextWidth.pad(status, to: 8), x: x, y: cell.y, role: role, limit: cell.maxX)
        x += grid.put(value, x: x, y: cell.y, role: stale ? .stale : (watched ? role : .value), limit: cell.maxX)
        let sparkWidth = cell.maxX - x - 1 - 6 - 1
        if sparkWidth >= 4 {
            x += 1
            let values = series.points.suffixValues(context.glyphs.brailleSparks ? 2 * sparkWidth : sparkWidth)  // braille shows two a cell
            let ceiling: Double =
                switch key.metric {
                case .errorRate: state.rules.errorRate.sev3
                case .latencyAvg, .latencyP95, .latencyP50, .latencyP99: state.rules.latency.sev3 / 3
                case .throughput: 0
                }
            Sparkline(values: values, ceiling: ceiling, glyphs: context.glyphs)
                .render(
                    in: Rect(x: x, y: cell.y, width: sparkWidth, height: 1), into: &grid,
                    role: stale || dim ? .stale : (watched ? level.role : .accent))
            x += sparkWidth
        }
        if cell.maxX - x >= 7 {
            grid.put(" " + ageText, x: x, y: cell.y, role: dim ? .stale : .dim, limit: cell.maxX)
        }
    }

    private func renderSources(in inner: Rect, row: Int, into grid: inout Grid) {
        let state = context.state
        let sources = state.session?.sources ?? []
        let down = sources.filter { state.sourcesDown[$0.name] != nil }
        let silent = sources.filter { state.sourcesDown[$0.name] == nil && state.silentSources[$0.name] != nil }
        let fine = sources.filter { state.sourcesDown[$0.name] == nil && state.silentSources[$0.name] == nil }
        // Bad news first. One bad source gets its reason; several get their names
        // only (the reasons are in the timeline), so none is ever cut off the line.
        var parts: [(String, Role)] = []
        if down.count + silent.count == 1, let one = (down + silent).first {
            if let outage = state.sourcesDown[one.name] {
                parts.append(("✖ \(one.name) DOWN \(Format.age(context.now.timeIntervalSince(outage.since))): \(outage.reason)", .sev1))
            } else if let since = state.silentSources[one.name] {
                parts.append(("✖ \(one.name) SILENT \(Format.age(context.now.timeIntervalSince(since) + one.staleLimit)) (dead-man's switch)", .sev1))
            }
        } else {
            if !down.isEmpty { parts.append(("✖ DOWN: " + down.map(\.name).joined(separator: ", "), .sev1)) }
            if !silent.isEmpty { parts.append(("✖ SILENT: " + silent.map(\.name).joined(separator: ", "), .sev1)) }
        }
        if !fine.isEmpty {
            parts.append((fine.map { "✓ \($0.name) every \(Format.duration($0.interval))" }.joined(separator: "   "), .dim))
        }
        var x = 0
        for (text, role) in parts {
            x += grid.put(text + "   ", in: inner, row: row, dx: x, role: role)
        }
    }
}
