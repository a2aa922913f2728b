import KvotaAudit

/// The log's Merkle tree as PostgreSQL holds it, read by proof generation: leaves from
/// `events.leaf_hash`, perfect subtrees above them from `merkle_nodes`, any number of them in one
/// query. Blocking, on the connection it was given.
struct StoredMerkleNodes: MerkleNodeSource {
    static let readNodes = """
        SELECT CASE WHEN a.level = 0 THEN e.leaf_hash ELSE n.hash END
          FROM unnest($1::int2[], $2::int8[]) WITH ORDINALITY AS a(level, idx, ord)
          LEFT JOIN merkle_nodes n ON a.level > 0 AND n.level = a.level AND n.index = a.idx
          LEFT JOIN events e ON a.level = 0 AND e.position = a.idx
         ORDER BY a.ord
        """

    let connection: PGConnection

    func hashes(at addresses: [NodeAddress]) throws -> [TreeHash] {
        if addresses.isEmpty { return [] }
        let rows = try connection.execute(
            "kvota_read_nodes", StoredMerkleNodes.readNodes,
            [.textArray(addresses.map { String($0.level) }), .textArray(addresses.map { String($0.index) })])
        guard rows.rowCount == addresses.count else {
            throw AuditError(.missingNode, "asked for \(addresses.count) nodes, the database returned \(rows.rowCount)")
        }
        return try addresses.indices.map { row throws(AuditError) in
            guard !rows.isNull(row, 0), let hash = TreeHash(rows.bytes(row, 0)) else {
                throw AuditError(.missingNode, "the database has no node at \(addresses[row])")
            }
            return hash
        }
    }
}
