import ArgumentParser
import Foundation
import KvotaCore
import KvotaStore
import Logging

/// `kvota-bench store`: the event log's append and read rates beside raw PostgreSQL COPY of the same
/// rows into a plain table with the same columns and indexes (no triggers, no checks), same run.
struct StoreBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Append and read-back throughput of the event log versus raw COPY.")

    @Option(help: "Events per run.") var events = 1_000_000
    @Option(help: "Events per append call.") var batch = 1000
    @Option(help: "Concurrent writers, comma-separated.") var writers = "1,4,16"
    @Option(help: "libpq URI of a server to use (a database per run is created); default: a private cluster.")
    var databaseURL: String?

    func run() async throws {
        let writerCounts = writers.split(separator: ",").compactMap { Int($0) }
        var logger = Logger(label: "kvota-bench")
        logger.logLevel = .warning
        let cluster = try BenchCluster(databaseURL: databaseURL)
        defer { cluster.stop() }
        let batches = events / batch
        print("generating \(batches * batch) events in \(batches) batches of \(batch)...")
        let generated = (0..<batches).map { RealisticEvents.batch($0, size: batch) }
        let sample = generated[0].prefix(100).map { CanonicalJSON.encode(.object($0.data)).count }
        print(
            "average payload \(sample.reduce(0, +) / sample.count) bytes; stored body about 250 bytes more (meta, envelope)"
        )

        var table = ResultTable()
        var firstDatabase: String?
        for count in writerCounts {
            let url = try cluster.freshDatabase("bench_append_\(count)")
            firstDatabase = firstDatabase ?? url
            let store = try EventStore(
                configuration: StoreConfiguration(databaseURL: url, rules: .envelopeOnly), logger: logger)
            try await store.migrate()
            let seconds = try await Self.append(generated, store: store, writers: count)
            store.shutdown()
            table.add(
                "store append, \(count) writer\(count == 1 ? "" : "s"), batches of \(batch)", events: batches * batch,
                seconds: seconds)
        }
        guard let source = firstDatabase else { return }

        // Baseline: the same rows, raw COPY into a table with the same columns and indexes.
        let raw = try RawPostgres(source)
        let columns = "position, event_id, stream, version, type, region, recorded_at, body, leaf_hash"
        let chunks = try (0..<batches).map { index in
            try raw.copyOut(
                "COPY (SELECT \(columns) FROM events WHERE position >= \(index * batch) AND position < \((index + 1) * batch) ORDER BY position) TO STDOUT (FORMAT binary)",
                keep: true
            ).bytes
        }
        let baselineURL = try cluster.freshDatabase("bench_copy")
        let baseline = try RawPostgres(baselineURL)
        try baseline.exec("CREATE TABLE events_copy (\(Self.plainTable))")
        let copyStart = ContinuousClock.now
        for chunk in chunks {
            try baseline.exec("BEGIN")
            try baseline.copyIn("COPY events_copy (\(columns)) FROM STDIN (FORMAT binary)", chunk)
            try baseline.exec("COMMIT")
        }
        table.add(
            "baseline: raw COPY, one transaction per \(batch) rows", events: batches * batch,
            seconds: copyStart.seconds, baseline: true)

        // Reads: decoded pages through the store versus COPY ... TO STDOUT.
        let copyOutStart = ContinuousClock.now
        let copied = try raw.copyOut("COPY (SELECT \(columns) FROM events ORDER BY position) TO STDOUT", keep: false)
        let copyOutSeconds = copyOutStart.seconds
        let store = try EventStore(
            configuration: StoreConfiguration(databaseURL: source, rules: .envelopeOnly), logger: logger)
        let readStart = ContinuousClock.now
        var read = 0
        for try await page in store.scan() { read += page.count }
        let readSeconds = readStart.seconds
        store.shutdown()
        table.add("store read all, decoded (scan: pages of 10,000, one read ahead)", events: read, seconds: readSeconds)
        table.add(
            "baseline: COPY (SELECT ... ORDER BY position) TO STDOUT", events: copied.rows, seconds: copyOutSeconds,
            baseline: true)
        table.print()
    }

    /// The events table's columns and indexes, without its triggers and checks.
    static let plainTable = """
        position bigint PRIMARY KEY, event_id uuid NOT NULL UNIQUE, stream text NOT NULL, version bigint NOT NULL,
        type text NOT NULL, region text, recorded_at timestamptz NOT NULL, body text NOT NULL, leaf_hash bytea NOT NULL,
        UNIQUE (stream, version)
        """

    static func append(_ batches: [[ProposedEvent]], store: EventStore, writers: Int) async throws -> Double {
        let next = Counter()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<writers {
                group.addTask {
                    while let index = next.take(below: batches.count) {
                        let statuses = try await store.append(batches[index])
                        guard statuses.allSatisfy(\.isApplied) else {
                            throw BenchError("batch \(index) not fully applied: \(statuses.first { !$0.isApplied }!)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return start.seconds
    }
}

extension ContinuousClock.Instant {
    /// Seconds since this instant.
    var seconds: Double { (ContinuousClock.now - self).seconds }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
