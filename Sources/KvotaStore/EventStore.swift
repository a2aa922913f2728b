public import Foundation
public import KvotaCore
public import Logging
import Synchronization

/// Kvota's event log on PostgreSQL: one append-only table, dense global positions in commit order,
/// per-stream versions, idempotent appends, and readers that never miss an event.
public final class EventStore: Sendable {
    public let configuration: StoreConfiguration
    let pool: ConnectionPool
    let notifier: LogNotifier
    private let queue: AppendQueue
    /// Preparations of the rules' state under way (``prepareRules()``): ``checkReady()`` answers
    /// `starting` while there is one.
    private let preparing = Atomic(0)
    let logger: Logger

    /// Validates the connection string (a malformed one throws `bad-connection-string` here);
    /// connections open on first use.
    public init(configuration: StoreConfiguration, logger: Logger) throws(StoreError) {
        self.configuration = configuration
        self.logger = logger
        pool = try ConnectionPool(
            conninfo: configuration.databaseURL, maxConnections: configuration.maxConnections, logger: logger)
        notifier = LogNotifier(conninfo: configuration.databaseURL, logger: logger)
        queue = AppendQueue(
            pool: pool, ruleSet: configuration.rules, maxEventsPerTransaction: configuration.maxEventsPerTransaction,
            snapshotInterval: configuration.snapshotInterval, merkleTree: configuration.maintainsMerkleTree,
            logger: logger)
    }

    /// Applies pending migrations (see `schema/migrations`), then brings the Merkle tree up to the
    /// log's head (a log appended to before the tree was kept).
    @discardableResult
    public func migrate() async throws -> MigrationReport {
        let logger = self.logger
        let report = try await pool.withConnection { connection in
            try MigrationRunner.migrate(connection, migrations: Migration.all, logger: logger)
        }
        if configuration.maintainsMerkleTree { try await catchUpMerkleTree() }
        return report
    }

    /// Folds the whole log into the quota rules' state before the first append needs it (a server's
    /// start: without it, the first push waits for the fold). Pushes that come meanwhile wait for
    /// it and then decide against the whole log; ``checkReady()`` answers `starting` until it ends.
    /// Returns how many events this call folded (0 when another fold got there first).
    @discardableResult
    public func prepareRules() async throws -> Int64 {
        preparing.wrappingAdd(1, ordering: .sequentiallyConsistent)
        return try await foldRules()
    }

    /// ``prepareRules()`` in a task of its own; `/readyz` answers `starting` from this call on, not
    /// only once the task has begun.
    public func startPreparingRules() -> Task<Int64, any Error> {
        preparing.wrappingAdd(1, ordering: .sequentiallyConsistent)
        return Task { try await foldRules() }
    }

    /// The fold of a preparation counted in ``preparing``.
    private func foldRules() async throws -> Int64 {
        defer { preparing.wrappingSubtract(1, ordering: .sequentiallyConsistent) }
        guard configuration.rules == .quota else { return 0 }
        let ledger = queue.ledger
        return try await pool.withConnection { connection in
            try ledger.catchUp(
                connection, through: try connection.execute("kvota_read_head", EventStore.readHead).int64(0, 0))
        }
    }

    /// Whether the database answers and its schema is the one this build expects, and the quota
    /// rules' state is not being folded from the log (``prepareRules()``).
    public func checkReady() async throws {
        if preparing.load(ordering: .sequentiallyConsistent) > 0 {
            throw StoreError(.starting, "the quota rules' state is being folded from the log; pushes wait for it")
        }
        let expected = Migration.all.map(\.version).max() ?? 0
        let version = try await pool.withConnection { try MigrationRunner.currentVersion($0) }
        guard version == expected else {
            throw StoreError(.schema, "the database schema is at version \(version), this build expects \(expected)")
        }
    }

    /// Appends a batch: items in order, each against the state the items before it left (contract,
    /// Push). Returns one status per item. Concurrent calls share transactions (group commit).
    /// When it throws, nothing of the batch was applied, or (`connection-lost`) the outcome is
    /// unknown and the same batch may be sent again: eventIds make the retry safe.
    public func append(_ events: [ProposedEvent]) async throws -> [AppendStatus] {
        try await appendSubmission(AppendSubmission(events))
    }

    /// Calls `observer` after each committed append transaction with where it spent its time
    /// (kvotad's `kvota_append_*_seconds` histograms; the benchmarks). One observer; a second call
    /// replaces the first.
    public func observeAppends(_ observer: @escaping @Sendable (AppendTiming) -> Void) {
        queue.observer.withLock { $0 = observer }
    }

    func appendSubmission(_ submission: AppendSubmission) async throws -> [AppendStatus] {
        if submission.events.isEmpty { return [] }
        return try await queue.append(submission)
    }

    /// The permits the server should record as expired on `today` (Asia/Almaty): active, with their
    /// last valid day before it. Read from the quota rules' state caught up with the log's head (a
    /// revocation appended after it makes the expiry a conflict, which the sweep ignores).
    public func expiryCandidates(on today: CalendarDate) async throws -> [UUID] {
        let ledger = queue.ledger
        // Up to the head first (one read of it when the ledger is there already; at a start, after
        // the fold of ``prepareRules()``, not from a half-folded state).
        try await pool.withConnection { connection in
            _ = try ledger.catchUp(
                connection, through: try connection.execute("kvota_read_head", EventStore.readHead).int64(0, 0))
        }
        return ledger.read { $0.expiredPermits(on: today) }
    }

    /// Stops the pool and the listener; calls in flight finish.
    public func shutdown() {
        notifier.stop()
        pool.close()
    }
}
