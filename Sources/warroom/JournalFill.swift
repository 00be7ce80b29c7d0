import ArgumentParser
import Foundation
import WarRoomCore
import WarRoomRuntime

/// Builds a long journal for benchmarks (Benchmarks/journal.sh): `sources`
/// health sources polled every second for `--events` sample events (the old
/// shape: one event per poll, 8 values each), folded through the reducer as
/// the commander would (crossings, an incident at 80% of the way, its pages,
/// the automatic rollback and notes are recorded as their own events), and
/// checkpointed every `--checkpoint-events` as the commander does, except
/// in the last `--tail` events (the worst case a reader meets). With
/// `--format-1` it writes no checkpoints (the script then turns the file into
/// format 1, what the previous warroom wrote).
struct JournalFill: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "journal-fill", shouldDisplay: false)

    @Option var journal: String
    @Option var events = 350_000
    @Option var sources = 4
    @Option(name: .customLong("checkpoint-events")) var checkpointEvents = 10_000
    @Option var tail = 9_999
    @Flag(name: .customLong("format-1")) var formatOne = false

    func run() throws {
        let j = try SQLiteJournal(path: journal)
        guard try j.lastSeq() == 0 else { throw ValidationError("\(journal) is not empty") }
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
            sources: names.map { SessionInfo.SourceInfo(name: $0, interval: 1) }, mode: "run", startedBy: "bench")
        info.breakGlass = "deploy rollback"

        var state = WarRoomState()
        var pending: [(time: Date, event: Event)] = []
        var seq: Int64 = 0
        var lastCheckpoint: Int64 = 0
        var now = start
        let trouble = Int(Double(events) * 0.8)

        func flush() throws {
            let recorded = try j.append(pending)
            guard recorded.last?.seq ?? seq == seq else { throw ValidationError("another process wrote to \(journal)") }
            pending.removeAll(keepingCapacity: true)
            // Every `checkpointEvents`, and once more where the last `tail` events begin.
            let lastOne = seq >= Int64(events - tail) && lastCheckpoint < Int64(events - tail)
            if !formatOne, (seq - lastCheckpoint >= Int64(checkpointEvents) && seq <= Int64(events - tail)) || lastOne {
                try j.writeCheckpoint(StoredCheckpoint(seq: seq, version: WarRoomState.checkpointVersion, time: now,
                                                       payload: try state.checkpointPayload()), keep: 3)
                lastCheckpoint = seq
            }
        }
        func process(_ first: [Effect]) throws {
            var queue = first[...]
            while let effect = queue.popFirst() {
                switch effect {
                case .record(let event):
                    seq += 1
                    let r = Recorded(seq: seq, time: Date(timeIntervalSince1970: now.timeIntervalSince1970), event: event.inert)
                    pending.append((now, event))
                    queue.append(contentsOf: state.apply(r))
                case .execute(let request):
                    queue.append(.record(.commandFinished(id: request.id, outcome: CommandOutcome(succeeded: true, detail: "HTTP 200", duration: 0.2))))
                case .page(let request):
                    queue.append(.record(.pageFinished(id: request.id, outcome: CommandOutcome(succeeded: true, detail: "exit 0", duration: 0.1))))
                case .cancel, .readTraffic:
                    break
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
                try process([.record(.samples(source: name, samples: [
                    Sample(SeriesKey(.canary, .errorRate), canary), Sample(SeriesKey(.stable, .errorRate), 0.004 + wobble / 10),
                    Sample(SeriesKey(.canary, .latencyAvg), 0.13 + wobble), Sample(SeriesKey(.stable, .latencyAvg), 0.12 + wobble),
                    Sample(SeriesKey(.canary, .latencyP95), 0.26 + wobble), Sample(SeriesKey(.stable, .latencyP95), 0.25 + wobble),
                    Sample(SeriesKey(.canary, .throughput), 12 + wobble), Sample(SeriesKey(.stable, .throughput), 1150 + wobble),
                ]))])
            }
            if second % 600 == 0 { try process([.record(.note(text: "still watching, hour \(second / 3600)", by: "scribe"))]) }
            try process(state.tick(at: now))
            if pending.count >= 5_000 || (!formatOne && Int(seq) >= events - tail && lastCheckpoint < Int64(events - tail)) { try flush() }
        }
        try flush()
        print("\(seq) events, \(polls) polls over \(Format.age(Double(second))); last checkpoint at \(lastCheckpoint)\(formatOne ? " (format 1: none)" : "")")
    }
}
