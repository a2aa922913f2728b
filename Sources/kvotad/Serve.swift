import ArgumentParser
import KvotaServer
import KvotaStore
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending migrations, then serve HTTP until SIGTERM or SIGINT.")

    @OptionGroup var options: CommonOptions

    @Option(help: "host:port to listen on (KVOTA_HTTP_ADDRESS, default 127.0.0.1:8080).")
    var httpAddress: String?

    @Flag(help: "Load the published 2025 history into the log if it is empty (demo data).")
    var demo = false

    func run() async throws {
        var configuration = try options.configuration()
        if let httpAddress { try configuration.setAddress(httpAddress) }
        let logger = try options.makeLogger()
        let database = try DatabaseTarget.resolve(configuration, logger: logger)
        do {
            let store = try EventStore(
                configuration: configuration.storeConfiguration(databaseURL: database.url),
                logger: logger)
            let report = try await store.migrate()
            logger.notice("schema ready", metadata: ["version": "\(report.version)", "applied": "\(report.applied)"])
            if demo { try await DemoHistory.load(into: store, logger: logger) }
            let app = buildApplication(configuration: configuration, store: store, logger: logger)
            var services: [any Service] = []
            if let embedded = database.embedded {
                services.append(
                    EmbeddedPostgresService(postgres: embedded) { logger.notice("embedded PostgreSQL stopped") })
            }
            services.append(StoreService(store: store))
            if configuration.expirySweepSeconds > 0 {
                services.append(
                    ExpirySweep(store: store, interval: .seconds(configuration.expirySweepSeconds), logger: logger))
            }
            services.append(app)
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch {
            try? database.embedded?.stop()
            throw error
        }
    }
}
