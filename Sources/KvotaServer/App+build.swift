public import Hummingbird
public import KvotaStore
public import Logging
public import NIOCore

/// Builds the kvotad HTTP application. The binary and the tests call this same function.
///
/// - Parameter audit: the checkpoint key and signing (``AuditLog/open(configuration:store:logger:)``).
/// - Parameter onServerRunning: called with the listening channel once the server is up (tests read
///   the port from it when they asked for port 0).
public func buildApplication(
    configuration: ServerConfiguration, store: EventStore, audit: AuditLog, logger: Logger,
    metrics: ServerMetrics = ServerMetrics(),
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    store.observeAppends { metrics.appendCommitted($0) }
    let router = Router(context: KvotaRequestContext.self)
    router.middlewares.add(RequestMiddleware(metrics: metrics))
    HealthRoutes(store: store).register(on: router)
    router.get("metrics") { _, _ in
        Response.json(status: .ok, metrics.exposition(), contentType: "text/plain; version=0.0.4; charset=utf-8")
    }
    let v1 = router.group("v1").add(
        middleware: AuthMiddleware(
            authenticator: Authenticator(store: store, cacheSeconds: configuration.tokenCacheSeconds)))
    PushRoutes(
        store: store, configuration: configuration, metrics: metrics,
        limiter: ConcurrencyLimiter(limit: configuration.maxConcurrentPushes)
    ).register(on: v1)
    EventRoutes(store: store, metrics: metrics).register(on: v1)
    QuotaRoutes(store: store).register(on: v1)
    TokenRoutes(store: store).register(on: v1)
    AuditRoutes(audit: audit).register(on: v1)
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .seconds(Int64(configuration.requestTimeoutSeconds)))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "kvotad"),
        onServerRunning: onServerRunning,
        logger: logger)
}
