import Foundation
import KvotaAudit
import KvotaServer
import KvotaStore
import Testing

@Suite("The checkpoint signing key (KVOTA_SIGNING_KEY_FILE)")
struct SigningKeyTests {
    static func temporaryPath() -> String {
        NSTemporaryDirectory() + "kvota-key-\(UUID().uuidString.prefix(8))/sub/signing.key"
    }

    static func configuration(_ url: String, keyFile: String, origin: String? = nil) -> ServerConfiguration {
        var configuration = ServerConfiguration(databaseURL: url)
        configuration.signingKeyFile = keyFile
        configuration.logOrigin = origin
        return configuration
    }

    static func store(_ url: String) async throws -> EventStore {
        let store = try EventStore(
            configuration: ServerConfiguration(databaseURL: url).storeConfiguration(databaseURL: url),
            logger: TestServer.logger)
        try await store.migrate()
        return store
    }

    @Test("created on first start with mode 0600, named after the deployment; read back the same after")
    func created() async throws {
        let url = try TestServer.createDatabase()
        let store = try await SigningKeyTests.store(url)
        defer { store.shutdown() }
        let path = SigningKeyTests.temporaryPath()
        let configuration = SigningKeyTests.configuration(url, keyFile: path)
        let first = try await AuditLog.open(configuration: configuration, store: store, logger: TestServer.logger)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(first.verifier.name == "kvota.kz/" + (try await store.deploymentID()))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("PRIVATE+KEY+\(first.verifier.name)+\(first.verifier.keyIDHex)+"))
        let again = try await AuditLog.open(configuration: configuration, store: store, logger: TestServer.logger)
        #expect(again.verifier == first.verifier)
    }

    @Test("KVOTA_LOG_ORIGIN names a new key; an existing key of another name is refused")
    func origin() async throws {
        let url = try TestServer.createDatabase()
        let store = try await SigningKeyTests.store(url)
        defer { store.shutdown() }
        let path = SigningKeyTests.temporaryPath()
        let named = try await AuditLog.open(
            configuration: SigningKeyTests.configuration(url, keyFile: path, origin: "kvota.example/test-log"),
            store: store, logger: TestServer.logger)
        #expect(named.verifier.name == "kvota.example/test-log")
        let error = await #expect(throws: ConfigurationError.self) {
            try await AuditLog.open(
                configuration: SigningKeyTests.configuration(url, keyFile: path, origin: "kvota.example/other"),
                store: store, logger: TestServer.logger)
        }
        #expect(error?.key == "KVOTA_LOG_ORIGIN")
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.fromEnvironment(["KVOTA_LOG_ORIGIN": "has space"])
        }
        #expect(
            try ServerConfiguration.fromEnvironment(["KVOTA_CHECKPOINT_INTERVAL_MS": "250"])
                .checkpointIntervalMilliseconds == 250)
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration.fromEnvironment(["KVOTA_CHECKPOINT_INTERVAL_MS": "-1"])
        }
    }

    @Test("a server holding another key than the one the log recorded refuses to start")
    func mismatch() async throws {
        let url = try TestServer.createDatabase()
        let store = try await SigningKeyTests.store(url)
        defer { store.shutdown() }
        let recorded = try await AuditLog.open(
            configuration: SigningKeyTests.configuration(url, keyFile: SigningKeyTests.temporaryPath()), store: store,
            logger: TestServer.logger)
        let error = await #expect(throws: StoreError.self) {
            try await AuditLog.open(
                configuration: SigningKeyTests.configuration(url, keyFile: SigningKeyTests.temporaryPath()),
                store: store, logger: TestServer.logger)
        }
        #expect(error?.code == .auditKeyMismatch)
        #expect(error?.message.contains(recorded.verifier.verifierKey) == true)
        #expect(error?.message.contains("KVOTA_SIGNING_KEY_FILE") == true)
    }

    @Test("a file that is not a signer key is refused, naming the setting")
    func malformed() async throws {
        let url = try TestServer.createDatabase()
        let store = try await SigningKeyTests.store(url)
        defer { store.shutdown() }
        let path = NSTemporaryDirectory() + "kvota-bad-key-\(UUID().uuidString.prefix(8))"
        try "not a key\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = await #expect(throws: ConfigurationError.self) {
            try await AuditLog.open(
                configuration: SigningKeyTests.configuration(url, keyFile: path), store: store,
                logger: TestServer.logger)
        }
        #expect(error?.key == "KVOTA_SIGNING_KEY_FILE")
    }

    @Test("servers starting together on one key file share one key")
    func sharedFile() async throws {
        let url = try TestServer.createDatabase()
        let store = try await SigningKeyTests.store(url)
        defer { store.shutdown() }
        let configuration = SigningKeyTests.configuration(url, keyFile: SigningKeyTests.temporaryPath())
        let keys = try await withThrowingTaskGroup(of: NoteVerifier.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    try await AuditLog.open(configuration: configuration, store: store, logger: TestServer.logger)
                        .verifier
                }
            }
            return try await group.reduce(into: Set<NoteVerifier>()) { $0.insert($1) }
        }
        #expect(keys.count == 1)
    }
}
