import ArgumentParser
import Foundation
import Synchronization
import WarRoomCore
import WarRoomRuntime

/// Open an existing journal to read only (status, export, wallboard,
/// replay, screenshot), or explain why not.
func openReader(_ path: String) throws -> any JournalReader {
    try opening(path) { try SQLiteJournalReader(path: $0) }
}

/// Open an existing journal to append to (note, ack), or explain why not.
/// A journal of an older format is migrated first, its progress on stderr.
func openWriter(_ path: String) throws -> any JournalWriter {
    try opening(path) { p in
        let shown = Mutex(-1)
        return try SQLiteJournal(path: p) { progress in
            let tenth = Int(progress.fraction * 10)
            let fresh = shown.withLock { last in
                defer { last = max(last, tenth) }
                return tenth > last
            }
            guard fresh else { return }
            warn("warroom: migrating \(p) to journal format \(SQLiteJournal.formatVersion) (\(progress.step)): \(tenth * 10)%")
        }
    }
}

private func opening<J>(_ given: String, _ open: (String) throws -> J) throws -> J {
    let path: String
    do { path = try JournalLocation.filePath(given) } catch {
        warn("warroom: \(error)")
        throw ExitCode(2)
    }
    guard FileManager.default.fileExists(atPath: path) else {
        warn("warroom: no journal at \(path) (start a dashboard with --journal \(path) first)")
        throw ExitCode(2)
    }
    do {
        return try open(path)
    } catch {
        warn("warroom: \(error)")
        throw ExitCode(2)
    }
}

/// The journal's state now: its newest checkpoint plus the events after it.
func fold(_ journal: any JournalReader) throws -> WarRoomState {
    try journal.loadState().state
}

struct Note: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add a note to a war room's timeline from any shell (the scribe in another tmux pane).")

    @Option(help: "The war room's journal.")
    var journal: String

    @Option(help: "Who is writing (default: the OS user).")
    var by: String?

    @Argument(help: "The note.")
    var text: [String]

    func run() throws {
        let j = try openWriter(journal)
        let note = text.joined(separator: " ")
        let event = Event.note(text: note, by: by ?? currentUser())
        // A note's refusal reads its text alone: no fold at all.
        if let refusal = WarRoomState.noteRefusal(note) {
            warn("warroom: \(refusal.text)")
            throw ExitCode(1)
        }
        do {
            let r = try j.append(event, at: Date())
            print("recorded as event \(r.seq) at \(Format.wallTime(r.time)) UTC")
        } catch {
            warn("warroom: note NOT recorded: \(error)")
            throw ExitCode(1)
        }
    }
}

struct Ack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Acknowledge the page from any shell: stops the escalation; shows on the dashboard within a second.")

    @Option(help: "The war room's journal.")
    var journal: String

    @Option(help: "Who acknowledges (default: the OS user).")
    var by: String?

    func run() throws {
        let j = try openWriter(journal)
        // The refusal reads the escalation only: no fold of the samples.
        let state = try j.incidentState()
        let event = Event.acknowledged(by: by ?? currentUser())
        if let refusal = state.refusal(of: event) {
            warn("warroom: \(refusal.text)")
            throw ExitCode(1)
        }
        let r = try j.append(event, at: Date())
        print("acknowledged as event \(r.seq) at \(Format.wallTime(r.time)) UTC")
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the war room's current state: incident, severity, roles, canary, latest values, on call.")

    @Option(help: "The war room's journal.")
    var journal: String

    @Flag(help: "Print JSON for scripts and chat bots.")
    var json = false

    @Option(help: "The war room's config: the manual rollback is printed from it (else as the journal's session recorded it).")
    var config: String?

    func run() throws {
        let j = try openReader(journal)
        // Read to the journal's end as of now, or print no state at all: a
        // state folded part way is the past, and its "OK" could be a lie.
        var reached = Loading(journal: journal, startedAt: Date())
        let state: WarRoomState
        do {
            state = try JournalLoader.load(j, progress: { reached = $0 }).state
        } catch {
            warn(
                "warroom: journal \(journal) could not be read to its end (read \(reached.read) of \(reached.total.map(String.init) ?? "?") events): \(error)"
            )
            warn("warroom: no state printed: severity, incident and canary are unknown")
            throw ExitCode(1)
        }
        let now = Date()
        var report = StatusReport(state: state, eventCount: Int(state.lastSeq), lastEvent: state.lastEventTime, now: now)
        if let config {
            do {
                report.breakGlass = try ConfigLoader.load(path: config).breakGlass(by: currentUser())
            } catch let errors as ConfigErrors {
                warn(errors.description)
                throw ExitCode(2)
            }
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: report.json, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(InertText.json(String(decoding: data, as: UTF8.self)))
        } else {
            print(report.text)
        }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the post-mortem (runbook template) and the three status messages, or the journal's events as JSON.")

    enum Kind: String, ExpressibleByArgument, CaseIterable { case markdown, json }

    @Option(help: "The war room's journal.")
    var journal: String

    @Option(help: "markdown (post-mortem and messages) or json (every event, actions, messages).")
    var format: Kind = .markdown

    @Flag(help: "Include every metric sample in the JSON (large).")
    var samples = false

    func run() throws {
        let j = try openReader(journal)
        let now = Date()
        let state = try fold(j)
        // The post-mortem reads every incident fact, and the incident's peaks
        // as the samples store works them out (every sample with --samples).
        let window = state.incident.flatMap { i in i.openedAt <= (i.resolvedAt ?? now) ? i.openedAt ... (i.resolvedAt ?? now) : nil }
        let pm: PostMortem
        if samples {
            pm = PostMortem(state: state, events: try j.history(), now: now)
        } else {
            let facts = try j.incidentFacts(samplesWithin: window)
            pm = PostMortem(state: state, events: facts.events, now: now, storedPeaks: facts.storedPeaks)
        }
        switch format {
        case .markdown: print(pm.markdown(), terminator: "")
        case .json: print(InertText.json(String(decoding: try pm.json(includeSamples: samples), as: UTF8.self)))
        }
    }

}

/// Appends notes as fast as it can, printing each acknowledged sequence
/// number: the kill -9 durability drill uses it.
struct JournalStress: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "journal-stress", shouldDisplay: false)

    @Option var journal: String
    @Option var count = 100_000

    func run() throws {
        let j = try SQLiteJournal(path: journal)
        for i in 0 ..< count {
            let r = try j.append(.note(text: "stress \(i)", by: "stress"), at: Date())
            let line = "\(r.seq) \(i)\n"
            try FileHandle.standardOutput.write(contentsOf: Data(line.utf8))  // numbers only
        }
    }
}

/// Submits one sample batch from each of `sources` sources at once, `rounds`
/// times, through the war room's group commit, printing a line as each is
/// acknowledged: the group commit's fsync test counts syncs under strace.
struct GroupCommitStress: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "group-commit-stress", shouldDisplay: false)

    @Option var journal: String
    @Option var sources = 50
    @Option var rounds = 4

    func run() async throws {
        let room = try WarRoom(journal: try SQLiteJournal(path: journal), executor: nil, groupCommitWindow: .milliseconds(5))
        let sources = self.sources
        for round in 0 ..< rounds {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for s in 0 ..< sources {
                    group.addTask {
                        let value = 0.001 + Double((round * sources + s) % 10) / 10_000  // healthy: no crossing to record
                        try await room.submit(.samples(source: "source-\(s)", samples: [Sample(SeriesKey(.stable, .errorRate), value)]))
                        try FileHandle.standardOutput.write(contentsOf: Data("\(round) \(s)\n".utf8))
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}

/// Writes a journal of format 1 (samples as events), `seconds` of a launch
/// with one sample batch a second per source: for the migration benchmark.
struct JournalLegacy: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "journal-legacy", shouldDisplay: false)

    @Option var journal: String
    @Option var seconds = 3600
    @Option var sources = 4

    func run() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var events: [(time: Date, event: Event)] = [(start, .note(text: "legacy journal", by: "bench"))]
        for s in 0 ..< seconds {
            for source in 0 ..< sources {
                let t = start.addingTimeInterval(Double(s) + 0.25 + Double(source) * 0.01)
                let samples = [
                    Sample(SeriesKey(.canary, .errorRate), 0.004 + Double(s % 7) / 10_000),
                    Sample(SeriesKey(.stable, .errorRate), 0.003),
                    Sample(SeriesKey(.canary, .latencyAvg), 0.12 + Double(s % 5) / 100),
                    Sample(SeriesKey(.stable, .throughput), 1164),
                ]
                events.append((t, .samples(source: "source-\(source)", samples: samples)))
            }
            if s % 600 == 300 { events.append((start.addingTimeInterval(Double(s) + 0.9), .note(text: "checkpoint \(s)", by: "ana"))) }
        }
        try SQLiteJournal.writeFormat1(path: journal, events: events)
    }
}
