import ArgumentParser
import KvotaStore

struct Projections: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Maintain the quota projections.", subcommands: [Rebuild.self])

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild the quota projection tables from the log alone (same result as the inline ones).")

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let configuration = try options.configuration()
            let logger = try options.makeLogger()
            let database = try DatabaseTarget.resolve(configuration, logger: logger)
            defer { try? database.embedded?.stop() }
            let store = try EventStore(
                configuration: configuration.storeConfiguration(databaseURL: database.url), logger: logger)
            defer { store.shutdown() }
            try await store.migrate()
            let clock = ContinuousClock()
            let start = clock.now
            let result = try await store.rebuildProjections()
            print(
                "rebuilt the quota projections from positions 0...\(result.position): \(result.rows) rows in \(clock.now - start)"
            )
        }
    }
}
