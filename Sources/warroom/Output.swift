import Foundation
import WarRoomCore

// Every subcommand's stdout and stderr go through here: the text is made
// inert (`InertText`) whatever it quotes, keeping only its newlines and tabs.
// This `print` shadows the standard library's in this module, so no call
// site can forget it; `printRaw` is for the one output that carries escapes
// on purpose (`screenshot --ansi`, whose cell text is inert already).

/// `Swift.print`, with the text made inert.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator) + terminator
    Swift.print(InertText.clean(text, allowing: .lines), terminator: "")
}

/// `Swift.print` as it is: only for escapes warroom itself writes.
func printRaw(_ text: String, terminator: String = "\n") {
    Swift.print(text, terminator: terminator)
}

/// Print to stderr, inert.
func warn(_ message: String) {
    let line = InertText.clean(message, allowing: .lines) + "\n"
    try? FileHandle.standardError.write(contentsOf: Data(line.utf8))  // never trap: the terminal may be gone
}
