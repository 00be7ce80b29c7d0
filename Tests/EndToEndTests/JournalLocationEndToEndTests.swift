import Foundation
import Testing
import WarRoomTestSupport

@Suite("A journal URL is refused with a clear error, never taken for a file path")
struct JournalLocationEndToEndTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/runbook-launch.yaml").path

    @Test(
        "every command that takes --journal refuses postgres:// with exit 2, creates no folder named postgres: and never shows the password",
        arguments: [
            ["status"], ["export"], ["note", "db failover started"], ["ack"], ["replay"], ["wallboard"], ["screenshot"],
            ["run", "--config", Self.examples], ["demo"],
        ])
    func refused(_ command: [String]) throws {
        let binary = try warroomBinary()
        let folder = (temporaryPath("cwd") as NSString).deletingLastPathComponent
        let url = "postgres://ana:hunter2-secret@db.example:5432/launches?warroom=checkout"
        var argv = [binary, command[0], "--journal", url]
        argv += command.dropFirst()
        let quoted = argv.map { "'\($0)'" }.joined(separator: " ")
        let (status, output) = try spawn(["/bin/sh", "-c", "cd '\(folder)' && \(quoted) 2>&1 </dev/null"])
        #expect(status == 2, "\(command[0]): \(output)")
        #expect(output.contains("a PostgreSQL journal is not built yet"), "\(command[0]): \(output)")
        #expect(output.contains("postgres://ana:***@db.example:5432/launches"), "\(command[0]): \(output)")
        #expect(!output.contains("hunter2"), "\(command[0]) showed the password: \(output)")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(!left.contains { $0.hasPrefix("postgres") }, "\(command[0]) created \(left)")
    }
}
