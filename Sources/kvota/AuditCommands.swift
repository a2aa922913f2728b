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
            let (replay, differences) = try await runAsync {
                () async throws(ClientError) -> (
                    (projections: [QuotaKey: QuotaProjection], position: Int64, events: Int), [AuditReplay.Difference]
                ) in
                var time: Timestamp?
                if let asOf {
                    guard let parsed = Timestamp(asOf: asOf) else {
                        throw ClientError(.invalidInput, "RFC 3339 or YYYY-MM-DD", field: "--as-of")
                    }
                    time = parsed
                }
                let replay = try AuditReplay.projections(journal, asOf: time)
                let regions: Set<Region>? =
                    profile.role == .region
                    ? Set([profile.region.flatMap(Region.init(rawValue:))].compactMap { $0 }) : nil
                var differences: [AuditReplay.Difference] = []
                for key in replay.projections.keys.sorted() {
                    let query = time.map { "asOf=\($0.rfc3339)" } ?? "atPosition=\(replay.position)"
                    let body = try await api.quota(year: key.year, line: key.line.rawValue, query: query)
                    let server: QuotaProjection
                    do { server = try QuotaProjection(json: body) } catch {
                        throw ClientError(.server, "the server's projection cannot be read: \(error)")
                    }
                    differences += AuditReplay.compare(replay.projections[key]!, server, regions: regions)
                }
                return (replay, differences)
            }
            if json {
                printJSON(
                    .object([
                        "events": .int(Int64(replay.events)), "position": .int(replay.position),
                        "quotas": .int(Int64(replay.projections.count)),
                        "differences": .array(differences.map { .string($0.description) }),
                    ]))
            } else {
                for difference in differences { print("differs: \(difference)") }
                print(
                    "replayed \(replay.events) events through position \(replay.position): \(replay.projections.count) quota(s), "
                        + (differences.isEmpty
                            ? "identical to the server's projection" : "\(differences.count) difference(s)"))
            }
            if !differences.isEmpty { throw ExitCode(5) }
        }
    }
}
