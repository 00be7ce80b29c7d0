import Foundation
import Testing
import WarRoomCore
@testable import WarRoomUI

/// Whole-screen snapshots, kept beside the tests as text. Re-record with
/// WARROOM_RECORD_SNAPSHOTS=1 swift test --filter SnapshotTests
@Suite("Screen snapshots")
struct SnapshotTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    func check(_ name: String, width: Int, height: Int, fault: Bool) throws {
        let (state, now) = Fixture.launch(fault: fault)
        let grid = Dashboard(timeZone: .gmt).render(Snapshot(state: state, publishedAt: now), now: now, width: width, height: height)
        let text = grid.text + "\n"
        let file = Self.folder.appendingPathComponent("\(name).txt")
        if ProcessInfo.processInfo.environment["WARROOM_RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(text == expected, "screen differs from \(file.path); re-record with WARROOM_RECORD_SNAPSHOTS=1 if intended")
    }

    @Test func healthy80x24() throws { try check("healthy-80x24", width: 80, height: 24, fault: false) }
    @Test func sev1at80x24() throws { try check("sev1-80x24", width: 80, height: 24, fault: true) }
    @Test func healthy200x60() throws { try check("healthy-200x60", width: 200, height: 60, fault: false) }
    @Test func sev1at200x60() throws { try check("sev1-200x60", width: 200, height: 60, fault: true) }
}
