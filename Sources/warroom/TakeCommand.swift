import ArgumentParser
import Foundation
import WarRoomCore
import WarRoomRuntime

/// Becoming the commander of a journal's war room (`run`, `demo`): its
/// folder private (0700), then the lease, or a clear refusal naming who
/// holds it (exit 2).
enum TakeCommand {
    static func lease(journal: String, options: JournalOptions) async throws -> SQLiteCommanderLease {
        let me = CommanderIdentity.thisProcess(user: currentUser())
        do {
            if let reason = options.takeOverReason {
                if let problem = NoteRules.problem(with: reason) {
                    warn("warroom: --reason: \(problem.text)")
                    throw ExitCode(2)
                }
                return try await SQLiteCommanderLease.takeOver(journal: journal, as: me, reason: reason) { holder in
                    warn(
                        "warroom: asked \(holder?.text ?? "the commander") for command; waiting until they grant it (their dashboard shows your request) or their warroom stops. Ctrl-C gives up."
                    )
                }
            }
            return try SQLiteCommanderLease.acquire(journal: journal, as: me)
        } catch let refusal as LeaseRefusal {
            warn("warroom: \(refusal)")
            throw ExitCode(2)
        }
    }

    /// The journal's folder, created private (0700) when missing.
    static func prepareFolder(journal: String) throws {
        do { _ = try JournalLocation.filePath(journal) } catch {
            warn("warroom: \(error)")
            throw ExitCode(2)
        }
        let dir = (journal as NSString).deletingLastPathComponent
        guard !dir.isEmpty else { return }
        do { try PrivateDirectory.create(dir) } catch {
            warn("warroom: journal \(journal): cannot create its folder: \(error)")
            throw ExitCode(2)
        }
    }
}
