import ArgumentParser
import Foundation
import KvotaClient
import KvotaCore

struct AuditGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the history: replay it, verify it, export it.",
        subcommands: [Replay.self, Verify.self, Export.self])

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild the quota state from the pulled log and compare it with the server's projection.",
            discussion: """
                Replays the pulled log through the quota rules up to the last event recorded at or \
                before --as-of, asks the server for its projection of the same moment, and lists \
                every difference. A region token sees only its own region's permits: usage is \
                compared for that region, ceilings and allocations for all. Exit status 5 when \
                anything differs.
                """)
        @OptionGroup var options: ProfileOptions
        @Option(help: "RFC 3339 or YYYY-MM-DD (Asia/Almaty); default: everything pulled.") var asOf: String?
        @Flag(help: "JSON for scripts.") var json = false

        func run() async throws {
            let (profile, journal) = try options.open()
            let api = ServerAPI(profile: profile)
            let report = try await runAsync { () async throws(ClientError) -> AuditReplay.Report in
                var time: Timestamp?
                if let asOf {
                    guard let parsed = Timestamp(asOf: asOf) else {
                        throw ClientError(.invalidInput, "RFC 3339 or YYYY-MM-DD", field: "--as-of")
                    }
                    time = parsed
                }
                return try await AuditReplay.run(journal, api: api, profile: profile, asOf: time)
            }
            let differences = report.differences
            if json {
                printJSON(
                    .object([
                        "events": .int(Int64(report.events)), "position": .int(report.position),
                        "quotas": .int(Int64(report.projections.count)),
                        "differences": .array(differences.map { .string($0.description) }),
                    ]))
            } else {
                for difference in differences { print("differs: \(difference)") }
                print(
                    "replayed \(report.events) events through position \(report.position): \(report.projections.count) quota(s), "
                        + (differences.isEmpty
                            ? "identical to the server's projection" : "\(differences.count) difference(s)"))
            }
            if !differences.isEmpty { throw ExitCode(5) }
        }
    }
}
