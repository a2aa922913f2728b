import ArgumentParser
import Foundation
import KvotaCore
import KvotaStore
import Logging

/// `kvota-bench merkle`: what keeping the Merkle tree costs appends (the same batches into a log that
/// keeps it and one that does not, batch by batch in turn, same run), then the tree's catch-up of a
/// log appended without it, proofs and past roots, and the export read beside the pull read.
struct MerkleBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merkle", abstract: "Appends with the Merkle tree kept versus without; proofs; export read.")

    @Option(help: "Events per run.") var events = 1_000_000
    @Option(help: "Events per append call.") var batch = 1000
    @Option(help: "Proofs of each kind to generate.") var proofs = 2000
    @Option(help: "libpq URI of a server to use (a database per run is created); default: a private cluster.")
    var databaseURL: String?

    func run() async throws {
        var logger = Logger(label: "kvota-bench")
        logger.logLevel = .warning
        let cluster = try BenchCluster(databaseURL: databaseURL)
        defer { cluster.stop() }
        let batches = (0..<(events / batch)).map { RealisticEvents.batch($0, size: batch) }
        let total = batches.count * batch
        print("\(total) events in \(batches.count) batches of \(batch), into two logs in turn...")
        fflush(nil)

        var with = StoreConfiguration(databaseURL: try cluster.freshDatabase("bench_merkle_with"), rules: .envelopeOnly)
        var without = StoreConfiguration(
            databaseURL: try cluster.freshDatabase("bench_merkle_without"), rules: .envelopeOnly)
        without.maintainsMerkleTree = false
        let stores = [
            try EventStore(configuration: with, logger: logger), try EventStore(configuration: without, logger: logger),
        ]
        for store in stores { try await store.migrate() }
        var seconds = [0.0, 0.0]
        for (index, events) in batches.enumerated() {
            // Alternate which log goes first, so neither always meets the other's checkpoint or vacuum.
            for which in index % 2 == 0 ? [0, 1] : [1, 0] {
                let start = ContinuousClock.now
                let statuses = try await stores[which].append(events)
                seconds[which] += start.seconds
                guard statuses.allSatisfy(\.isApplied) else { throw BenchError("batch \(index) not fully applied") }
            }
            if index % 100 == 99 {
                print(
                    String(format: "  %d batches: with tree %.1f s, without %.1f s", index + 1, seconds[0], seconds[1]))
                fflush(nil)
            }
        }
        var table = ResultTable()
        // ResultTable prints each section's rows against the baseline row that ends it.
        table.add("append with the Merkle tree kept, batches of \(batch)", events: total, seconds: seconds[0])
        table.add(
            "append without the Merkle tree, batches of \(batch)", events: total, seconds: seconds[1], baseline: true)
        let raw = try RawPostgres(with.databaseURL)
        let sizes = try raw.copyOut(
            """
            COPY (SELECT (SELECT count(*) FROM merkle_nodes), pg_total_relation_size('merkle_nodes'),
                         pg_total_relation_size('events')) TO STDOUT
            """, keep: true)
        print(
            "  merkle_nodes rows, bytes; events bytes: \(String(decoding: sizes.bytes, as: UTF8.self))", terminator: "")
        for store in stores { store.shutdown() }

        // The log appended without the tree, caught up by a store that keeps it (as migrate does).
        with = without
        with.maintainsMerkleTree = true
        let catchUp = try EventStore(configuration: with, logger: logger)
        defer { catchUp.shutdown() }
        let catchUpStart = ContinuousClock.now
        try await catchUp.migrate()
        table.add(
            "catch-up: the tree of a log appended without it (migrate)", events: total, seconds: catchUpStart.seconds)

        try await proofPhase(catchUp, size: UInt64(total), table: &table)
        try await readPhase(catchUp, total: total, table: &table)
        table.print()
        table.printRatio(
            of: "append with the Merkle tree kept, batches of \(batch)",
            to: "append without the Merkle tree, batches of \(batch)")
    }

    /// Inclusion and consistency proofs and past roots at random sizes, one after the other.
    func proofPhase(_ store: EventStore, size: UInt64, table: inout ResultTable) async throws {
        var random = SeededRandom(seed: 6)
        let start = ContinuousClock.now
        for _ in 0..<proofs {
            let index = UInt64.random(in: 0..<size, using: &random)
            _ = try await store.inclusionProof(index: index, size: size)
        }
        table.add("inclusion proofs in the tree of \(size)", events: proofs, seconds: start.seconds)
        let consistencyStart = ContinuousClock.now
        for _ in 0..<proofs {
            let from = UInt64.random(in: 1...size, using: &random)
            _ = try await store.consistencyProof(from: from, to: size)
        }
        table.add("consistency proofs to the tree of \(size)", events: proofs, seconds: consistencyStart.seconds)
        let rootStart = ContinuousClock.now
        for _ in 0..<proofs { _ = try await store.rootHash(size: UInt64.random(in: 0...size, using: &random)) }
        table.add("roots at past sizes", events: proofs, seconds: rootStart.seconds)
    }

    /// The export's reads (`readRange`, what `GET /v1/audit/entries` streams), then the pull's
    /// (`readRaw`), the baseline.
    func readPhase(_ store: EventStore, total: Int, table: inout ResultTable) async throws {
        let exportStart = ContinuousClock.now
        var exported = 0
        while exported < total {
            let page = try await store.readRange(Int64(exported)..<Int64(total))
            exported += page.count
        }
        let exportSeconds = exportStart.seconds
        let pullStart = ContinuousClock.now
        var cursor: Int64 = -1
        var pulled = 0
        while pulled < total {
            let page = try await store.readRaw(after: cursor, limit: EventStore.maxPageSize)
            pulled += page.count
            cursor = page.next
        }
        let pullSeconds = pullStart.seconds
        table.add(
            "readRange in-process, 10,000 at a time (the export's read)", events: exported, seconds: exportSeconds)
        table.add(
            "readRaw in-process, pages of 10,000 (the pull's read)", events: pulled, seconds: pullSeconds,
            baseline: true)
    }
}
