import Foundation
import KvotaAudit
import KvotaCore
import Testing

@testable import KvotaStore

@Suite("The Merkle tree kept by appends")
struct MerkleStoreTests {
    /// The leaf hashes of the whole log, in position order.
    static func leaves(_ store: EventStore) async throws -> [TreeHash] {
        try await readAll(store).map { try #require(TreeHash($0.leafHash)) }
    }

    /// The stored perfect subtrees (level ≥ 1), by address.
    static func storedNodes(_ store: EventStore) throws -> [NodeAddress: TreeHash] {
        let connection = try PGConnection(conninfo: store.configuration.databaseURL)
        let rows = try connection.query("SELECT level, index, hash FROM merkle_nodes")
        var nodes: [NodeAddress: TreeHash] = [:]
        for row in 0..<rows.rowCount {
            nodes[NodeAddress(level: Int(rows.int64(row, 0)), index: UInt64(rows.int64(row, 1)))] = TreeHash(
                rows.bytes(row, 2))
        }
        return nodes
    }

    /// Every perfect subtree at level ≥ 1 of the in-memory tree, by address.
    static func expectedNodes(_ tree: InMemoryMerkleTree) -> [NodeAddress: TreeHash] {
        var nodes: [NodeAddress: TreeHash] = [:]
        for (level, hashes) in tree.levels.enumerated() where level > 0 {
            for (index, hash) in hashes.enumerated() { nodes[NodeAddress(level: level, index: UInt64(index))] = hash }
        }
        return nodes
    }

    /// Checks the store's tree against an in-memory tree over the log's leaves: head, nodes, past roots,
    /// and proofs (which also verify with KvotaAudit's verifier).
    static func expectSameTree(_ store: EventStore, sizes: some Sequence<UInt64>) async throws {
        let tree = InMemoryMerkleTree(leaves: try await leaves(store))
        let head = try await store.treeHead()
        #expect(head.size == tree.size)
        #expect(head.rootHash == (try tree.root(size: tree.size)))
        #expect(try storedNodes(store) == expectedNodes(tree))
        for size in sizes where size <= tree.size {
            let root = try await store.rootHash(size: size)
            #expect(root == (try tree.root(size: size)), "root at \(size)")
            guard size > 0 else { continue }
            for index in Set([0, size / 3, size / 2, size - 1]) {
                let proof = try await store.inclusionProof(index: index, size: size)
                #expect(proof == (try tree.inclusionProof(index: index, size: size)))
                try MerkleProof.verifyInclusion(
                    leafHash: tree.levels[0][Int(index)], index: index, size: size, proof: proof, root: root)
            }
            for from in Set([1, size / 2, size]) where from > 0 {
                let proof = try await store.consistencyProof(from: from, to: size)
                try MerkleProof.verifyConsistency(
                    from: from, to: size, fromRoot: try tree.root(size: from), toRoot: root, proof: proof)
            }
        }
    }

    @Test("after many batches of different sizes, the stored tree is the tree of the log's leaves")
    func manyBatches() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        var sizes: [UInt64] = [0]
        for batch in 0..<40 {
            _ = try await store.append((0..<(1 + batch * 7 % 23)).map { _ in Fixture.permit() })
            sizes.append(try await store.treeHead().size)
        }
        #expect(sizes.last! > 400)
        try await MerkleStoreTests.expectSameTree(store, sizes: sizes + [1, 2, 3, 64, 255, 256, 257])
    }

    @Test("an empty log's tree: size 0, the empty root")
    func emptyLog() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        #expect(try await store.treeHead() == TreeHead(size: 0, rootHash: TreeHash.emptyRoot))
        #expect(try await store.rootHash(size: 0) == TreeHash.emptyRoot)
        await #expect(throws: StoreError.self) { try await store.rootHash(size: 1) }
    }

    @Test("two stores on one database appending at once keep one tree")
    func concurrentStores() async throws {
        let first = try await TestDatabase.store()
        let second = try EventStore(configuration: first.configuration, logger: TestDatabase.logger)
        defer {
            first.shutdown()
            second.shutdown()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                let store = writer % 2 == 0 ? first : second
                group.addTask {
                    for round in 0..<15 {
                        _ = try await store.append((0...(writer + round) % 5).map { _ in Fixture.permit() })
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await second.treeHead() == (try await first.treeHead()))
        try await MerkleStoreTests.expectSameTree(first, sizes: [1, 17, 100, 200, 1000])
    }

    @Test("a log appended without the tree is caught up by the next append, and by migrate")
    func catchUp() async throws {
        var configuration = StoreConfiguration(databaseURL: try TestDatabase.create(), rules: .envelopeOnly)
        configuration.maintainsMerkleTree = false
        let without = try EventStore(configuration: configuration, logger: TestDatabase.logger)
        defer { without.shutdown() }
        try await without.migrate()
        for _ in 0..<5 { _ = try await without.append((0..<30).map { _ in Fixture.permit() }) }
        #expect(try await without.treeHead().size == 0)

        configuration.maintainsMerkleTree = true
        let with = try EventStore(configuration: configuration, logger: TestDatabase.logger)
        defer { with.shutdown() }
        _ = try await with.append([Fixture.permit()])
        try await MerkleStoreTests.expectSameTree(with, sizes: [1, 150, 151])

        for _ in 0..<3 { _ = try await without.append((0..<20).map { _ in Fixture.permit() }) }
        #expect(try await with.treeHead().size == 151)
        try await with.migrate()
        try await MerkleStoreTests.expectSameTree(with, sizes: [151, 200, 211])
    }

    @Test("a log made before the tree existed (migration 5) gets its tree when migrated")
    func logBeforeMigration6() async throws {
        let url = try TestDatabase.create()
        let connection = try PGConnection(conninfo: url)
        _ = try MigrationRunner.migrate(
            connection, migrations: Migration.all.filter { $0.version <= 5 }, logger: TestDatabase.logger)
        // Rows as an older kvotad stored them: body, and its leaf hash computed by PostgreSQL itself.
        try connection.exec(
            """
            INSERT INTO events (position, event_id, stream, version, type, region, recorded_at, body, leaf_hash)
            SELECT i, gen_random_uuid(), 'permit-' || i, 0, 'PermitIssued', 'KZ-75', now(),
                   '{"position":' || i || '}', sha256('\\x00'::bytea || convert_to('{"position":' || i || '}', 'UTF8'))
              FROM generate_series(0, 1236) AS i;
            UPDATE log_head SET next_position = 1237;
            """)
        let store = try EventStore(
            configuration: StoreConfiguration(databaseURL: url, rules: .envelopeOnly), logger: TestDatabase.logger)
        defer { store.shutdown() }
        try await store.migrate()
        let leaves = (0..<1237).map { TreeHash.leaf(Array("{\"position\":\($0)}".utf8)) }
        let tree = InMemoryMerkleTree(leaves: leaves)
        #expect(try await store.treeHead() == TreeHead(size: 1237, rootHash: try tree.root(size: 1237)))
        #expect(try MerkleStoreTests.storedNodes(store) == MerkleStoreTests.expectedNodes(tree))
        #expect(try await store.rootHash(size: 1000) == (try tree.root(size: 1000)))
    }

    @Test("nodes, keys and checkpoints cannot be changed or removed, whoever asks")
    func appendOnly() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        _ = try await store.append((0..<4).map { _ in Fixture.permit() })
        let signer = try NoteSigner.generate(name: "kvota.test/log")
        try await store.recordAuditKey(signer.verifier)
        let head = try await store.treeHead()
        try await store.saveCheckpoint(
            StoredCheckpoint(treeSize: head.size, rootHash: head.rootHash, note: "note\n"),
            keyID: signer.verifier.keyIDHex)
        let connection = try PGConnection(conninfo: store.configuration.databaseURL)
        for statement in [
            "UPDATE merkle_nodes SET hash = hash", "DELETE FROM merkle_nodes", "TRUNCATE merkle_nodes",
            "UPDATE audit_keys SET name = 'x'", "DELETE FROM audit_keys", "UPDATE checkpoints SET note = 'x'",
            "DELETE FROM checkpoints", "UPDATE log_head SET merkle_frontier = NULL",
            "UPDATE log_head SET merkle_frontier = '\\x0000000000000002'::bytea || substring(merkle_frontier FROM 9 FOR 32)",
        ] {
            #expect(throws: StoreError.self, "\(statement)") { try connection.exec(statement) }
        }
        #expect(try await store.treeHead() == head)
    }

    @Test("the log records one checkpoint key; another is refused")
    func auditKey() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        let key = try NoteSigner.generate(name: "kvota.test/log")
        try await store.recordAuditKey(key.verifier)
        try await store.recordAuditKey(key.verifier)
        let other = try NoteSigner.generate(name: "kvota.test/log")
        let error = await #expect(throws: StoreError.self) { try await store.recordAuditKey(other.verifier) }
        #expect(error?.code == .auditKeyMismatch)
        #expect(error?.message.contains(key.verifier.verifierKey) == true)
    }

    @Test("checkpoints: one per size, the first stored wins, listed in order")
    func checkpoints() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        let key = try NoteSigner.generate(name: "kvota.test/log")
        try await store.recordAuditKey(key.verifier)
        #expect(try await store.checkpoint() == nil)
        var saved: [StoredCheckpoint] = []
        for size in [0, 3, 5] as [UInt64] {
            if size > 0 {
                _ = try await store.append((0..<(size - (saved.last?.treeSize ?? 0))).map { _ in Fixture.permit() })
            }
            let head = try await store.treeHead()
            #expect(head.size == size)
            let checkpoint = StoredCheckpoint(treeSize: size, rootHash: head.rootHash, note: "size \(size)\n")
            saved.append(try await store.saveCheckpoint(checkpoint, keyID: key.verifier.keyIDHex))
            var again = checkpoint
            again.note = "another note\n"
            #expect(try await store.saveCheckpoint(again, keyID: key.verifier.keyIDHex) == checkpoint)
        }
        #expect(try await store.checkpoint() == saved.last)
        #expect(try await store.checkpoint(size: 3) == saved[1])
        #expect(try await store.checkpoint(size: 4) == nil)
        #expect(try await store.checkpoints() == saved)
        #expect(try await store.checkpoints(after: 0, limit: 1) == [saved[1]])
    }
}
