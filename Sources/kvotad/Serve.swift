import ArgumentParser
import Foundation
import KvotaServer
import KvotaStore
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply pending migrations, then serve HTTP until SIGTERM or SIGINT.")

    @OptionGroup var options: CommonOptions

    @Option(help: "host:port to listen on (KVOTA_HTTP_ADDRESS, default 127.0.0.1:8080).")
    var httpAddress: String?

    @Flag(help: "Load the published 2025 history into the log if it is empty (demo data).")
    var demo = false

    func run() async throws {
        Serve.tuneMalloc()
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
            // Fold the log into the rules' state while the server starts listening (`/readyz`
            // answers `starting` until it is done; pushes wait for it).
            let clock = ContinuousClock()
            let start = clock.now
            let preparation = store.startPreparingRules()
            Task {
                do {
                    let folded = try await preparation.value
                    logger.notice(
                        "quota rules ready",
                        metadata: ["events": "\(folded)", "seconds": "\(Serve.seconds(clock.now - start))"])
                } catch {
                    logger.error(
                        "folding the log into the quota rules' state failed; the first push will try again",
                        metadata: ["error": "\(error)"])
                }
            }
            let audit = try await AuditLog.open(configuration: configuration, store: store, logger: logger)
            let app = buildApplication(configuration: configuration, store: store, audit: audit, logger: logger)
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
            services.append(
                CheckpointService(
                    audit: audit, interval: .milliseconds(configuration.checkpointIntervalMilliseconds), logger: logger)
            )
            services.append(app)
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch {
            try? database.embedded?.stop()
            throw error
        }
    }

    /// A duration as seconds with two decimals, for the log.
    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.2f", Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// glibc keeps freed large blocks (pages of the log, push bodies) in its heap, where a long-running
    /// server's resident memory only grows. Blocks over 256 KiB are mapped and unmapped instead, and
    /// free memory at the top of the heap goes back to the system above 1 MiB.
    static func tuneMalloc() {
        #if canImport(Glibc)
            // mallopt is not in Swift's Glibc module: found at run time. M_TRIM_THRESHOLD = -1,
            // M_MMAP_THRESHOLD = -3 (<malloc.h>).
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            _ = mallopt(-3, 256 * 1024)
            _ = mallopt(-1, 1024 * 1024)
        #endif
    }
}
