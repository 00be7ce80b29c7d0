import Testing

@testable import WarRoomRuntime

@Suite("Where --journal points")
struct JournalLocationTests {
    @Test("a path is a path, however odd; a URL of any scheme is refused, its password never shown")
    func locations() throws {
        for path in ["j.sqlite", "/var/lib/warroom/launch.sqlite", "./a:b.sqlite", "./dir://x", "1http://x"] {
            #expect(try JournalLocation.filePath(path) == path)
        }
        #expect(throws: JournalError.self) { try JournalLocation.filePath("postgres://db/wr") }
        #expect(throws: JournalError.self) { try JournalLocation.filePath("POSTGRESQL://u@db/wr") }
        do {
            _ = try JournalLocation.filePath("postgres://ana:s3cret:x@db:5432/wr?warroom=checkout")
            Issue.record("a URL was taken for a path")
        } catch {
            #expect(
                "\(error)"
                    == "journal postgres://ana:***@db:5432/wr?warroom=checkout: a PostgreSQL journal is not built yet (one war room across machines comes later); give a file path for a SQLite journal"
            )
        }
        do {
            _ = try JournalLocation.filePath("mysql://root:pw@db/wr")
            Issue.record("a URL was taken for a path")
        } catch {
            #expect("\(error)".hasPrefix("journal mysql://root:***@db/wr: mysql:// is not a kind of journal"))
        }
        #expect(JournalLocation.redacted("postgres://ana@db/wr") == "postgres://ana@db/wr")
        #expect(JournalLocation.redacted("postgres://db/x@y:z") == "postgres://db/x@y:z", "an @ after the host is not a user")
    }
}
