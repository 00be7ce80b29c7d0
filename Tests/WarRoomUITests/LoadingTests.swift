import Foundation
import Testing
import WarRoomCore

@testable import WarRoomUI

/// Until the journal has been read to its end, no screen says "OK", "no
/// incident" or any severity: the part not read yet may hold the open SEV-1.
@Suite("Honest while loading")
struct LoadingTests {
    static let forbidden = ["OK", "no incident", "SEV-", "✓", "resolved", "within thresholds"]

    func screens(_ showing: Showing?, now: Date) -> [(String, Grid)] {
        var out: [(String, Grid)] = []
        for (w, h) in [(80, 24), (120, 40), (200, 60)] {
            for kind in ["commander", "wallboard"] {
                var d = Dashboard(access: kind == "wallboard" ? .view : .record, timeZone: .gmt)
                d.distance = kind == "wallboard"
                out.append(("\(kind) \(w)x\(h)", d.render(showing, now: now, width: w, height: h)))
            }
        }
        return out
    }

    @Test("no frame says OK, no incident or a severity before the journal is read, at any progress, with or without a bar")
    func neverOKWhileLoading() {
        let t0 = Fixture.t0
        var cases: [(Showing?, Date)] = [(nil, t0)]
        for total: Int64? in [nil, 0, 350_000] {
            for read: Int64 in [0, 1, 175_000, 349_999] where (total.map { read <= $0 } ?? (read == 0)) {
                for elapsed in [0.0, 0.1, 0.25, 9.9] {
                    cases.append(
                        (.loading(Loading(journal: "/var/lib/warroom/launch.sqlite", read: read, total: total, startedAt: t0)), t0 + elapsed))
                }
            }
        }
        cases.append(
            (
                .loading(Loading(journal: "/j.sqlite", read: 10, total: 20, startedAt: t0, failure: "journal /j.sqlite: event 11 cannot be read")),
                t0 + 3
            ))
        for (showing, now) in cases {
            for (name, grid) in screens(showing, now: now) {
                let text = grid.text
                for word in Self.forbidden {
                    #expect(!text.contains(word), "\(name) says '\(word)' while loading \(String(describing: showing?.loading)):\n\(text)")
                }
                #expect(text.contains("LOADING journal …"), "\(name) does not say it is loading:\n\(text)")
            }
        }
        // The same journal once read: the open SEV-1 is on every screen.
        let (state, now) = Fixture.launch(fault: true)
        for (name, grid) in screens(.live(Snapshot(state: state, publishedAt: now)), now: now) {
            #expect(grid.text.contains("SEV-1"), "\(name) once live")
            #expect(!grid.text.contains("LOADING"), "\(name) once live")
        }
    }

    @Test("the loading line counts the events; the bar shows only after 200 ms and grows with the fold")
    func progressAndBar() {
        let t0 = Fixture.t0
        let d = Dashboard(timeZone: .gmt)
        let early = d.render(.loading(Loading(journal: "/j", read: 5_000, total: 20_000, startedAt: t0)), now: t0 + 0.15, width: 120, height: 40).text
        #expect(early.contains("LOADING journal … 5000 of 20000 events"))
        #expect(!early.contains("█") && !early.contains("25%"), "no bar in the first 200 ms")
        func bar(_ read: Int64) -> (filled: Int, text: String) {
            let text = d.render(.loading(Loading(journal: "/j", read: read, total: 20_000, startedAt: t0)), now: t0 + 0.3, width: 120, height: 40)
                .text
            return (text.filter { $0 == "█" }.count, text)
        }
        let quarter = bar(5_000)
        let half = bar(10_000)
        let all = bar(20_000)
        #expect(quarter.text.contains("25%") && half.text.contains("50%") && all.text.contains("100%"))
        #expect(quarter.filled > 0 && quarter.filled < half.filled && half.filled < all.filled)
        #expect(abs(half.filled * 2 - all.filled) <= 1)
        // Nothing posted yet: loading too, with no counts it does not know.
        #expect(d.render(nil, now: t0, width: 120, height: 40).text.contains("LOADING journal …"))
    }

    @Test("while loading only keys that change nothing work: q quits, rollback and notes are refused with a reason")
    func keysWhileLoading() {
        let loading = Showing.loading(Loading(journal: "/j", read: 1, total: 10, startedAt: Fixture.t0))
        var d = Dashboard(access: .command(CommandPanel(specs: [:], service: "svc", user: "ana", abortWindow: 3, dryRun: true)), timeZone: .gmt)
        for key in ["r", "n", "D", "A", "p", "L", "t", ">"] {
            #expect(d.handle(.char(Character(key)), showing: loading, now: Fixture.t0) == nil)
            #expect(d.armed == nil && d.prompt == nil, "\(key) opened something while loading")
            #expect(d.flash?.text.contains("still reading the journal") == true)
        }
        _ = d.handle(.char("?"), showing: loading, now: Fixture.t0)
        #expect(d.mode == .help)
        _ = d.handle(.char("?"), showing: loading, now: Fixture.t0)
        #expect(d.handle(.char("q"), showing: loading, now: Fixture.t0) == .quit)
    }
}
