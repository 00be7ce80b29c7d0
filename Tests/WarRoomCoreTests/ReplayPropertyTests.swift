import Foundation
import Testing

@testable import WarRoomCore

/// Replay is the truth test of the journal: folding what a live war room
/// recorded, from the first event and ignoring every effect, must give the
/// state the live war room ended with. The live side is driven by the one
/// effect driver (`WarRoomState.drive`), as the actor drives it.
@Suite("Replay equals live")
struct ReplayPropertyTests {
    static let seeds: ClosedRange<UInt64> = 1_001 ... 2_000

    @Test("1,000 random war rooms: a replay of what each recorded equals its live state, field by field and byte for byte")
    func replayEqualsLive() throws {
        var kinds: Set<String> = []
        for seed in Self.seeds {
            let live = RandomJournal.drive(seed: seed, steps: 150)
            var replay = WarRoomState(seriesCapacity: 50)
            for event in live.recorded { replay.apply(event) }
            kinds.formUnion(live.recorded.map(\.event.kind))
            // The parts a screen and a decision read, each compared on its own first (a clearer failure) ...
            #expect(replay.timeline == live.state.timeline, "seed \(seed): timeline")
            #expect(replay.canary == live.state.canary, "seed \(seed): canary")
            #expect(replay.incident == live.state.incident, "seed \(seed): incident")
            #expect(replay.escalation == live.state.escalation, "seed \(seed): escalation")
            #expect(replay.commandsInFlight == live.state.commandsInFlight, "seed \(seed): commands in flight")
            // ... then the whole state with its synthesised `==` (a NaN sample never
            // equals itself, so sequences with one are held to the bytes below) ...
            let nan = live.recorded.contains { if case .samples(_, let s) = $0.event { s.contains { $0.value.isNaN } } else { false } }
            if !nan { #expect(replay == live.state, "seed \(seed): the whole state") }
            // ... and everything the state holds, in its canonical bytes.
            try #require(try replay.checkpointPayload() == live.state.checkpointPayload(), "seed \(seed): the whole state")
        }
        // Every kind of event a journal can hold was recorded by some sequence.
        let every = [
            "session_started", "samples", "source_down", "source_up", "threshold_crossed", "incident_opened", "severity_changed",
            "status_changed", "role_assigned", "metrics_pinned", "analysis_checked", "awaiting_approval", "ttr_measured", "command_issued",
            "command_finished", "note", "page_issued", "page_finished", "acknowledged", "history", "alert", "dead_man_switch",
            "launch_started", "holds_changed", "holds_overridden", "traffic_read", "command_handed_over",
        ]
        #expect(Set(every).subtracting(kinds).isEmpty, "never recorded: \(Set(every).subtracting(kinds).sorted())")
    }
}
