import ArgumentParser
import Foundation
import KvotaServer
import KvotaStore
import Logging

/// Options every subcommand that touches the database takes; flags override `KVOTA_*` variables.
struct CommonOptions: ParsableArguments {
    @Option(help: "libpq URI or conninfo (KVOTA_DATABASE_URL). Without it, kvotad runs its own PostgreSQL.")
    var databaseURL: String?

    @Option(help: "Directory for the embedded PostgreSQL and keys (KVOTA_DATA_DIR).")
    var dataDir: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical (KVOTA_LOG_LEVEL, default info).")
    var logLevel: String?

    func configuration() throws -> ServerConfiguration {
        var configuration = try ServerConfiguration.fromEnvironment()
        if let databaseURL { configuration.databaseURL = databaseURL }
        if let dataDir { configuration.dataDirectory = dataDir }
        return configuration
    }

    /// Opens the store of the configured (or embedded) database with the schema migrated, runs
    /// `body`, and closes everything this command opened (an embedded PostgreSQL it started too).
    func withStore<T>(_ body: (EventStore, MigrationReport) async throws -> T) async throws -> T {
        let configuration = try configuration()
        let logger = try makeLogger()
        let database = try DatabaseTarget.resolve(configuration, logger: logger)
        defer { try? database.embedded?.stop() }
        let store = try EventStore(
            configuration: configuration.storeConfiguration(databaseURL: database.url), logger: logger)
        defer { store.shutdown() }
        return try await body(store, try await store.migrate())
    }

    func makeLogger() throws -> Logger {
        let text = logLevel ?? ProcessInfo.processInfo.environment["KVOTA_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ValidationError("KVOTA_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")
        }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "kvotad")
        logger.logLevel = level
        return logger
    }
}

/// The database kvotad uses: the configured one, or its own embedded PostgreSQL.
struct DatabaseTarget {
    var url: String
    /// The embedded PostgreSQL this process started (and so stops); nil when configured or already running.
    var embedded: EmbeddedPostgres?

    static func resolve(_ configuration: ServerConfiguration, logger: Logger) throws -> DatabaseTarget {
        if let url = configuration.databaseURL { return DatabaseTarget(url: url, embedded: nil) }
        let postgres = EmbeddedPostgres(directory: configuration.dataDirectory + "/postgres")
        logger.notice(
            "no KVOTA_DATABASE_URL: starting the embedded PostgreSQL",
            metadata: ["directory": "\(postgres.directory)", "log": "\(postgres.logFile)"])
        let (url, started) = try postgres.startIfNeeded()
        logger.notice(
            started
                ? "embedded PostgreSQL is running" : "embedded PostgreSQL was already running (another kvotad owns it)",
            metadata: ["url": "\(url)"])
        return DatabaseTarget(url: url, embedded: started ? postgres : nil)
    }
}
