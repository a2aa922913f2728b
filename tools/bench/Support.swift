import ArgumentParser
import Foundation
import KvotaStore
import Synchronization

@main
struct KvotaBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kvota-bench",
        abstract: "Kvota's benchmarks; each prints its figures beside a baseline from the same run.",
        subcommands: [
            StoreBenchmark.self, RulesBenchmark.self, HTTPBenchmark.self, DecodeBenchmark.self, DecideBenchmark.self,
            StateMemoryBenchmark.self, MerkleBenchmark.self, ClientBenchmark.self, VerifyBenchmark.self,
        ])
}

/// A shared counter handing out work items.
final class Counter: Sendable {
    private let value = Mutex(0)
    func take(below limit: Int) -> Int? {
        value.withLock { value in
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

/// Where the benchmark's databases live: a given server, or a private cluster in a temporary directory.
final class BenchCluster {
    let adminURL: String
    private let embedded: EmbeddedPostgres?
    private let directory: String?

    init(databaseURL: String?) throws {
        if let databaseURL {
            adminURL = databaseURL
            embedded = nil
            directory = nil
        } else {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kvota-bench-\(UUID().uuidString)")
                .path
            let postgres = EmbeddedPostgres(directory: dir, database: "postgres")
            print("starting a private PostgreSQL under \(dir) (fsync on)...")
            adminURL = try postgres.start()
            embedded = postgres
            directory = dir
        }
    }

    /// Drops and creates a database; returns its connection string.
    func freshDatabase(_ name: String) throws -> String {
        let admin = try RawPostgres(adminURL)
        try admin.exec("DROP DATABASE IF EXISTS \(name)")
        try admin.exec("CREATE DATABASE \(name)")
        return try ConnectionString.replacingDatabase(in: adminURL, with: name)
    }

    func stop() {
        try? embedded?.stop()
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }
}

/// Figures side by side, each with its ratio to the baseline printed after it.
struct ResultTable {
    private var rows: [(String, Int, Double, Bool)] = []

    mutating func add(_ name: String, events: Int, seconds: Double, baseline: Bool = false) {
        rows.append((name, events, seconds, baseline))
        Swift.print(
            String(format: "  %@: %d events in %.2f s = %.0f events/s", name, events, seconds, Double(events) / seconds)
        )
        fflush(nil)
    }

    /// Prints `name`'s rate as a fraction of `baseline`'s.
    func printRatio(of name: String, to baseline: String) {
        guard let row = rows.first(where: { $0.0 == name }), let base = rows.first(where: { $0.0 == baseline }) else {
            return
        }
        let ratio = (Double(row.1) / row.2) / (Double(base.1) / base.2)
        Swift.print(String(format: "  %@ / %@ = %.2f", name, baseline, ratio))
    }

    func print() {
        Swift.print("\n| measurement | events | seconds | events/s | vs baseline |")
        Swift.print("|---|---:|---:|---:|---:|")
        var section: [(String, Int, Double, Bool)] = []
        for row in rows {
            section.append(row)
            guard row.3 else { continue }
            let baseRate = Double(row.1) / row.2
            for (name, events, seconds, isBaseline) in section {
                let rate = Double(events) / seconds
                let ratio = isBaseline ? "1.00" : String(format: "%.2f", rate / baseRate)
                Swift.print(String(format: "| %@ | %d | %.2f | %.0f | %@ |", name, events, seconds, rate, ratio))
            }
            section = []
        }
    }
}
