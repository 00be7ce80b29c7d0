import ArgumentParser
import Foundation
import WarRoomCore
import WarRoomRuntime

/// Builds a long journal for benchmarks (Benchmarks/journal.sh): `sources`
/// health sources polled every second for `--events` sample events (the old
/// shape: one event per poll, 8 values each), folded through the reducer as
/// the commander would (crossings, an incident at 80% of the way, its pages,
/// the automatic rollback and notes are recorded as their own events), and
/// written as a journal of format 1, what the previous warroom wrote: the
/// benchmark times readers on it as it is, the one-time migration, and
/// readers on the migrated journal.
struct JournalFill: ParsableCommand {
    /// A benchmark health source's 8 values at one poll: `wobble` (0 to 0.01) varies them.
    static func healthSamples(canaryErrors: Double, wobble: Double) -> [Sample] {
        [
            Sample(SeriesKey(.canary, .errorRate), canaryErrors), Sample(SeriesKey(.stable, .errorRate), 0.004 + wobble / 10),
            Sample(SeriesKey(.canary, .latencyAvg), 0.13 + wobble), Sample(SeriesKey(.stable, .latencyAvg), 0.12 + wobble),
            Sample(SeriesKey(.canary, .latencyP95), 0.26 + wobble), Sample(SeriesKey(.stable, .latencyP95), 0.25 + wobble),
            Sample(SeriesKey(.canary, .throughput), 12 + wobble), Sample(SeriesKey(.stable, .throughput), 1150 + wobble),
        ]
    }

    static let configuration = CommandConfiguration(commandName: "journal-fill", shouldDisplay: false)

    @Option var journal: String
    @Option var events = 350_000
    @Option var sources = 4

    func run() throws {
        guard !FileManager.default.fileExists(atPath: journal) else { throw ValidationError("\(journal) already exists") }
        // Ending about now, so ages on screen are what a live war room shows.
        let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - Double(events / max(1, sources))).rounded())
        let names = (1 ... sources).map { "health-\($0)" }
        var info = SessionInfo(
            service: "benchmark-web", rules: .runbookDefaults, plan: .runbookDefault,
            roster: Roster(tiers: [
                EscalationTier(name: "Primary", person: Person(name: "Ana Ruiz", handle: "@ana"), escalateAfter: 900),
                EscalationTier(name: "Secondary", person: Person(name: "Ben Okafor", handle: "@ben"), escalateAfter: 1800),
                EscalationTier(name: "Eng lead", person: Person(name: "Chen Wei", handle: "@chen"), escalateAfter: 3600),
            ]),
            sources: names.map { SessionInfo.SourceInfo(name: $0, interval: 1) }, mode: .run, startedBy: "bench")
        info.breakGlass = "deploy rollback"

        var state = WarRoomState()
        var pending: [(time: Date, event: Event)] = []
        var seq: Int64 = 0
        var now = start
        let trouble = Int(Double(events) * 0.8)

        func process(_ first: [Effect]) throws {
            // Every command and page succeeds at once; cancels and traffic reads do nothing.
            var effects = first
            while !effects.isEmpty {
                let actions = state.drive(effects) { event in
                    seq += 1
                    pending.append((now, event))
                    return Recorded(seq: seq, time: Date(timeIntervalSince1970: now.timeIntervalSince1970), event: event.inert)
                }
                effects = actions.compactMap { action -> Effect? in
                    switch action {
                    case .execute(let request):
                        .record(.commandFinished(id: request.id, outcome: CommandOutcome(succeeded: true, detail: "HTTP 200", duration: 0.2)))
                    case .page(let request):
                        .record(.pageFinished(id: request.id, outcome: CommandOutcome(succeeded: true, detail: "exit 0", duration: 0.1)))
                    case .cancel, .readTraffic:
                        nil
                    }
                }
            }
        }

        try process([.record(.sessionStarted(info)), .record(.launchStarted(by: "bench", reason: "benchmark"))])
        var polls = 0
        var second = 0
        while Int(seq) < events {
            second += 1
            now = start + Double(second)
            for name in names where Int(seq) < events {
                polls += 1
                let bad = polls >= trouble && polls < trouble + 600
                let wobble = Double((polls * 7919) % 100) / 10_000
                let canary = bad ? 0.25 + wobble : 0.003 + wobble / 10
                try process([.record(.samples(source: name, samples: Self.healthSamples(canaryErrors: canary, wobble: wobble)))])
            }
            if second % 600 == 0 { try process([.record(.note(text: "still watching, hour \(second / 3600)", by: "scribe"))]) }
            try process(state.tick(at: now))
        }
        try SQLiteJournal.writeFormat1(path: journal, events: pending)
        print("\(seq) events, \(polls) polls over \(Format.age(Double(second))), written as format 1")
    }
}
