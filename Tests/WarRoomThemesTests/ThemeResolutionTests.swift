import Foundation
import Testing
import WarRoomThemes
import WarRoomUI

@Suite("Finding themes")
struct ThemeResolutionTests {
    @Test func builtInsNeedNoFiles() throws {
        #expect(try ThemeLoader.load(nameOrPath: "dark", searchDirectories: []).0 == Theme.dark)
        #expect(try ThemeLoader.load(nameOrPath: "mono", searchDirectories: ["/nonexistent/dir"]).0 == Theme.mono)
        #expect(ThemeLoader.availableNames(searchDirectories: []) == ["dark", "mono"])
    }

    @Test func userDirectoryComesFirstThenShipped() throws {
        let user = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: user) }
        try "name: mine\nroles:\n\(allRoles)\n".write(toFile: user + "/mine.yaml", atomically: true, encoding: .utf8)
        try "name: solarized-custom\nroles:\n\(allRoles)\n".write(toFile: user + "/solarized.yaml", atomically: true, encoding: .utf8)
        try "name: old\n".write(toFile: user + "/old.yml", atomically: true, encoding: .utf8)
        let dirs = [user, themesDirectory]
        #expect(try ThemeLoader.load(nameOrPath: "mine", searchDirectories: dirs).0.name == "mine")
        #expect(try ThemeLoader.load(nameOrPath: "solarized", searchDirectories: dirs).0.name == "solarized-custom")
        #expect(try ThemeLoader.load(nameOrPath: "light", searchDirectories: dirs).0.name == "light")
        #expect(try ThemeLoader.load(nameOrPath: "old", searchDirectories: dirs).0.name == "old")
        #expect(
            ThemeLoader.availableNames(searchDirectories: dirs) == [
                "colorblind", "dark", "high-contrast", "light", "mine", "mono", "old", "solarized",
            ])
    }

    @Test func aFileWinsOverABuiltIn() throws {
        let user = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: user) }
        try "name: my-dark\n".write(toFile: user + "/dark.yaml", atomically: true, encoding: .utf8)
        let (theme, warnings) = try ThemeLoader.load(nameOrPath: "dark", searchDirectories: [user])
        #expect(theme.name == "my-dark")
        #expect(warnings.count == Role.allCases.count)
        #expect(warnings.allSatisfy { $0.file == user + "/dark.yaml" })
    }

    @Test func pathsAreReadDirectly() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/x.yaml"
        try "name: by-path\nroles:\n\(allRoles)\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try ThemeLoader.load(nameOrPath: path, searchDirectories: []).0.name == "by-path")
        // A bare file name ending in .yaml is a path (relative), not a theme name.
        #expect(throws: ThemeErrors.self) { try ThemeLoader.load(nameOrPath: "dark.yaml", searchDirectories: [themesDirectory]) }
        do {
            _ = try ThemeLoader.load(nameOrPath: dir + "/missing.yaml", searchDirectories: [])
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.errors.first?.kind == .unreadable)
            #expect(error.errors.first?.file == dir + "/missing.yaml")
        }
    }

    @Test func errorsInAFileNameThePath() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "name: t\nroles:\n  sev9: {}\n".write(toFile: dir + "/broken.yaml", atomically: true, encoding: .utf8)
        do {
            _ = try ThemeLoader.load(nameOrPath: "broken", searchDirectories: [dir])
            Issue.record("loaded a broken theme")
        } catch {
            #expect(error.description.hasPrefix("\(dir)/broken.yaml:3:3: roles.sev9: unknown role 'sev9'"))
        }
    }

    @Test func unknownNameListsTheAvailableOnes() {
        do {
            _ = try ThemeLoader.load(nameOrPath: "solarised", searchDirectories: ["/nonexistent", themesDirectory])
            Issue.record("found a theme that does not exist")
        } catch {
            #expect(error.errors.count == 1)
            let e = error.errors[0]
            #expect(e.kind == .notFound)
            #expect(e.message.contains("no theme named 'solarised' (did you mean 'solarized'?)"))
            #expect(e.message.contains("available: colorblind, dark, high-contrast, light, mono, solarized"))
            #expect(e.message.contains("looked in /nonexistent, \(themesDirectory)"))
        }
        #expect(throws: ThemeErrors.self) { try ThemeLoader.load(nameOrPath: "", searchDirectories: []) }
    }

    @Test func searchDirectoriesFromTheEnvironment() {
        #expect(
            ThemeLoader.searchDirectories(env: ["XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/a"], shipped: "/opt/warroom/themes")
                == ["/x/cfg/warroom/themes", "/opt/warroom/themes"])
        #expect(
            ThemeLoader.searchDirectories(env: ["HOME": "/home/a"], shipped: "themes")
                == ["/home/a/.config/warroom/themes", "themes"])
        // A relative XDG_CONFIG_HOME is invalid per the spec and ignored.
        #expect(
            ThemeLoader.searchDirectories(env: ["XDG_CONFIG_HOME": "rel", "HOME": "/h"], shipped: "t")
                == ["/h/.config/warroom/themes", "t"])
        #expect(ThemeLoader.searchDirectories(env: [:], shipped: "t") == ["t"])
    }
}
