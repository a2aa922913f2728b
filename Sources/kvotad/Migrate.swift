import ArgumentParser
import KvotaStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations and exit.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let report = try await options.withStore { _, report in report }
        print(
            report.applied.isEmpty
                ? "schema is current at version \(report.version)"
                : "applied \(report.applied.joined(separator: ", ")); schema at version \(report.version)")
    }
}
