import Foundation
import Testing
import WarRoomCore
import WarRoomRuntime
import WarRoomTestSupport

/// The JSON export without what depends on when it was made.
private func exportJSON(_ binary: String, _ path: String, samples: Bool = false) throws -> NSDictionary {
    let run = try spawn([binary, "export", "--journal", path, "--format", "json"] + (samples ? ["--samples"] : []))
    #expect(run.status == 0, "\(run.output.prefix(400))")
    let object = try JSONSerialization.jsonObject(with: Data(run.output.utf8))
    guard let root = (object as? NSDictionary)?.mutableCopy() as? NSMutableDictionary else { return [:] }
    root.removeObject(forKey: "exported_at")
    return root
}

extension EndToEnd {
    @Suite("Samples store end to end", .serialized)
    struct SamplesStoreEndToEndTests {
        @Test(
            "group commit: 50 sources' batches arriving together take far fewer fsyncs than batches, and none is acknowledged before its fsync (strace)",
            .enabled(if: haveStrace || ServerProcess.requireServers, "needs strace"))
        func groupCommitFsyncs() throws {
            let binary = try warroomBinary()
            let path = temporaryPath("group.sqlite")
            // Create the journal first, so the trace holds the group commits only.
            #expect(try spawn([binary, "journal-stress", "--journal", path, "--count", "1"]).status == 0)
            let trace = path + ".strace"
            let run = try spawn([
                "strace", "-f", "-qq", "-e", "trace=fsync,fdatasync,write,pwrite64", "-o", trace,
                binary, "group-commit-stress", "--journal", path, "--sources", "50", "--rounds", "4",
            ])
            #expect(run.status == 0, "\(run.output.prefix(400))")
            #expect(run.output.split(separator: "\n").count == 200)
            let t = try SyscallTrace(file: trace)
            #expect(t.acks == 200, "strace saw \(t.acks) acknowledgements")
            #expect(t.syncs >= 4, "\(t.syncs) fsyncs: each round needs at least one")
            #expect(t.syncs <= 40, "\(t.syncs) fsyncs for 200 batches in 4 rounds of 50: not grouped")
            #expect(t.unsynced(syncEach: false).isEmpty, "acknowledged before its fsync: \(t.unsynced(syncEach: false).prefix(3))")
            print("group commit: \(t.syncs) fsyncs for 200 batches")
            // All 200 batches are stored.
            let reader = try SQLiteJournalReader(path: path)
            #expect(try reader.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches.count == 200)
        }

        @Test(
            "a journal written by the format 1 code path migrates: `export --format json` is the same before and after, and `export --samples` keeps every sample"
        )
        func migrationKeepsExport() throws {
            let binary = try warroomBinary()
            let path = temporaryPath("legacy.sqlite")
            #expect(try spawn([binary, "journal-legacy", "--journal", path, "--seconds", "900", "--sources", "3"]).status == 0)
            let before = try exportJSON(binary, path)
            let beforeSamples = try exportJSON(binary, path, samples: true)
            let beforeStatus = try spawn([binary, "status", "--journal", path])
            #expect(beforeStatus.status == 0)
            // The first writer to open it migrates it (`note` is one).
            // (stderr too: the migration's progress goes there)
            let note = try spawn(["/bin/sh", "-c", "\"$0\" note --journal \"$1\" --by ana 'after the migration' 2>&1", binary, path])
            #expect(note.status == 0, "\(note.output)")
            #expect(note.output.contains("migrating") && note.output.contains("100%"), "the migration says how far it is: \(note.output.prefix(300))")
            let after = try exportJSON(binary, path)
            var afterEvents = (after["events"] as? [NSDictionary]) ?? []
            #expect(afterEvents.last?["kind"] as? String == "note")
            afterEvents.removeLast()
            let trimmed = after.mutableCopy() as! NSMutableDictionary
            trimmed["events"] = afterEvents
            #expect(trimmed == before, "the incident events export as before")
            let beforeList = (beforeSamples["events"] as? [NSDictionary]) ?? []
            let afterList = ((try exportJSON(binary, path, samples: true))["events"] as? [NSDictionary]) ?? []
            let count = { (list: [NSDictionary]) in list.filter { $0["kind"] as? String == "samples" }.count }
            #expect(count(beforeList) == 900 * 3)
            #expect(count(afterList) == count(beforeList))
            let values = { (list: [NSDictionary]) in list.filter { $0["kind"] as? String == "samples" }.map { $0["event"] as? NSDictionary } }
            #expect(values(afterList) == values(beforeList), "every sample's source, series and value")
            let afterStatus = try spawn([binary, "status", "--journal", path])
            #expect(afterStatus.status == 0)
            // The same values on the status screen (its ages are counted from now).
            let valueLines = { (text: String) in
                text.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.hasSuffix(" ago)") }.map { String($0.prefix { $0 != "(" }) }
            }
            #expect(valueLines(beforeStatus.output).count == 4, "\(beforeStatus.output)")
            #expect(valueLines(afterStatus.output) == valueLines(beforeStatus.output), "\(afterStatus.output)")
        }

        @Test(
            "kill -9 in the middle of the migration (moving samples, or compacting after it) loses nothing: the journal is as it was, or migrated whole, and the next writer finishes it"
        )
        func killedMigration() async throws {
            let binary = try warroomBinary()
            let path = temporaryPath("legacy-kill.sqlite")
            #expect(try spawn([binary, "journal-legacy", "--journal", path, "--seconds", "10000", "--sources", "4"]).status == 0)
            let before = try exportJSON(binary, path)
            func integrity() throws -> String {
                try spawn(["sqlite3", path, "PRAGMA integrity_check"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            func version() throws -> String {
                try spawn(["sqlite3", path, "PRAGMA user_version"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            // Killed while the samples move: the transaction never committed.
            for (stage, marker) in [("moving", "event log): 20%"), ("compacting", "(compacting the file)")] {
                let note = try ServerProcess(
                    [binary, "note", "--journal", path, "--by", "drill", "killed while \(stage)"], port: 0,
                    directory: try temporaryDirectory("kill-\(stage)"))
                var exited = false
                try await waitUntil("the migration to reach \(stage)", seconds: 120) {
                    var status: Int32 = 0
                    if waitpid(note.pid, &status, WNOHANG) == note.pid {
                        exited = true
                        return true
                    }
                    return note.logText.contains(marker)
                }
                if !exited { note.kill(SIGKILL) }
                #expect(try integrity() == "ok", "\(stage)")
                if stage == "moving" {
                    #expect(!exited, "the migration ended before the kill; the drill killed nothing")
                    #expect(try version() == "1", "uncommitted: still format 1")
                    #expect(try exportJSON(binary, path) == before, "killed while moving samples: nothing changed")
                } else {
                    // Committed before the compaction: format 4, every incident event and sample kept.
                    #expect(try version() == "\(SQLiteJournal.formatVersion)")
                    let after = try exportJSON(binary, path)
                    let old = (before["events"] as? [NSDictionary]) ?? []
                    let new = (after["events"] as? [NSDictionary]) ?? []
                    // The note is there if the compaction finished before the kill (it is appended after it).
                    #expect((new.count == old.count || new.count == old.count + 1) && Array(new.prefix(old.count)) == old, "the incident events")
                }
            }
            // The next writer opens it as it is and goes on.
            #expect(try spawn([binary, "note", "--journal", path, "--by", "drill", "after the kills"]).status == 0)
            #expect(try integrity() == "ok")
            #expect(try !SQLiteJournalReader(path: path).changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches.isEmpty)
        }

        @Test(
            "a dashboard opening a format 1 journal shows the migration on its loading screen, never OK; q stops it and leaves the journal as it was; the next open migrates it and goes live"
        )
        func migrationOnScreen() async throws {
            let binary = try warroomBinary()
            let path = temporaryPath("legacy-screen.sqlite")
            // About 40k events: a migration of a few seconds in a debug build.
            #expect(try spawn([binary, "journal-legacy", "--journal", path, "--seconds", "10000", "--sources", "4"]).status == 0)
            let before = try exportJSON(binary, path)
            let command = "'\(binary)' demo --scenario calm --journal '\(path)'; echo EXIT=$?; sleep 600"

            // First open: quit in the middle of the migration.
            do {
                let tmux = try Tmux(command: command, width: 160, height: 48)
                let screen = try await tmux.waitFor("the migration on screen", seconds: 60) { $0.contains("MIGRATING journal to format") }
                for word in ["✓ OK", "no incident"] { #expect(!screen.contains(word), "said '\(word)' while migrating:\n\(screen)") }
                #expect(screen.contains("Migrating \(path)"), "\(screen)")
                try tmux.sendKeys("q")
                let end = try await tmux.waitFor("the shell", seconds: 30) { $0.contains("EXIT=") }
                #expect(!end.contains("SEV-"), "it went live instead of stopping:\n\(end)")
            }
            let reader = try SQLiteJournalReader(path: path)
            #expect(
                try reader.changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches.isEmpty,
                "a stopped migration leaves the samples in the event log (format 1)")
            #expect(try exportJSON(binary, path) == before, "a stopped migration changes nothing")

            // Second open: the migration runs to its end, then the dashboard goes live.
            let tmux = try Tmux(command: command, width: 160, height: 48)
            var sawMigrating = false
            let deadline = Date().addingTimeInterval(240)
            var live = ""
            while Date() < deadline {
                let screen = tmux.capture()
                if screen.contains("MIGRATING journal to format") {
                    sawMigrating = true
                    #expect(!screen.contains("✓ OK") && !screen.contains("no incident"), "said OK while migrating:\n\(screen)")
                } else if screen.contains("Canary stage") && screen.contains("Live metrics") {
                    live = screen
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(sawMigrating, "never saw the migration on the loading screen")
            #expect(!live.isEmpty, "never went live; last screen:\n\(tmux.capture())")
            #expect(
                try !SQLiteJournalReader(path: path).changes(afterSeq: 0, samplesAfter: nil, recent: nil).batches.isEmpty,
                "migrated: the samples are in the samples store")
        }
    }
}
