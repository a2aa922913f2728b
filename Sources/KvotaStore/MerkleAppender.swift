import KvotaAudit

/// The Merkle tree's part of an append transaction: extends the frontier read from the locked head
/// row with each new leaf, and collects the perfect subtrees the leaves complete (level ≥ 1; the leaves
/// themselves are `events.leaf_hash`) as rows for one COPY into `merkle_nodes`. The caller holds the
/// head row's lock from the read of the frontier to the commit, so the tree is the log's, whatever
/// number of processes append.
struct MerkleAppender {
    static let copyNodes = "COPY merkle_nodes (level, index, hash) FROM STDIN (FORMAT binary)"
    static let readLeaves =
        "SELECT leaf_hash FROM events WHERE position >= $1 AND position < $2 ORDER BY position"
    /// Leaves read at a time when the tree catches up with the log.
    static let catchUpChunk: Int64 = 100_000

    private(set) var frontier: MerkleFrontier
    /// The node rows collected since the last ``writeNodes(on:)``; nil when there are none.
    private var nodes: CopyEncoder?
    /// How many node rows `nodes` holds.
    private(set) var nodeCount = 0

    init(frontier: MerkleFrontier) {
        self.frontier = frontier
    }

    /// The frontier stored in the head row (`log_head.merkle_frontier`); the empty tree for NULL.
    init(headRow head: PGResult, column: Int) throws {
        guard !head.isNull(0, column) else {
            self.init(frontier: MerkleFrontier())
            return
        }
        self.init(frontier: try MerkleFrontier(serialized: Array(head.bytes(0, column))))
    }

    /// Appends the next leaf.
    mutating func append(_ leaf: TreeHash) {
        // Taken out of self while the frontier reports into it (one owner: no copy of the buffer).
        var rows = nodes ?? CopyEncoder(capacity: 64 * 1024)
        nodes = nil
        var added = 0
        frontier.append(leaf) { address, hash in
            guard address.level > 0 else { return }
            added += 1
            rows.beginRow(fields: 3)
            rows.int16(Int16(address.level))
            rows.int64(Int64(address.index))
            hash.withUnsafeBytes { rows.bytes($0) }
        }
        nodeCount += added
        if nodeCount > 0 { nodes = rows }
    }

    /// Brings the tree up to `size` leaves from the stored leaf hashes (a log appended to before the
    /// tree was kept, or by a writer that did not keep it), inside the caller's transaction.
    mutating func catchUp(to size: Int64, on connection: PGConnection) throws {
        var start = Int64(frontier.size)
        while start < size {
            let end = min(size, start + MerkleAppender.catchUpChunk)
            let rows = try connection.execute(
                "kvota_read_leaves", MerkleAppender.readLeaves, [.int(start), .int(end)])
            guard Int64(rows.rowCount) == end - start else {
                throw StoreError(
                    .queryFailed,
                    "the Merkle tree cannot be built: positions \(start)..<\(end) hold \(rows.rowCount) events, "
                        + "not \(end - start) (the log has a gap)")
            }
            for row in 0..<rows.rowCount {
                guard let leaf = TreeHash(rows.bytes(row, 0)) else {
                    throw StoreError(.queryFailed, "the leaf hash of position \(start + Int64(row)) is not 32 bytes")
                }
                append(leaf)
            }
            start = end
        }
    }

    /// COPYs the nodes completed so far into `merkle_nodes` (nothing when none were).
    mutating func writeNodes(on connection: PGConnection) throws {
        guard var rows = nodes, nodeCount > 0 else { return }
        nodes = nil
        nodeCount = 0
        rows.finish()
        try connection.copyIn(MerkleAppender.copyNodes, rows.take())
    }

    /// The frontier as the head row stores it.
    var serializedFrontier: [UInt8] { frontier.serialized }
}
