import Foundation
import Testing
import WarRoomCore

@testable import WarRoomUI

@Suite("Commander on screen")
struct CommanderViewTests {
    let ben = CommanderIdentity(user: "ben", host: "laptop", pid: 4242, startedAt: Date(timeIntervalSince1970: 1_800_000_000))

    @Test("a take-over request shows on the commander's footer; H grants it; without one H only explains")
    func takeOverRequest() {
        let (state, now) = Fixture.launch()
        var d = Dashboard(access: .record, timeZone: .gmt)
        #expect(d.handle(.char("H"), state: state, now: now) == nil)
        #expect(d.flash?.text.contains("nobody is asking for command") == true)
        d.flash = nil
        d.takeOverRequest = TakeOverRequest(by: ben, reason: "shift change", at: now)
        let grid = d.render(Snapshot(state: state, publishedAt: now), now: now, width: 160, height: 48)
        let footer = grid.text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(footer.contains("ben@laptop (pid 4242) asks for command: shift change"), "\(footer)")
        #expect(footer.contains("H hands it over"))
        #expect(d.handle(.char("H"), state: state, now: now) == .handOver)
    }

    @Test("a read-only screen never hands over")
    func readOnlyNeverHandsOver() {
        let (state, now) = Fixture.launch()
        var d = Dashboard(access: .view, timeZone: .gmt)
        d.takeOverRequest = TakeOverRequest(by: ben, reason: "x", at: now)
        #expect(d.handle(.char("H"), state: state, now: now) == nil)
    }

    @Test("a wallboard says NO COMMANDER in the header and footer once nobody has commanded for 10 s")
    func noCommander() {
        let (state, now) = Fixture.launch()
        var d = Dashboard(access: .view, timeZone: .gmt)
        d.distance = true
        let since = now - 9
        let snapshot = Snapshot(state: state, publishedAt: now, label: "READ-ONLY", commander: .absent(last: ben, since: since))
        #expect(!d.render(snapshot, now: now, width: 160, height: 48).text.contains("NO COMMANDER"))
        let later = d.render(snapshot, now: now + 1, width: 160, height: 48).text.split(separator: "\n").map(String.init)
        #expect(later.first?.contains("✖ NO COMMANDER since \(Format.wallTime(since))") == true, "\(later.first ?? "")")
        #expect(later.last?.contains("NO COMMANDER since") == true)
        let present = Snapshot(state: state, publishedAt: now, label: "READ-ONLY", commander: .commanding(ben, heartbeat: now))
        #expect(!d.render(present, now: now + 100, width: 160, height: 48).text.contains("NO COMMANDER"))
    }
}
