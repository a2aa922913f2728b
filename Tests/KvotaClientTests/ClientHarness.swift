import Foundation
import Hummingbird
import KvotaClient
import KvotaCore
import KvotaServer
import KvotaStore
import Logging
import ServiceLifecycle

/// kvotad's application (built by the same function as the binary) on a fixed loopback port over a
/// fresh database of the PostgreSQL cluster `tools/test` started; it can be stopped and started
/// again on the same port and database, to test a sync across a server outage.
final class ClientTestServer: @unchecked Sendable {
    let databaseURL: String
    let port: Int
    var baseURL: String { "http://127.0.0.1:\(port)" }
    private(set) var store: EventStore?
    private(set) var audit: AuditLog?
    private var group: ServiceGroup?
    private var running: Task<Void, any Error>?

    static let logger: Logger = {
        var logger = Logger(label: "kvota.client-test")
        logger.logLevel = .error
        return logger
    }()

    /// The checkpoint signing key (one per server; tests that fork a history give two servers one key).
    let signingKeyFile: String

    /// The checkpoints' origin line (nil: the server's default, per deployment).
    let origin: String?

    init(databaseURL: String? = nil, signingKeyFile: String? = nil, origin: String? = nil) throws {
        self.origin = origin
        self.databaseURL = try databaseURL ?? ClientTestServer.createDatabase()
        self.signingKeyFile =
            signingKeyFile ?? NSTemporaryDirectory() + "kvota-client-test-\(UUID().uuidString.prefix(8))/signing.key"
        guard let port = LoopbackPort.free() else { throw HarnessError("no free loopback port") }
        self.port = port
    }

    static func started() async throws -> ClientTestServer {
        let server = try ClientTestServer()
        try await server.start()
        return server
    }

    func start() async throws {
        var configuration = ServerConfiguration(databaseURL: databaseURL, host: "127.0.0.1", port: port)
        configuration.expirySweepSeconds = 0
        configuration.signingKeyFile = signingKeyFile
        configuration.logOrigin = origin
        let store = try EventStore(
            configuration: configuration.storeConfiguration(databaseURL: databaseURL), logger: ClientTestServer.logger)
        try await store.migrate()
        let audit = try await AuditLog.open(configuration: configuration, store: store, logger: ClientTestServer.logger)
        let (ready, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(
            configuration: configuration, store: store, audit: audit, logger: ClientTestServer.logger
        ) {
            channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }
        let checkpoints = CheckpointService(
            audit: audit, interval: .milliseconds(configuration.checkpointIntervalMilliseconds),
            logger: ClientTestServer.logger)
        let group = ServiceGroup(services: [checkpoints, app], logger: ClientTestServer.logger)
        self.audit = audit
        running = Task { try await group.run() }
        self.group = group
        self.store = store
        var iterator = ready.makeAsyncIterator()
        guard let bound = await iterator.next(), bound == port else { throw HarnessError("the server did not start") }
    }

    func stop() async {
        await group?.triggerGracefulShutdown()
        _ = try? await running?.value
        store?.shutdown()
        group = nil
        running = nil
        store = nil
        audit = nil
    }

    func token(_ role: TokenRole, _ region: Region? = nil) async throws -> String {
        guard let store else { throw HarnessError("the server is stopped") }
        let name = "\(role.rawValue)-\(region?.rawValue ?? "x")-\(UUID().uuidString.prefix(8).lowercased())"
        return try await store.createToken(name: name, role: role, region: region)
    }

    static func createDatabase() throws -> String {
        guard let admin = ProcessInfo.processInfo.environment["KVOTA_TEST_DATABASE_URL"], !admin.isEmpty else {
            throw HarnessError(
                "KVOTA_TEST_DATABASE_URL is not set: run the suite with tools/test, which starts PostgreSQL")
        }
        let name = "kvota_cli_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        return try DatabaseAdmin.createIfMissing(String(name), adminConninfo: admin)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One device: a profile in its own temporary home, its journal, and the client operations on it.
struct Device {
    let paths: ClientPaths
    let profile: Profile
    let journal: Journal

    /// `kvota init` as a library call: who the token is, the pseudonym key, a profile, a journal.
    static func make(_ server: ClientTestServer, token: String, device: String) async throws -> Device {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("kvota-client-\(UUID().uuidString)")
        let paths = ClientPaths.fromEnvironment(["KVOTA_HOME": home.path])
        let api = ServerAPI(baseURL: server.baseURL, token: token)
        let principal = try await api.whoAmI()
        let key = principal.role == .auditor ? nil : try await api.pseudonymKey()
        let profile = Profile(
            name: device, server: server.baseURL, token: token, deviceId: device, tokenName: principal.name,
            role: principal.role, region: principal.region?.rawValue,
            pseudonymKey: key.map { $0.map { String(format: "%02x", $0) }.joined() })
        try ProfileStore(paths: paths).save(profile)
        return Device(
            paths: paths, profile: try ProfileStore(paths: paths).load(device),
            journal: try Journal(path: paths.journalFile(profile: device).path))
    }

    /// A device of KZ-75 (the scenarios' region) with its own token, synced once.
    static func region(_ server: ClientTestServer, _ device: String) async throws -> Device {
        let made = try await make(
            server, token: try await server.token(.region, Region(rawValue: "KZ-75")), device: device)
        _ = try await made.sync()
        return made
    }

    func view() throws -> LocalView {
        try LocalView(journal: journal, principal: profile.principal, deviceId: profile.deviceId)
    }

    /// Checks and records drafts, as the recording commands do; throws the refusal.
    @discardableResult
    func record(_ make: (Drafts) throws -> [PendingEvent]) throws -> [PendingEvent] {
        try Recorder.record(journal: journal, profile: profile) { drafts throws(ClientError) in
            do { return try make(drafts) } catch let error as ClientError { throw error } catch {
                throw ClientError(.invalidInput, "\(error)")
            }
        }
    }

    func sync(attempts: Int = 8, batch: Int = 1_000, page: Int = 10_000, ahead: Int = 3) async throws -> SyncReport {
        var api = ServerAPI(profile: profile)
        api.attempts = attempts
        api.initialBackoff = .milliseconds(100)
        api.maxBackoff = .milliseconds(500)
        var syncer = Syncer(journal: journal, api: api, profile: profile)
        syncer.batchSize = batch
        syncer.pageSize = page
        syncer.pagesAhead = ahead
        return try await syncer.run()
    }

    var resolver: Resolver { Resolver(journal: journal, profile: profile) }
}

/// Building blocks of scenarios.
enum Scenario {
    static let year: Int64 = 2026
    static let line = "foreign-labour"

    static func application(workers: Int64 = 5, category: String = "cat3") -> Drafts.Application {
        Drafts.Application(
            year: year, employerBin: BIN.synthetic(7).description, category: category, workers: workers, sector: "F",
            countryOfOrigin: "UZ", vacancyRef: "V-\(UUID().uuidString.prefix(6))", vacancyPostedOn: "2026-01-10")
    }

    static func permit(_ application: UUID, worker: String) -> Drafts.Permit {
        Drafts.Permit(
            application: application.lowercased, workerRef: worker, validFrom: "2026-02-01", validUntil: "2026-12-31",
            replaceBy: nil)
    }

    static func worker(_ n: Int) -> String { String(repeating: "0", count: 56) + String(format: "%08x", n) }
}
