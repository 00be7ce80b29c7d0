import Foundation
import Testing
import WarRoomCore

@testable import WarRoomRuntime

@Suite("retention: in the config")
struct RetentionConfigTests {
    let head = """
        service: api
        sources:
          - {name: h, kind: health, url: "http://localhost:1/health"}

        """

    @Test("left out: an hour in full, 10 s for a day, 1 min for 30 days")
    func defaults() throws {
        let config = try ConfigLoader.parse(head, file: "w.yaml")
        #expect(config.retention == .standard)
        #expect(config.retention.full == 3600)
        #expect(config.retention.tiers == [SampleRetention.Tier(every: 10, until: 86_400), SampleRetention.Tier(every: 60, until: 2_592_000)])
    }

    @Test("set: what it says")
    func configured() throws {
        let config = try ConfigLoader.parse(
            head + """
                retention:
                  full: 2h
                  downsample:
                    - {every: 30s, until: 2d}
                    - {every: 5m, until: 90d}
                """, file: "w.yaml")
        #expect(
            config.retention
                == SampleRetention(
                    full: 7200, tiers: [SampleRetention.Tier(every: 30, until: 172_800), SampleRetention.Tier(every: 300, until: 7_776_000)]))
    }

    /// The errors loading `yaml` gives, as printed.
    func problems(_ yaml: String) -> [String] {
        do {
            _ = try ConfigLoader.parse(head + yaml, file: "w.yaml")
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test("mistakes name the file, line and field")
    func errors() throws {
        let text = problems(
            """
            retention:
              full: soon
              downsample:
                - {every: 10s, until: 30m}
                - {every: 15s, until: 2d, keep: 1}
              compress: yes
            """)
        let has = { (line: Int, what: String) in text.contains { $0.hasPrefix("w.yaml:\(line):") && $0.contains(what) } }
        #expect(has(5, "retention.full: expected a positive duration"), "\(text)")
        #expect(has(8, "retention.downsample[1].keep: unknown key"), "\(text)")
        #expect(has(8, "retention.downsample[1].every: must be a whole multiple"), "\(text)")
        #expect(has(9, "retention.compress: unknown key"), "\(text)")
        let early = problems(
            """
            retention:
              full: 1h
              downsample:
                - {every: 10s, until: 30m}
            """)
        #expect(early.contains { $0.hasPrefix("w.yaml:7:") && $0.contains("retention.downsample[0].until: must be longer") }, "\(early)")
    }
}
