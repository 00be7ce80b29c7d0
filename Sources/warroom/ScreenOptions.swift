import ArgumentParser
import Foundation
import WarRoomCore
import WarRoomThemes
import WarRoomUI

/// How the screen looks and which keys do what: `--theme`, `--colors`, and
/// the config's `theme:` and `keys:`.
struct ScreenOptions: ParsableArguments {
    @Option(help: "A theme name (dark, light, high-contrast, solarized, colorblind, mono, or one in ~/.config/warroom/themes) or a YAML file.")
    var theme: String?

    @Flag(help: "Let the mouse wheel scroll the timeline (off by default: the mouse stays the terminal's, for selecting text).")
    var mouse = false

    @Option(help: "Colour depth: truecolor, 256, 16, 8 or mono (default: detected from TERM, COLORTERM and terminfo; NO_COLOR wins).")
    var colors: String?

    /// Everything the terminal needs, or an error message naming file, line and field.
    func resolve(config: WarRoomConfig?) throws -> ScreenSetup {
        var setup = ScreenSetup()
        setup.mouse = mouse
        if let colors {
            guard let depth = ColorDepth(name: colors) else {
                throw ValidationError("--colors: expected one of \(ColorDepth.validNames.joined(separator: ", ")), got '\(colors)'")
            }
            setup.depth = depth
        }
        if let name = theme ?? config?.theme {
            do {
                let (loaded, warnings) = try ThemeLoader.load(nameOrPath: name, searchDirectories: Self.searchDirectories())
                setup.theme = loaded
                setup.warnings = warnings.map(\.description)
            } catch {
                warn(error.description)
                throw ExitCode(2)
            }
        }
        if let config, !config.keyBindings.isEmpty {
            setup.keyMap = try Self.keyMap(config)
        }
        return setup
    }

    static func searchDirectories() -> [String] {
        let env = ProcessInfo.processInfo.environment
        // Shipped themes: $WARROOM_THEMES, ./themes, or the source tree this binary was built from.
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("themes").path
        let shipped = env["WARROOM_THEMES"] ?? (FileManager.default.fileExists(atPath: "themes") ? "themes" : source)
        return ThemeLoader.searchDirectories(env: env, shipped: shipped)
    }

    /// The config's `keys:` on top of the defaults; problems name the file and line.
    static func keyMap(_ config: WarRoomConfig) throws -> KeyMap {
        let file = config.file ?? "config"
        var overrides: [KeyAction: [Key]] = [:]
        var problems: [String] = []
        for spec in config.keyBindings {
            guard let action = KeyAction(rawValue: spec.action) else {
                problems.append(
                    "\(file):\(spec.line):\(spec.column): keys.\(spec.action): unknown action; actions are: \(KeyAction.allCases.map(\.rawValue).joined(separator: ", "))"
                )
                continue
            }
            var keys: [Key] = []
            for name in spec.keys {
                if let key = Key.parse(name) {
                    keys.append(key)
                } else {
                    problems.append(
                        "\(file):\(spec.line):\(spec.column): keys.\(spec.action): '\(name)' is not a key: use one character, ctrl-x, up, down, pgup, pgdn, home, end, tab or f1…f12 (Ctrl-C, Enter and Esc are reserved)"
                    )
                }
            }
            if keys.isEmpty && spec.keys.isEmpty {
                problems.append("\(file):\(spec.line):\(spec.column): keys.\(spec.action): needs at least one key")
            }
            overrides[action] = keys
        }
        if problems.isEmpty {
            do {
                return try KeyMap(overrides: overrides)
            } catch {
                let at = config.keyBindings.first { $0.action == error.actions.last?.rawValue }
                problems.append("\(file):\(at?.line ?? 0):\(at?.column ?? 0): keys.\(error.actions.last?.rawValue ?? ""): \(error.message)")
            }
        }
        warn(problems.joined(separator: "\n"))
        throw ExitCode(2)
    }
}

struct ScreenSetup {
    var theme = Theme.dark
    var depth: ColorDepth?
    var keyMap = KeyMap.standard
    var warnings: [String] = []
    var mouse = false
}
