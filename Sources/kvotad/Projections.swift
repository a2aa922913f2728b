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
            let clock = ContinuousClock()
            let start = clock.now
            let result = try await options.withStore { store, _ in try await store.rebuildProjections() }
            let through = result.position < 0 ? "an empty log" : "positions 0...\(result.position)"
            print("rebuilt the quota projections from \(through): \(result.rows) rows in \(clock.now - start)")
        }
    }
}
