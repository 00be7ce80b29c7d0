import Foundation
import Testing
import WarRoomCore

@testable import WarRoomUI

@Suite("Time zone names on screen")
struct ZoneNameTests {
    @Test("the header's zone name, cached per zone and offset, is what the zone says at that moment: summer and winter alternate")
    func cachedPerOffset() throws {
        let january = Date(timeIntervalSince1970: 1_800_000_000 - 200 * 86_400)
        let july = Date(timeIntervalSince1970: 1_800_000_000)
        let zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC", "Asia/Kolkata"].compactMap(TimeZone.init(identifier:))
        #expect(zones.count == 5)
        for _ in 0 ..< 3 {
            for zone in zones {
                for date in [january, july] {
                    let context = ViewContext(state: WarRoomState(), now: date, timeZone: zone)
                    #expect(context.localZoneName == (zone.abbreviation(for: date) ?? zone.identifier), "\(zone.identifier) at \(date)")
                }
            }
        }
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        #expect(
            ViewContext(state: WarRoomState(), now: january, timeZone: berlin).localZoneName
                != ViewContext(state: WarRoomState(), now: july, timeZone: berlin).localZoneName, "summer time has its own name")
    }
}
