public import KvotaAudit

/// A signed checkpoint as the log stores it (`checkpoints`): the tree size, its root, the note.
public struct StoredCheckpoint: Sendable, Hashable {
    public var treeSize: UInt64
    public var rootHash: TreeHash
    /// The C2SP signed note, exactly as signed.
    public var note: String

    public init(treeSize: UInt64, rootHash: TreeHash, note: String) {
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.note = note
    }
}

/// The checkpoint key the log recorded on first use (`audit_keys`), and the signed checkpoints.
extension EventStore {
    static let checkpointColumns = "tree_size, root_hash, note"

    /// Records `verifier` as the log's checkpoint key if the log has none yet; throws
    /// `audit-key-mismatch` when the log recorded another key (a server holding another key must not
    /// sign for this log).
    public func recordAuditKey(_ verifier: NoteVerifier) async throws {
        try await pool.withConnection { connection in
            try connection.query(
                """
                INSERT INTO audit_keys (key_id, name, public_key, verifier_key) VALUES ($1, $2, $3, $4)
                ON CONFLICT DO NOTHING
                """,
                [
                    .text(verifier.keyIDHex), .text(verifier.name), .binary(verifier.publicKey),
                    .text(verifier.verifierKey),
                ])
            let rows = try connection.query("SELECT verifier_key FROM audit_keys")
            let recorded = (0..<rows.rowCount).map { rows.string($0, 0) }
            guard recorded == [verifier.verifierKey] else {
                throw StoreError(
                    .auditKeyMismatch,
                    "this log's checkpoints are signed by \(recorded.joined(separator: ", ")), recorded on first "
                        + "use; this server holds \(verifier.verifierKey). Give every server the same key file "
                        + "(KVOTA_SIGNING_KEY_FILE)")
            }
        }
    }

    /// A random value made once per deployment and shared by its servers through the database
    /// (`deployment_secrets`): 8 lowercase hex digits, for names such as the default log origin.
    public func deploymentID() async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let fresh = (0..<4).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return try await pool.withConnection { connection in
            _ = try connection.query(
                "INSERT INTO deployment_secrets (name, value) VALUES ('deployment-id', $1) ON CONFLICT (name) DO NOTHING",
                [.binary(fresh)])
            let rows = try connection.query("SELECT value FROM deployment_secrets WHERE name = 'deployment-id'")
            return MerkleHash.hex(Array(rows.bytes(0, 0)))
        }
    }

    /// Stores a checkpoint unless one of that size is stored (another server signed it first); returns
    /// the stored one.
    @discardableResult
    public func saveCheckpoint(_ checkpoint: StoredCheckpoint, keyID: String) async throws -> StoredCheckpoint {
        try await pool.withConnection { connection in
            try connection.query(
                """
                INSERT INTO checkpoints (tree_size, root_hash, key_id, note) VALUES ($1, $2, $3, $4)
                ON CONFLICT (tree_size) DO NOTHING
                """,
                [
                    .int(Int64(checkpoint.treeSize)), .binary(checkpoint.rootHash.bytes), .text(keyID),
                    .text(checkpoint.note),
                ])
            let rows = try connection.query(
                "SELECT \(EventStore.checkpointColumns) FROM checkpoints WHERE tree_size = $1",
                [.int(Int64(checkpoint.treeSize))])
            return try EventStore.checkpoint(rows, 0)
        }
    }

    /// The stored checkpoint of exactly `size` leaves, or the latest when `size` is nil; nil when none.
    public func checkpoint(size: UInt64? = nil) async throws -> StoredCheckpoint? {
        try await pool.withConnection { connection in
            let rows =
                if let size {
                    try connection.execute(
                        "kvota_checkpoint_at",
                        "SELECT \(EventStore.checkpointColumns) FROM checkpoints WHERE tree_size = $1",
                        [.int(Int64(size))])
                } else {
                    try connection.execute(
                        "kvota_checkpoint_latest",
                        "SELECT \(EventStore.checkpointColumns) FROM checkpoints ORDER BY tree_size DESC LIMIT 1")
                }
            return rows.rowCount == 1 ? try EventStore.checkpoint(rows, 0) : nil
        }
    }

    /// Stored checkpoints with tree sizes greater than `after`, smallest first, at most `limit`.
    public func checkpoints(after: Int64 = -1, limit: Int = 1000) async throws -> [StoredCheckpoint] {
        try await pool.withConnection { connection in
            let rows = try connection.execute(
                "kvota_checkpoints_after",
                "SELECT \(EventStore.checkpointColumns) FROM checkpoints WHERE tree_size > $1 ORDER BY tree_size LIMIT $2",
                [.int(after), .int(limit)])
            return try (0..<rows.rowCount).map { try EventStore.checkpoint(rows, $0) }
        }
    }

    private static func checkpoint(_ rows: PGResult, _ row: Int) throws -> StoredCheckpoint {
        guard let root = TreeHash(rows.bytes(row, 1)) else {
            throw StoreError(.queryFailed, "a stored checkpoint's root hash is not 32 bytes")
        }
        return StoredCheckpoint(treeSize: UInt64(rows.int64(row, 0)), rootHash: root, note: rows.string(row, 2))
    }
}
