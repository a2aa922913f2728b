public import KvotaAudit

/// The size and root hash of the log's Merkle tree (contract, Audit log).
public struct TreeHead: Sendable, Hashable {
    /// Leaves 0..<size: the events at those positions.
    public var size: UInt64
    public var rootHash: TreeHash

    public init(size: UInt64, rootHash: TreeHash) {
        self.size = size
        self.rootHash = rootHash
    }
}

/// The RFC 9162 tree over the log, kept by the append transactions (`MerkleAppender`): its head, the
/// root at any past size and proofs, each from O(log n) stored nodes in one query.
extension EventStore {
    static let readFrontier = "SELECT merkle_frontier FROM log_head WHERE id = 1"
    static let lockFrontier = "SELECT next_position, merkle_frontier FROM log_head WHERE id = 1 FOR UPDATE"
    static let writeFrontier = "UPDATE log_head SET merkle_frontier = $1 WHERE id = 1"

    /// The tree as the last committed append left it. It covers every committed event once the store
    /// has migrated (which catches up a log appended to before the tree was kept).
    public func treeHead() async throws -> TreeHead {
        try await pool.withConnection { connection in
            let frontier = try EventStore.frontier(connection)
            return TreeHead(size: frontier.size, rootHash: frontier.root)
        }
    }

    /// The root hash of the tree of the first `size` leaves (a past tree head).
    public func rootHash(size: UInt64) async throws -> TreeHash {
        try await withTree(upTo: size) { try $0.root(size: size) }
    }

    /// The RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves.
    public func inclusionProof(index: UInt64, size: UInt64) async throws -> [TreeHash] {
        try await withTree(upTo: size) { try $0.inclusionProof(index: index, size: size) }
    }

    /// The RFC 9162 consistency proof from the tree of `from` leaves to the tree of `to` leaves.
    public func consistencyProof(from: UInt64, to: UInt64) async throws -> [TreeHash] {
        try await withTree(upTo: to) { try $0.consistencyProof(from: from, to: to) }
    }

    /// Builds the nodes and frontier the tree lacks, from `events.leaf_hash`, in transactions of
    /// `MerkleAppender.catchUpChunk` leaves under the head lock (appends wait for each).
    func catchUpMerkleTree() async throws {
        let logger = self.logger
        while true {
            let (size, head) = try await pool.withConnection { connection -> (UInt64, Int64) in
                try connection.exec("BEGIN")
                do {
                    let row = try connection.execute("kvota_lock_frontier", EventStore.lockFrontier)
                    let head = row.int64(0, 0)
                    var tree = try MerkleAppender(headRow: row, column: 1)
                    let target = min(head, Int64(tree.frontier.size) + MerkleAppender.catchUpChunk)
                    if target > Int64(tree.frontier.size) || row.isNull(0, 1) {
                        try tree.catchUp(to: target, on: connection)
                        try tree.writeNodes(on: connection)
                        try connection.execute(
                            "kvota_write_frontier", EventStore.writeFrontier, [.binary(tree.serializedFrontier)])
                    }
                    try connection.exec("COMMIT")
                    return (tree.frontier.size, head)
                } catch {
                    if !connection.isBroken { _ = try? connection.exec("ROLLBACK") }
                    throw error
                }
            }
            if Int64(size) >= head { return }
            logger.notice("building the Merkle tree of the log", metadata: ["leaves": "\(size)", "of": "\(head)"])
        }
    }

    /// Runs `body` over the stored nodes once `size` is known to be within the tree.
    private func withTree<T: Sendable>(
        upTo size: UInt64, _ body: @escaping @Sendable (StoredMerkleNodes) throws -> T
    ) async throws -> T {
        try await pool.withConnection { connection in
            let treeSize = try EventStore.frontier(connection).size
            guard size <= treeSize else {
                throw StoreError(.invalidArgument, "the tree has \(treeSize) leaves; \(size) is beyond it")
            }
            return try body(StoredMerkleNodes(connection: connection))
        }
    }

    static func frontier(_ connection: PGConnection) throws -> MerkleFrontier {
        try MerkleAppender(headRow: connection.execute("kvota_read_frontier", readFrontier), column: 0).frontier
    }
}
