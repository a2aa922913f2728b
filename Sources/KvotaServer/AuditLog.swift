public import KvotaAudit
public import KvotaStore
public import Logging

/// The log's signing side (contract, Audit log): the checkpoint key, recorded in the log on first
/// use, and the signing of checkpoints over the tree the database holds.
///
/// A checkpoint's root is always read from the database's tree at its size, never computed from
/// anything else, and a new checkpoint is signed only once the tree still has the root of the latest
/// stored one: this server never signs two checkpoints that are not consistent.
public struct AuditLog: Sendable {
    public let store: EventStore
    public let signer: NoteSigner
    /// The public half, as `GET /v1/audit/key` publishes it.
    public let verifier: NoteVerifier
    let logger: Logger

    init(store: EventStore, signer: NoteSigner, logger: Logger) {
        self.store = store
        self.signer = signer
        self.verifier = signer.verifier
        self.logger = logger
    }

    /// Loads (or creates) the key file, then records the key in the log, or refuses the key when the
    /// log recorded another one (`audit-key-mismatch`).
    public static func open(configuration: ServerConfiguration, store: EventStore, logger: Logger) async throws
        -> AuditLog
    {
        let signer = try await SigningKeyFile.loadOrCreate(
            path: configuration.signingKeyPath, origin: configuration.logOrigin
        ) { "kvota.kz/" + (try await store.deploymentID()) }
        try await store.recordAuditKey(signer.verifier)
        logger.notice(
            "checkpoints are signed with the key in \(configuration.signingKeyPath)",
            metadata: ["verifierKey": "\(signer.verifier.verifierKey)"])
        return AuditLog(store: store, signer: signer, logger: logger)
    }

    /// Signs and stores a checkpoint of the tree as it is now, unless the latest stored one already
    /// has its size; returns the latest checkpoint.
    @discardableResult
    public func signLatest() async throws -> StoredCheckpoint {
        let head = try await store.treeHead()
        let latest = try await store.checkpoint()
        if let latest {
            if latest.treeSize == head.size, latest.rootHash == head.rootHash { return latest }
            // The tree must still be the one the latest checkpoint was signed over.
            var root: TreeHash?
            if latest.treeSize <= head.size { root = try await store.rootHash(size: latest.treeSize) }
            guard root == latest.rootHash else {
                logger.critical(
                    "the log's tree no longer matches its latest checkpoint: not signing",
                    metadata: ["size": "\(latest.treeSize)", "signed": "\(latest.rootHash)", "now": "\(root as Any)"])
                throw AuditError(
                    .rootMismatch,
                    "the tree of \(latest.treeSize) leaves no longer has the root of its checkpoint; the "
                        + "database was changed outside kvotad, and no checkpoint is signed")
            }
        }
        let note = try Checkpoint(origin: signer.name, size: head.size, rootHash: head.rootHash).signed(by: signer)
        let stored = try await store.saveCheckpoint(
            StoredCheckpoint(treeSize: head.size, rootHash: head.rootHash, note: note), keyID: verifier.keyIDHex)
        guard stored.rootHash == head.rootHash else {
            throw AuditError(
                .rootMismatch, "a checkpoint of \(head.size) leaves was stored with another root than the tree's")
        }
        return stored
    }
}
