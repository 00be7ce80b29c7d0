import Foundation
import WarRoomCore

/// The screen's own state (scrolling, overlays) and how keys change it.
/// Pure: the terminal backend owns one and calls `handle` and `render`.
public struct Dashboard: Sendable {
    public var scroll = 0
    public var showHelp = false
    public var glyphs: Glyphs
    public var timeZone: TimeZone

    public static let minimumWidth = 80
    public static let minimumHeight = 24

    public init(glyphs: Glyphs = .unicode, timeZone: TimeZone = .current) {
        self.glyphs = glyphs
        self.timeZone = timeZone
    }

    /// The keys the footer and the help overlay list.
    public static let keys: [(key: String, action: String, short: String)] = [
        ("q", "quit", "quit"),
        ("↑ ↓", "scroll the timeline", "scroll"),
        ("PgUp PgDn", "scroll the timeline a page", "page"),
        ("Home", "back to the newest event", "newest"),
        ("?", "show or hide this help", "help"),
    ]

    /// Apply a key; returns the intent it carries for the app, if any.
    public mutating func handle(_ key: Key) -> Intent? {
        if showHelp, key != .char("q") {
            showHelp = false
            return nil
        }
        switch key {
        case .char("q"), .char("Q"): return .quit
        case .char("?"): showHelp = true
        case .down, .char("j"): scroll += 1
        case .up, .char("k"): scroll = max(0, scroll - 1)
        case .pageDown: scroll += 10
        case .pageUp: scroll = max(0, scroll - 10)
        case .home, .char("g"): scroll = 0
        default: break
        }
        return nil
    }

    /// Render the whole screen for a snapshot at a moment.
    public func render(_ snapshot: Snapshot?, now: Date, width: Int, height: Int) -> Grid {
        var grid = Grid(width: width, height: height)
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else {
            TooSmall(width: width, height: height).render(into: &grid)
            return grid
        }
        let context = ViewContext(state: snapshot?.state ?? WarRoomState(), now: now, glyphs: glyphs, timeZone: timeZone)
        let (headerRow, rest) = grid.bounds.splitTop(1)
        let body = Rect(x: rest.x, y: rest.y, width: rest.width, height: rest.height - 1)
        let footerRow = Rect(x: 0, y: height - 1, width: width, height: 1)
        Header(context: context, waiting: snapshot == nil).render(in: headerRow, into: &grid)
        Footer().render(in: footerRow, into: &grid)

        let layout = Layout(body)
        MetricsPane(context).render(in: layout.metrics, into: &grid)
        CanaryPane(context).render(in: layout.canary, into: &grid)
        TimelinePane(context, scroll: scroll).render(in: layout.timeline, into: &grid)
        RosterPane(context).render(in: layout.roster, into: &grid)
        if showHelp { HelpOverlay(glyphs: glyphs).render(in: body, into: &grid) }
        return grid
    }
}

/// Where the four panes go. Wide terminals get a 2x2 grid; narrower ones put
/// metrics across the top so their columns keep room for sparklines.
public struct Layout: Sendable, Equatable {
    public var metrics, canary, timeline, roster: Rect

    public init(_ body: Rect) {
        let metricsHeight = MetricsPane.preferredInnerHeight + 2
        if body.width >= 120 {
            let spaced = MetricsPane.preferredInnerHeight + MetricsPane.metrics.count + 2 + 2
            let topHeight = min(max(metricsHeight, body.height * 2 / 5 > spaced ? spaced : metricsHeight + 4), body.height / 2)
            let (top, bottom) = body.splitTop(topHeight)
            let leftWidth = body.width * 3 / 5
            (metrics, canary) = top.splitLeft(leftWidth)
            (timeline, roster) = bottom.splitLeft(leftWidth)
        } else {
            let (top, rest) = body.splitTop(metricsHeight)
            metrics = top
            let middleHeight = min(9, rest.height / 2)
            let (middle, bottom) = rest.splitTop(middleHeight)
            (canary, roster) = middle.splitLeft(middle.width / 2)
            timeline = bottom
        }
    }
}

struct Header {
    let context: ViewContext
    let waiting: Bool

    func render(in area: Rect, into grid: inout Grid) {
        let state = context.state
        let severity = state.severity
        let alert = severity >= .sev2
        let base: Role = alert ? .headerAlert : .header
        grid.fill(area, role: base)
        var x = grid.put(" WARROOM ", in: area, role: .badge)
        x += grid.put(" " + (state.session?.service ?? (waiting ? "starting…" : "no session")) + " ", in: area, dx: x, role: base)
        x += grid.put("│ ", in: area, dx: x, role: base)
        x += grid.put("\(severity.glyph) \(severity.label) ", in: area, dx: x, role: severity == .none ? base : .badge)
        x += grid.put(" │ ", in: area, dx: x, role: base)
        if let incident = state.incident {
            x += grid.put("INCIDENT \(Format.clock(context.now.timeIntervalSince(incident.openedAt))) (peak \(incident.severity.label))",
                          in: area, dx: x, role: base)
        } else if let start = state.launchStartedAt {
            x += grid.put("no incident · launch T+\(Format.clock(context.now.timeIntervalSince(start)))", in: area, dx: x, role: base)
        } else {
            x += grid.put("no incident", in: area, dx: x, role: base)
        }
        var clocks = "\(Format.wallTime(context.now)) UTC "
        if context.localOffset != 0 || !["UTC", "GMT"].contains(context.localZoneName) {
            clocks += "│ \(Format.wallTime(context.now, offsetSeconds: context.localOffset)) \(context.localZoneName) "
        }
        let cx = area.width - TextWidth.of(clocks)
        if cx > x + 1 { grid.put(clocks, in: area, dx: cx, role: base) }
    }
}

struct Footer {
    func render(in area: Rect, into grid: inout Grid) {
        grid.fill(area, role: .footer)
        var x = 1
        for entry in Dashboard.keys {
            x += grid.put(entry.key, in: area, dx: x, role: .footerKey)
            x += grid.put(" " + entry.short + "   ", in: area, dx: x, role: .footer)
        }
    }
}

struct HelpOverlay {
    let glyphs: Glyphs

    func render(in body: Rect, into grid: inout Grid) {
        let width = min(body.width - 4, 56)
        let height = min(body.height - 2, Dashboard.keys.count + 4)
        let area = Rect(x: body.x + (body.width - width) / 2, y: body.y + (body.height - height) / 2, width: width, height: height)
        let inner = Box(title: "Keys", role: .accent, titleRole: .accent, glyphs: glyphs).render(in: area, into: &grid)
        for (i, entry) in Dashboard.keys.enumerated() {
            grid.put(TextWidth.pad(entry.key, to: 12), in: inner, row: i, dx: 1, role: .footerKey)
            grid.put(entry.action, in: inner, row: i, dx: 14, role: .normal)
        }
        grid.put("Any key closes this help.", in: inner, row: inner.height - 1, dx: 1, role: .dim)
    }
}

/// Shown instead of the panes when the terminal cannot hold them.
struct TooSmall {
    let width: Int
    let height: Int

    func render(into grid: inout Grid) {
        let words = "Terminal too small: \(width)x\(height). warroom needs at least \(Dashboard.minimumWidth)x\(Dashboard.minimumHeight). Enlarge the window, or press q to quit."
            .split(separator: " ").map(String.init)
        var lines: [String] = []
        var line = ""
        for word in words {
            if line.isEmpty { line = word } else if TextWidth.of(line) + 1 + TextWidth.of(word) <= width { line += " " + word } else {
                lines.append(line)
                line = word
            }
        }
        if !line.isEmpty { lines.append(line) }
        let top = max(0, (height - lines.count) / 2)
        for (i, l) in lines.enumerated() where top + i < height {
            grid.put(l, x: max(0, (width - TextWidth.of(l)) / 2), y: top + i, role: .sev2)
        }
    }
}
