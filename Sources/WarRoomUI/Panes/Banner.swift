import Foundation
import WarRoomCore

/// The wallboard's headline, readable across a room: severity, the incident
/// clock, the canary's weight and the headline error rate with its trend, in
/// digits three rows tall. Status never rests on colour: the words are there too.
public struct Banner {
    public static let height = 5

    let context: ViewContext
    public init(_ context: ViewContext) { self.context = context }

    public func render(in area: Rect, into grid: inout Grid) {
        guard area.height >= Self.height, area.width >= 40 else { return }
        let state = context.state
        let open = state.incident.flatMap { $0.isOpen ? $0 : nil }
        let severity = state.shownSeverity
        let sevRole: Role = severity == .none ? .ok : severity.role
        grid.fill(Rect(x: area.x, y: area.y, width: area.width, height: Self.height), role: .normal)

        let (rateKey, rate) = headline(state)
        let trend = rate.map { trendWord(rateKey, now: $0) } ?? ""
        var blocks: [(label: String, big: String, small: String, role: Role)] = [
            ("SEVERITY", severity == .none ? "OK" : severity.label, severity.meaning.split(separator: ":").first.map(String.init) ?? "", sevRole),
            open.map { ("INCIDENT #\($0.number)", Format.clock($0.duration(at: context.now)), $0.status.label, Role.value) }
                ?? ("LAUNCH", state.launchStartedAt.map { Format.clock(context.now.timeIntervalSince($0)) } ?? "-", "no incident", .value),
            ("CANARY", Format.weight(state.canary.weight), state.canary.phase.label, .accent),
        ]
        if let rate {
            let level = state.rules.level(of: .errorRate, value: rate.value)
            blocks.append(("ERRORS (\(rateKey.cohort.rawValue))", Format.percent(rate.value), trend, level == .none ? .ok : level.role))
        } else {
            blocks.append(("ERRORS", "-", "no data", .stale))
        }

        let bigWidth = blocks.reduce(0) { $0 + BigText.width($1.big) } + 4 * (blocks.count - 1)
        let useBig = bigWidth <= area.width - 2
        var x = area.x + 1
        for block in blocks {
            let label = TextWidth.truncate(block.label, to: max(1, area.width - x))
            grid.put(label, x: x, y: area.y, role: .label, limit: area.maxX)
            let w: Int
            if useBig {
                w = BigText.render(block.big, x: x, y: area.y + 1, into: &grid, role: block.role, ascii: context.glyphs == .ascii, limit: area.maxX)
                grid.put(block.small, x: x, y: area.y + 4, role: .dim, limit: area.maxX)
            } else {
                w = grid.put(block.big, x: x, y: area.y + 2, role: block.role, limit: area.maxX)
                grid.put(block.small, x: x, y: area.y + 3, role: .dim, limit: area.maxX)
            }
            x += max(w, TextWidth.of(block.label), TextWidth.of(block.small)) + 4
            if x >= area.maxX { break }
        }
    }

    /// The canary's error rate while it takes traffic, else stable's.
    func headline(_ state: WarRoomState) -> (SeriesKey, Series.Point?) {
        let canary = SeriesKey(.canary, .errorRate)
        if state.canary.weight > 0, let p = state.series[canary]?.latest { return (canary, p) }
        let stable = SeriesKey(.stable, .errorRate)
        return (stable, state.series[stable]?.latest)
    }

    /// Against the value a minute earlier: rising, falling or steady.
    func trendWord(_ key: SeriesKey, now latest: Series.Point) -> String {
        guard let series = context.state.series[key] else { return "" }
        let points = series.points
        var earlier: Series.Point?
        var i = points.count - 1
        while i >= 0 {
            let p = points[i]
            if latest.time.timeIntervalSince(p.time) >= 60 {
                earlier = p
                break
            }
            i -= 1
        }
        guard let earlier else { return "trend: too early" }
        let delta = latest.value - earlier.value
        let arrows = context.glyphs == .ascii ? ("^", "v", ">") : ("↑", "↓", "→")
        if abs(delta) < max(0.001, earlier.value * 0.1) { return "\(arrows.2) steady over 1m" }
        return delta > 0 ? "\(arrows.0) rising: +\(Format.percent(delta)) in 1m" : "\(arrows.1) falling: -\(Format.percent(-delta)) in 1m"
    }
}

/// Characters three rows tall, drawn with half blocks.
enum BigText {
    static let font: [Character: [String]] = [
        "0": ["█▀█", "█ █", "█▄█"], "1": ["▄█ ", " █ ", "▄█▄"], "2": ["▀▀█", "█▀▀", "█▄▄"],
        "3": ["▀▀█", " ▀█", "▄▄█"], "4": ["█ █", "▀▀█", "  █"], "5": ["█▀▀", "▀▀█", "▄▄█"],
        "6": ["█▀▀", "█▀█", "█▄█"], "7": ["▀▀█", "  █", "  █"], "8": ["█▀█", "█▀█", "█▄█"],
        "9": ["█▀█", "▀▀█", "▄▄█"], ".": [" ", " ", "▄"], ":": [" ", "▀", "▀"], "-": ["   ", "▀▀▀", "   "],
        "%": ["█ ▄", " █ ", "▀ █"], "S": ["▄▀▀", "▀▀▄", "▄▄▀"], "E": ["█▀▀", "█▀▀", "█▄▄"], "V": ["█ █", "█ █", "▀▄▀"],
        "O": ["█▀█", "█ █", "█▄█"], "K": ["█ █", "█▀▄", "█ █"], "h": ["█  ", "█▀█", "█ █"], " ": ["  ", "  ", "  "],
    ]

    static func width(_ text: String) -> Int {
        text.reduce(0) { $0 + (font[$1]?[0].count ?? 3) + 1 } - (text.isEmpty ? 0 : 1)
    }

    /// Draw `text`; returns the width used.
    @discardableResult
    static func render(_ text: String, x: Int, y: Int, into grid: inout Grid, role: Role, ascii: Bool, limit: Int) -> Int {
        var cx = x
        for c in text {
            let rows = font[c] ?? ["▀▀▀", " ▀ ", " ▄ "]
            for (dy, row) in rows.enumerated() {
                let drawn = ascii ? String(row.map { $0 == "█" ? "#" : $0 == "▀" ? "\"" : $0 == "▄" ? "_" : $0 }) : row
                grid.put(drawn, x: cx, y: y + dy, role: role, limit: limit)
            }
            cx += rows[0].count + 1
        }
        return max(0, cx - x - 1)
    }
}
