public import Foundation
public import KvotaStore

/// Settings of a kvotad process. Every key is read from the environment and may be overridden by a
/// flag; README.md lists them all.
public struct ServerConfiguration: Sendable {
    /// `KVOTA_DATABASE_URL`: a libpq URI or conninfo string. Nil: run the embedded PostgreSQL.
    public var databaseURL: String?
    /// `KVOTA_HTTP_ADDRESS`, `host:port` (default `127.0.0.1:8080`).
    public var host: String
    public var port: Int
    /// `KVOTA_DATA_DIR`: where the embedded PostgreSQL and, by default, the signing key live.
    public var dataDirectory: String
    /// `KVOTA_SIGNING_KEY_FILE`: the Ed25519 key that signs checkpoints (a C2SP signer key), created
    /// with mode 0600 when absent. Nil: `signing.key` in the data directory (``signingKeyPath``).
    public var signingKeyFile: String?
    /// `KVOTA_LOG_ORIGIN`: the checkpoints' origin line and the key's name, used when the key file is
    /// created (an existing file's name must match it). Nil: `kvota.kz/<deployment id>`, where the id
    /// is 8 hex digits made once per database.
    public var logOrigin: String?
    /// `KVOTA_CHECKPOINT_INTERVAL_MS`: the least time between two checkpoints this server signs; it
    /// signs one as soon as the log grew and this long has passed (default 1000; 0: after every append).
    public var checkpointIntervalMilliseconds: Int = 1000
    /// `KVOTA_DB_POOL_SIZE`: connections to PostgreSQL (default 8).
    public var poolSize: Int
    /// `KVOTA_MAX_EVENTS_PER_TRANSACTION`: most events one group commit takes (default 10,000).
    public var maxEventsPerTransaction: Int = 10_000
    /// `KVOTA_EXPIRY_SWEEP_SECONDS`: how often expired permits are recorded (default 60; 0 turns it off).
    public var expirySweepSeconds: Int = 60
    /// `KVOTA_MAX_BODY_BYTES`: the largest request body taken; larger ones get 413 (default 8 MiB).
    public var maxBodyBytes: Int = 8 * 1024 * 1024
    /// `KVOTA_MAX_PUSH_EVENTS`: the most items one push may carry; more get 413 `batch-too-large` (default 10,000).
    public var maxPushEvents: Int = 10_000
    /// `KVOTA_MAX_CONCURRENT_PUSHES`: pushes handled at once by this process; more get 503 `overloaded`
    /// with `Retry-After` (default 256).
    public var maxConcurrentPushes: Int = 256
    /// `KVOTA_REQUEST_TIMEOUT_SECONDS`: a connection idle, or a request body not received in full, for this
    /// long is closed (408 for a slow body; default 30).
    public var requestTimeoutSeconds: Int = 30
    /// `KVOTA_SNAPSHOT_INTERVAL`: a snapshot of the quota books each time the log passes a multiple of
    /// this many events, so past-state queries replay from the nearest one (default 100,000; 0: none).
    public var snapshotInterval: Int = 100_000
    /// `KVOTA_TOKEN_CACHE_SECONDS`: how long a looked-up token is trusted before the database is asked
    /// again, so the longest a revoked token keeps working on a running server (default 2; 0: every request).
    public var tokenCacheSeconds: Int = 2

    public init(
        databaseURL: String? = nil, host: String = "127.0.0.1", port: Int = 8080,
        dataDirectory: String = ServerConfiguration.defaultDataDirectory(), poolSize: Int = 8
    ) {
        self.databaseURL = databaseURL
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.poolSize = poolSize
    }

    /// Reads `KVOTA_*` variables; unset ones keep their defaults.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> ServerConfiguration
    {
        var configuration = ServerConfiguration()
        if let url = environment["KVOTA_DATABASE_URL"], !url.isEmpty { configuration.databaseURL = url }
        if let address = environment["KVOTA_HTTP_ADDRESS"], !address.isEmpty { try configuration.setAddress(address) }
        if let dir = environment["KVOTA_DATA_DIR"], !dir.isEmpty { configuration.dataDirectory = dir }
        if let file = environment["KVOTA_SIGNING_KEY_FILE"], !file.isEmpty { configuration.signingKeyFile = file }
        if let origin = environment["KVOTA_LOG_ORIGIN"], !origin.isEmpty {
            guard SigningKeyFile.isValidName(origin) else {
                throw ConfigurationError(
                    key: "KVOTA_LOG_ORIGIN", message: "must be a key name without spaces or '+', got \(origin)")
            }
            configuration.logOrigin = origin
        }
        if let value = try nonNegativeInteger("KVOTA_CHECKPOINT_INTERVAL_MS", environment) {
            configuration.checkpointIntervalMilliseconds = value
        }
        if let value = try positiveInteger("KVOTA_DB_POOL_SIZE", environment) { configuration.poolSize = value }
        if let value = try positiveInteger("KVOTA_MAX_EVENTS_PER_TRANSACTION", environment) {
            configuration.maxEventsPerTransaction = value
        }
        if let value = try nonNegativeInteger("KVOTA_EXPIRY_SWEEP_SECONDS", environment) {
            configuration.expirySweepSeconds = value
        }
        if let value = try positiveInteger("KVOTA_MAX_BODY_BYTES", environment) { configuration.maxBodyBytes = value }
        if let value = try positiveInteger("KVOTA_MAX_PUSH_EVENTS", environment) { configuration.maxPushEvents = value }
        if let value = try positiveInteger("KVOTA_MAX_CONCURRENT_PUSHES", environment) {
            configuration.maxConcurrentPushes = value
        }
        if let value = try positiveInteger("KVOTA_REQUEST_TIMEOUT_SECONDS", environment) {
            configuration.requestTimeoutSeconds = value
        }
        if let value = try nonNegativeInteger("KVOTA_SNAPSHOT_INTERVAL", environment) {
            configuration.snapshotInterval = value
        }
        if let value = try nonNegativeInteger("KVOTA_TOKEN_CACHE_SECONDS", environment) {
            configuration.tokenCacheSeconds = value
        }
        return configuration
    }

    private static func nonNegativeInteger(_ key: String, _ environment: [String: String]) throws -> Int? {
        guard let text = environment[key], !text.isEmpty else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw ConfigurationError(key: key, message: "must be 0 or a positive integer, got \(text)")
        }
        return value
    }

    private static func positiveInteger(_ key: String, _ environment: [String: String]) throws -> Int? {
        guard let text = environment[key], !text.isEmpty else { return nil }
        guard let value = Int(text), value > 0 else {
            throw ConfigurationError(key: key, message: "must be a positive integer, got \(text)")
        }
        return value
    }

    /// The signing key file: ``signingKeyFile``, else `signing.key` in the data directory.
    public var signingKeyPath: String { signingKeyFile ?? dataDirectory + "/signing.key" }

    /// The event store settings these server settings imply, for a resolved database URL.
    public func storeConfiguration(databaseURL: String) -> StoreConfiguration {
        var store = StoreConfiguration(
            databaseURL: databaseURL, maxConnections: poolSize, maxEventsPerTransaction: maxEventsPerTransaction)
        store.snapshotInterval = snapshotInterval
        return store
    }

    /// Parses `host:port` (`[::1]:8080` for IPv6).
    public mutating func setAddress(_ address: String) throws {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw ConfigurationError(key: "KVOTA_HTTP_ADDRESS", message: "must be host:port, got \(address)")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host.isEmpty ? "0.0.0.0" : host
        self.port = port
    }

    /// `/var/lib/kvota` as root; else `$XDG_DATA_HOME/kvota` or `~/.local/share/kvota`.
    public static func defaultDataDirectory(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String
    {
        if geteuid() == 0 { return "/var/lib/kvota" }
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return xdg + "/kvota" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/kvota"
    }
}

/// A setting with a value kvotad cannot use.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var key: String
    public var message: String
    public var description: String { "\(key) \(message)" }
}
