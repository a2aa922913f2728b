import ArgumentParser
import KvotaStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations and exit.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let configuration = try options.configuration()
        let logger = try options.makeLogger()
        let database = try DatabaseTarget.resolve(configuration, logger: logger)
        defer { try? database.embedded?.stop() }
        let store = try EventStore(configuration: StoreConfiguration(databaseURL: database.url), logger: logger)
        defer { store.shutdown() }
        let report = try await store.migrate()
        print(
            report.applied.isEmpty
                ? "schema is current at version \(report.version)"
                : "applied \(report.applied.joined(separator: ", ")); schema at version \(report.version)")
    }
}
