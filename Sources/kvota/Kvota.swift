import ArgumentParser
import Foundation
import KvotaClient
import KvotaCore

/// `kvota`: the offline-first client for regional offices, ministry staff and auditors.
@main
struct Kvota: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kvota",
        abstract: "Kvota's offline-first client for regional offices, ministry staff and auditors.",
        discussion: """
            Events are recorded offline in a local journal, checked at once by the same rules the \
            server runs against the last synced state, and sent by `kvota sync`. Settings live under \
            $XDG_CONFIG_HOME/kvota, journals under $XDG_DATA_HOME/kvota (or both under $KVOTA_HOME).
            Exit status: 0 done, 1 error, 2 bad input or usage, 3 refused by the quota rules, 4 server unreachable \
            or failing, 5 the history does not verify.
            """,
        version: KvotaVersion.string,
        subcommands: [
            Init.self, Profiles.self, Status.self, Sync.self, QuotaGroup.self, ApplicationGroup.self, PermitGroup.self,
            ReallocationGroup.self, CeilingGroup.self, AllocationGroup.self, EmployerGroup.self, Import.self,
            Conflicts.self, AuditGroup.self,
        ])
}

/// The profile every command works with.
struct ProfileOptions: ParsableArguments {
    @Option(name: .long, help: "The profile to use (default: $KVOTA_PROFILE, else the default profile).")
    var profile: String?

    var paths: ClientPaths { ClientPaths.fromEnvironment() }

    var name: String? {
        profile ?? ProcessInfo.processInfo.environment["KVOTA_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func load() throws -> Profile {
        try kvotaRun { () throws(ClientError) in try ProfileStore(paths: paths).load(name) }
    }

    /// The profile and its journal.
    func open() throws -> (Profile, Journal) {
        try kvotaRun { () throws(ClientError) in
            let profile = try ProfileStore(paths: paths).load(name)
            return (profile, try Journal(path: paths.journalFile(profile: profile.name).path))
        }
    }
}

/// Runs client code, turning its errors into a message on stderr and the documented exit status.
func kvotaRun<T>(_ body: () throws(ClientError) -> T) throws -> T {
    do { return try body() } catch { throw fail(error) }
}

func runAsync<T>(_ body: () async throws(ClientError) -> T) async throws -> T {
    do { return try await body() } catch { throw fail(error) }
}

func fail(_ error: ClientError) -> ExitCode {
    FileHandle.standardError.write(Data("kvota: \(error.description)\n".utf8))
    switch error.kind {
    case .refused: return ExitCode(3)
    case .server: return ExitCode(4)
    case .audit: return ExitCode(5)
    case .invalidInput: return ExitCode(2)
    default: return ExitCode(1)
    }
}

func printJSON(_ value: JSONValue) { print(CanonicalJSON.string(value)) }

/// Whether stderr is a terminal (progress bars only there).
var stderrIsTerminal: Bool { isatty(2) == 1 }

/// A one-line progress bar on stderr, redrawn in place.
func progressBar(_ phase: String, _ done: Int, _ total: Int) {
    guard stderrIsTerminal else { return }
    let width = 30
    let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
    let filled = Int(fraction * Double(width))
    let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
    FileHandle.standardError.write(Data("\r\(phase) [\(bar)] \(done)/\(total)\u{1B}[K".utf8))
}
