import Foundation
public import WarRoomCore

/// Everything that happened, newest first, with T+ and wall time (UTC).
public struct TimelinePane {
    let context: ViewContext
    /// Entries skipped from the newest, for scrolling.
    let scroll: Int
    /// Only entries of this kind, when set.
    let filter: TimelineEntry.Kind?

    public init(_ context: ViewContext, scroll: Int = 0, filter: TimelineEntry.Kind? = nil) {
        self.context = context
        self.scroll = scroll
        self.filter = filter
    }

    public func render(in area: Rect, into grid: inout Grid) {
        let entries = filter.map { kind in context.state.timeline.filter { $0.kind == kind } } ?? context.state.timeline
        let skip = min(max(0, scroll), max(0, entries.count - 1))
        var title = "Incident timeline (UTC)"
        if let filter { title += " · only \(filter.rawValue)" }
        if skip > 0 { title += " ↓\(skip) newer" }
        let inner = Box(title: title, glyphs: context.glyphs).render(in: area, into: &grid)
        guard !inner.isEmpty else { return }
        guard !entries.isEmpty else {
            grid.put(filter == nil ? "Nothing has happened yet." : "Nothing of this kind yet (f changes the filter).", in: inner, role: .dim)
            return
        }
        let epoch = context.epoch
        var row = 0
        for entry in entries.reversed().dropFirst(skip) {
            guard row < inner.height else { break }
            let t = epoch.map { "T" + (entry.time >= $0 ? "+" : "") + Format.clock(entry.time.timeIntervalSince($0)) } ?? ""
            var x = grid.put(TextWidth.pad(t, to: 9), in: inner, row: row, role: .dim)
            x += grid.put(Format.wallTime(entry.time) + " ", in: inner, row: row, dx: x, role: .dim)
            let glyph = entry.kind == .note ? "✎" : entry.tone.glyph
            x += grid.put(glyph + " ", in: inner, row: row, dx: x, role: entry.tone.role)
            let textRole: Role = entry.tone == .info ? .normal : entry.tone.role
            grid.put(TextWidth.truncate(entry.text, to: inner.width - x), in: inner, row: row, dx: x, role: textRole)
            row += 1
        }
    }
}
