import ArgumentParser
import Foundation
import WarRoomCore
import WarRoomRuntime

/// How a journal grows (Benchmarks/growth.sh, issue 14's 1 GB a day for 500
/// sources at 1 s): `sources` health sources, 8 values each, written every
/// second of a simulated clock into the samples store through the journal's
/// own writer, each source at its own moment in the second and those within
/// 3 ms sharing a time, in time order, as the writer's group commit gives them (one
/// transaction a simulated minute: the same bytes without 86,400 fsyncs), compacted with the standard
/// retention every 60 s of that clock as the commander does, for `hours`
/// hours. After each hour it prints one line: the hour, the file's bytes
/// (database and log, after a checkpoint of the log), the points and the
/// minutes' peaks held.
struct JournalGrowth: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "journal-growth", shouldDisplay: false)

    @Option var journal: String
    @Option var sources = 50
    @Option var hours = 24

    func run() throws {
        guard !FileManager.default.fileExists(atPath: journal) else { throw ValidationError("\(journal) already exists") }
        let store = try SQLiteJournal(path: journal)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let names = (1 ... sources).map { "health-\($0)" }
        _ = try store.append(
            .sessionStarted(
                SessionInfo(
                    service: "growth", rules: .runbookDefaults, plan: .runbookDefault, roster: Roster(tiers: []),
                    sources: names.map { SessionInfo.SourceInfo(name: $0, interval: 1) }, mode: .run, startedBy: "bench")), at: start)
        // Each source polls at its own moment within the second; the writer commits
        // what arrives within 3 ms together, at one time, and in time order.
        let offsets = names.indices.map { Int64($0 * 997 % 1000 / 3 * 3) }
        let order = names.indices.sorted { (offsets[$0], $0) < (offsets[$1], $1) }
        print("hour bytes points peaks")
        var polls = 0
        for minute in 0 ..< hours * 60 {
            try store.write { tx in
                for second in minute * 60 ..< minute * 60 + 60 {
                    for i in order {
                        let name = names[i]
                        polls += 1
                        let wobble = Double((polls * 7919) % 100) / 10_000
                        let ms = SampleBatch.milliseconds(start) + Int64(second) * 1000 + offsets[i]
                        try tx.append(
                            SampleBatch(
                                milliseconds: ms, source: name,
                                samples: JournalFill.healthSamples(canaryErrors: 0.003 + wobble / 10, wobble: wobble)))
                    }
                }
            }
            try store.compactSamples(now: start.addingTimeInterval(Double(minute * 60 + 60)), retention: .standard)
            if (minute + 1) % 60 == 0 {
                try store.checkpointLog()
                let bytes = [journal, journal + "-wal"].reduce(0) { sum, path in
                    sum + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
                }
                let (points, peaks) = try store.sampleRowCounts()
                print("\((minute + 1) / 60) \(bytes) \(points) \(peaks)")
            }
        }
    }
}
