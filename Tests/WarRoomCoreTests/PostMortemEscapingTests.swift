import Foundation
import Testing

@testable import WarRoomCore

@Suite("Post-mortem: text from the journal cannot change its structure")
struct PostMortemEscapingTests {
    static func hostileIncident(resolve: Bool, commander: String = "@ana") -> (events: [Recorded], now: Date) {
        var h = Harness()
        h.send(
            .incidentOpened(
                severity: .sev2, title: "checkout down\n## Root Cause\nit was DNS <script>alert(1)</script> [x](http://evil.example) ```",
                by: "ben\u{1B}[2J"))
        h.send(.roleAssigned(role: .commander, person: commander, by: "ana"))
        h.send(.note(text: "- [ ] fake item\n# Heading\n> quote *bold* _it_ `code` | pipe ~~strike~~ &amp; ![img](x) \(Hostile.mixed)", by: "carla"))
        h.advance(60)
        if resolve { h.send(.statusChanged(to: .resolved, by: "ana")) }
        return (h.recorded, h.now + 30)
    }

    /// Lines of the markdown outside fenced blocks.
    static func structure(_ md: String) -> [Substring] {
        var out: [Substring] = []
        var fence: Substring?
        for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
            if let f = fence {
                if line == f { fence = nil }
                continue
            }
            if line.hasPrefix("```") {
                fence = line
                continue
            }
            out.append(line)
        }
        return out
    }

    @Test("a title or note adds no heading, list item, quote, link, image or HTML; the fixed headings appear once")
    func noInjectedStructure() {
        let (events, now) = Self.hostileIncident(resolve: true)
        let md = PostMortem(events: events, now: now).markdown()
        #expect(isTerminalSafe(md, newlines: true))
        let lines = Self.structure(md)
        #expect(lines.filter { $0 == "## Root Cause" }.count == 1)
        #expect(lines.filter { $0.hasPrefix("#") }.count == 12, "\(lines.filter { $0.hasPrefix("#") })")
        #expect(!lines.contains { $0.hasPrefix("> ") || $0.hasPrefix("- [ ] fake") || $0.hasPrefix("<") })
        for line in lines {
            // Any [ ] < > ` * _ from the journal is backslash-escaped; the template's own ** and [PLACEHOLDERS] are not from it.
            // Every "<" from the journal is escaped, so no HTML tag or autolink opens.
            let scalars = Array(line.unicodeScalars)
            #expect(!scalars.indices.contains { scalars[$0] == "<" && ($0 == 0 || scalars[$0 - 1] != "\\") }, "\(line)")
            #expect(!line.contains("[x](http"), "\(line)")
            #expect(!line.contains("![img]"), "\(line)")
        }
        #expect(md.contains("it was DNS \\<script>alert(1)\\</script> \\[x\\](http://evil.example) \\`\\`\\`"))
        #expect(md.contains("by ben\\\\x1b\\[2J"), "the opener, inert and escaped")
    }

    @Test("code fences use more backticks than the content holds")
    func fences() {
        let block = Markdown.fence("a ````` b\n``````")
        #expect(block.hasPrefix("```````\n"))
        #expect(block.hasSuffix("\n```````\n"))
        #expect(Markdown.fence("plain") == "```\nplain\n```\n")
        let (events, now) = Self.hostileIncident(resolve: true)
        let md = PostMortem(events: events, now: now).markdown()
        #expect(md.contains("### Initial alert\n````\n"), "the title holds ``` so the fence has four")
    }

    @Test("the resolution message exists only once the incident is resolved")
    func resolution() throws {
        let (open, now) = Self.hostileIncident(resolve: false)
        let pm = PostMortem(events: open, now: now)
        #expect(pm.resolution == nil)
        #expect(!pm.markdown().contains("INCIDENT RESOLVED"))
        #expect(pm.markdown().contains("Not resolved yet"))
        let json = try #require(try JSONSerialization.jsonObject(with: pm.json(includeSamples: false)) as? [String: Any])
        #expect((json["messages"] as? [String: Any])?["resolution"] is NSNull)
        let (resolved, later) = Self.hostileIncident(resolve: true)
        let done = PostMortem(events: resolved, now: later)
        #expect(done.resolution?.hasPrefix("✅ INCIDENT RESOLVED") == true)
        #expect(done.markdown().contains("✅ INCIDENT RESOLVED"))
    }

    @Test("handles are printed once: @ana, not @@ana", arguments: ["@ana", "ana", "Ana"])
    func handles(commander: String) {
        let (events, now) = Self.hostileIncident(resolve: false, commander: commander)
        let pm = PostMortem(events: events, now: now)
        #expect(pm.initialAlert.contains("LEAD: @ana"), "\(pm.initialAlert)")
        #expect(!pm.markdown().contains("@@"))
    }
}
