import Foundation
import WarRoomCore

/// The bottom row of a screen that can act: the keys and what they do.
struct Footer {
    let keyMap: KeyMap

    func render(in area: Rect, into grid: inout Grid) {
        grid.fill(area, role: .footer)
        var x = 1
        for action in KeyAction.allCases {
            guard let short = action.short, let key = keyMap.bindings[action]?.first else { continue }
            x += grid.put(Key.name(key), in: area, dx: x, role: .footerKey)
            x += grid.put(" " + short + "   ", in: area, dx: x, role: .footer)
        }
        if let up = keyMap.bindings[.scrollUp]?.first, let down = keyMap.bindings[.scrollDown]?.first {
            x += grid.put(Key.name(up) + " " + Key.name(down), in: area, dx: x, role: .footerKey)
            grid.put(" scroll", in: area, dx: x, role: .footer)
        }
    }
}
