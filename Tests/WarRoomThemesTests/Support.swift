import Foundation
import Testing
import WarRoomThemes
import WarRoomUI

/// The package's shipped `themes/` directory.
let themesDirectory: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("themes").path

let shippedNames = ["colorblind", "dark", "high-contrast", "light", "mono", "solarized"]

/// Parses, expecting failure; returns the errors (an empty list if it loaded).
func errors(_ text: String, file: String = "t.yaml") -> [ThemeError] {
    do {
        _ = try ThemeLoader.parse(text, file: file)
        return []
    } catch {
        return error.errors
    }
}

/// A fresh directory under the temporary directory.
func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "warroom-themes-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A complete theme body (all roles) for tests that need no warnings.
let allRoles = Role.allCases.map { "  \($0.name): {}" }.joined(separator: "\n")
