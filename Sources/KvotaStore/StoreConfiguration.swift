/// How the event store reaches and uses PostgreSQL.
public struct StoreConfiguration: Sendable {
    /// A libpq connection URI or conninfo string (`KVOTA_DATABASE_URL`).
    public var databaseURL: String
    /// Most connections the pool opens (`KVOTA_DB_POOL_SIZE`, default 8). One more is used to LISTEN.
    public var maxConnections: Int
    /// Most events one group-commit transaction takes (`KVOTA_MAX_EVENTS_PER_TRANSACTION`, default 10,000);
    /// a single larger batch still goes in one transaction of its own.
    public var maxEventsPerTransaction: Int
    /// The rules appends enforce (default: Kvota's quota rules).
    public var rules: RuleSet
    /// A snapshot of the quota books is written each time the log passes a multiple of this many
    /// events (`KVOTA_SNAPSHOT_INTERVAL`, default 100,000; 0: none).
    public var snapshotInterval: Int = 100_000
    /// Whether appends grow the Merkle tree (`merkle_nodes`, `log_head.merkle_frontier`) in their
    /// transaction (default true). Only benchmarks turn it off, to measure what the tree costs; a
    /// store that keeps it catches up with what was appended without it.
    public var maintainsMerkleTree = true

    public init(
        databaseURL: String, maxConnections: Int = 8, maxEventsPerTransaction: Int = 10_000, rules: RuleSet = .quota
    ) {
        self.databaseURL = databaseURL
        self.rules = rules
        self.maxConnections = maxConnections
        self.maxEventsPerTransaction = maxEventsPerTransaction
    }
}
