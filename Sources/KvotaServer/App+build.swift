public import Hummingbird
public import KvotaStore
public import Logging

/// Builds the kvotad HTTP application. The binary and the tests call this same function.
public func buildApplication(
    configuration: ServerConfiguration, store: EventStore, logger: Logger
) -> some ApplicationProtocol {
    let router = Router()
    router.middlewares.add(LogRequestsMiddleware(.debug))
    HealthRoutes(store: store).register(on: router)
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "kvotad"),
        logger: logger)
}
