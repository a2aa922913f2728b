import ArgumentParser
import Foundation
import KvotaCore
import KvotaServer
import KvotaStore

/// `kvotad quota`: the quota picture on the server host, now or at a past time or position.
struct QuotaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quota",
        abstract: "Show the quota picture of a year and line: now, as of a time, or at a position.")

    @OptionGroup var options: CommonOptions

    @Option(help: "Year (default: the current year in Asia/Almaty).") var year: Int64?
    @Option(help: "foreign-labour or household-immigrant.") var line = "foreign-labour"
    @Option(help: "RFC 3339 time or YYYY-MM-DD (the start of that day in Asia/Almaty).") var asOf: String?
    @Option(help: "A log position.") var atPosition: Int64?
    @Flag(help: "Print the contract's JSON instead of a table.") var json = false

    func run() async throws {
        guard let line = QuotaLine(rawValue: line) else {
            throw ValidationError("--line must be foreign-labour or household-immigrant")
        }
        let text = try await options.withStore { store, _ in try await picture(store, line) }
        print(text)
    }

    private func picture(_ store: EventStore, _ line: QuotaLine) async throws -> String {
        let now = Timestamp(microsecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1_000_000))
        let key = QuotaKey(year: year ?? CalendarDate(almatyDayOf: now).year, line: line)
        let projection: QuotaProjection
        if let atPosition {
            projection = try await store.quotaProjection(key, atPosition: atPosition)
        } else if let asOf {
            guard let time = Timestamp(asOf: asOf) else {
                throw ValidationError("--as-of must be an RFC 3339 time or a date YYYY-MM-DD")
            }
            projection = try await store.quotaProjection(key, asOf: time)
        } else {
            projection = try await store.quotaProjection(key)
        }
        return json ? CanonicalJSON.string(projection.json) : QuotaTable(projection).text
    }
}
