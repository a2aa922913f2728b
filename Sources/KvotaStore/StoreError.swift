/// A failure of the event store, with a stable code for programs and a message for people.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The connection string could not be parsed.
        public static let badConnectionString = Code(rawValue: "bad-connection-string")
        /// PostgreSQL could not be reached or refused the connection.
        public static let unavailable = Code(rawValue: "database-unavailable")
        /// The connection broke during a call; the call's outcome is unknown. Retry: appends are idempotent.
        public static let connectionLost = Code(rawValue: "connection-lost")
        /// PostgreSQL answered a statement with an error.
        public static let queryFailed = Code(rawValue: "query-failed")
        /// A migration could not be applied, or an applied one was edited.
        public static let migration = Code(rawValue: "migration-failed")
        /// The database's schema is newer than this build, or not migrated.
        public static let schema = Code(rawValue: "schema-mismatch")
        /// A caller's argument breaks a rule (a token name in use, a region token without a region).
        public static let invalidArgument = Code(rawValue: "invalid-argument")
        /// The log's checkpoints are signed by another key than the one this server holds.
        public static let auditKeyMismatch = Code(rawValue: "audit-key-mismatch")
        /// The server is starting: the quota rules' state is being folded from the log.
        public static let starting = Code(rawValue: "starting")
        /// The store was shut down.
        public static let shutDown = Code(rawValue: "store-shut-down")
    }

    public var code: Code
    public var message: String
    /// PostgreSQL's SQLSTATE, when the server sent one.
    public var sqlState: String?

    public init(_ code: Code, _ message: String, sqlState: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
    }

    /// Whether the same call may succeed if tried again later.
    public var isRetryable: Bool {
        switch code {
        case .unavailable, .connectionLost: return true
        case .queryFailed:
            // serialization_failure, deadlock_detected, admin shutdown, cannot connect now
            return ["40001", "40P01", "57P01", "57P02", "57P03"].contains(sqlState ?? "")
        default: return false
        }
    }

    public var description: String {
        "\(code): \(message)" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
    }
}
