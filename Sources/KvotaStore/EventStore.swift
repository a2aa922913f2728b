public import KvotaCore
public import Logging

/// Kvota's event log on PostgreSQL: one append-only table, dense global positions in commit order,
/// per-stream versions, idempotent appends, and readers that never miss an event.
public final class EventStore: Sendable {
    public let configuration: StoreConfiguration
    let pool: ConnectionPool
    let notifier: LogNotifier
    private let queue: AppendQueue
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
            logger: logger)
    }

    /// Applies pending migrations (see `schema/migrations`).
    @discardableResult
    public func migrate() async throws -> MigrationReport {
        let logger = self.logger
        return try await pool.withConnection { connection in
            try MigrationRunner.migrate(connection, migrations: Migration.all, logger: logger)
        }
    }

    /// Whether the database answers and its schema is the one this build expects.
    public func checkReady() async throws {
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

    func appendSubmission(_ submission: AppendSubmission) async throws -> [AppendStatus] {
        if submission.events.isEmpty { return [] }
        return try await queue.append(submission)
    }

    /// Stops the pool and the listener; calls in flight finish.
    public func shutdown() {
        notifier.stop()
        pool.close()
    }
}
