import Foundation
import Testing

@testable import WarRoomCore

/// Events written before session modes and source kinds were types still
/// decode, and encode back to the same JSON.
@Suite struct RecordedJSONTests {
    /// A `sessionStarted` payload as the journal stored it when `mode` and
    /// each source's `kind` were strings (copied from a journal row; the last
    /// source has no kind: journals before kinds were recorded).
    static let oldSession = #"""
        {"sessionStarted":{"_0":{"mode":"demo","plan":{"analysis":{"autoRollback":true,"failureLimit":0,"inconclusiveLimit":1,"interval":60,"marginalShare":0.8,"metrics":[{"max":0.05,"maxIncrease":0.02,"metric":"error_rate"}]},"steps":[{"approval":false,"hold":1800,"weight":1},{"approval":false,"weight":100}]},"roster":{"people":[],"policies":{},"rotations":[],"tiers":[{"escalateAfter":900,"name":"Primary","person":{"contact":"","handle":"@ana","name":"Ana"}}]},"rules":{"errorRate":{"sev1":0.2,"sev2":0.1,"sev3":0.05},"latency":{"sev1":10,"sev2":5,"sev3":3},"latencyMetric":"latency_avg"},"service":"checkout","sources":[{"interval":5,"kind":"health","name":"api"},{"interval":15,"kind":"scrape","name":"metrics"},{"interval":15,"kind":"prometheus","name":"prom"},{"alwaysReporting":true,"interval":30,"kind":"alertmanager","name":"alerts","staleAfter":120},{"interval":5,"name":"legacy"}],"startedBy":"ana"}}}
        """#

    @Test("an old sessionStarted decodes into typed mode and kinds, and encodes back to the same JSON")
    func oldSessionStarted() throws {
        let data = Data(Self.oldSession.utf8)
        let event = try JournalJSON.decoder.decode(Event.self, from: data)
        guard case .sessionStarted(let info) = event else {
            Issue.record("not a session: \(event)")
            return
        }
        #expect(info.mode == .demo)
        #expect(info.sources.map(\.kind) == [.health, .scrape, .prometheus, .alertmanager, nil])
        #expect(info.sources.map(\.reportsSamples) == [true, true, true, false, true])
        let again = try JournalJSON.encoder.encode(event)
        let before = try JSONSerialization.jsonObject(with: data) as? NSDictionary
        let after = try JSONSerialization.jsonObject(with: again) as? NSDictionary
        #expect(before != nil && before == after)
        #expect(String(decoding: again, as: UTF8.self).contains(#""mode":"demo""#))
    }

    @Test("a mode or kind this build does not know is kept as recorded, not an undecodable event")
    func unknownNames() throws {
        let text = Self.oldSession
            .replacingOccurrences(of: #""mode":"demo""#, with: #""mode":"rehearsal""#)
            .replacingOccurrences(of: #""kind":"health""#, with: #""kind":"otlp""#)
        let event = try JournalJSON.decoder.decode(Event.self, from: Data(text.utf8))
        guard case .sessionStarted(let info) = event else {
            Issue.record("not a session")
            return
        }
        #expect(info.mode == .other("rehearsal"))
        #expect(info.mode.text == "rehearsal")
        #expect(info.sources[0].kind == .other("otlp"))
        #expect(info.sources[0].reportsSamples)
        #expect(String(decoding: try JournalJSON.encoder.encode(event), as: UTF8.self).contains(#""kind":"otlp""#))
        for mode in [SessionMode.demo, .run] {
            #expect(SessionMode(recorded: mode.recordedName) == mode)
        }
        for kind in [SourceKind.health, .scrape, .prometheus, .alertmanager] {
            #expect(SourceKind(recorded: kind.recordedName) == kind)
        }
    }
}
