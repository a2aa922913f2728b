public import KvotaStore
public import ServiceLifecycle

/// Keeps the event store open while the server runs and closes it on graceful shutdown, after the
/// HTTP server has finished its requests.
public struct StoreService: Service {
    let store: EventStore

    public init(store: EventStore) { self.store = store }

    public func run() async throws {
        try? await gracefulShutdown()
        store.shutdown()
    }
}

/// Stops the embedded PostgreSQL on graceful shutdown, last of all.
public struct EmbeddedPostgresService: Service {
    let postgres: EmbeddedPostgres
    let onStop: @Sendable () -> Void

    public init(postgres: EmbeddedPostgres, onStop: @escaping @Sendable () -> Void) {
        self.postgres = postgres
        self.onStop = onStop
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try postgres.stop()
        onStop()
    }
}
