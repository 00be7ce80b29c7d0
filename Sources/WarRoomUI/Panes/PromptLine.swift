import Foundation
import WarRoomCore

/// The question being asked, in the footer row: its choices, or the text typed so far.
struct PromptLine {
    let prompt: Prompt

    func render(in area: Rect, into grid: inout Grid) {
        grid.fill(area, role: .selection)
        var x = grid.put(" \(prompt.label): ", in: area, role: .selection)
        if let choices = prompt.choices {
            for choice in choices {
                x += grid.put("[\(choice.key)] ", in: area, dx: x, role: .selection)
                x += grid.put(choice.label + "  ", in: area, dx: x, role: .selection)
            }
            grid.put("Esc cancels", in: area, dx: x, role: .selection)
        } else {
            let hint = "  Enter records · Esc cancels"
            let room = area.width - x - TextWidth.of(hint) - 1
            // Show the end of a long line: that is where the cursor is.
            var shown = prompt.text
            while TextWidth.of(shown) > room - 1, !shown.isEmpty { shown.removeFirst() }
            x += grid.put(shown + "█", in: area, dx: x, role: .selection)
            grid.put(hint, in: area, dx: x, role: .selection)
        }
    }
}
