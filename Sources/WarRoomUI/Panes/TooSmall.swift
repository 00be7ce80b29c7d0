import Foundation
import WarRoomCore

/// Shown instead of the panes when the terminal cannot hold them.
struct TooSmall {
    let width: Int
    let height: Int

    func render(into grid: inout Grid) {
        let words =
            "Terminal too small: \(width)x\(height). warroom needs at least \(Dashboard.minimumWidth)x\(Dashboard.minimumHeight). Enlarge the window, or press q to quit."
            .split(separator: " ").map(String.init)
        var lines: [String] = []
        var line = ""
        for word in words {
            if line.isEmpty {
                line = word
            } else if TextWidth.of(line) + 1 + TextWidth.of(word) <= width {
                line += " " + word
            } else {
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
