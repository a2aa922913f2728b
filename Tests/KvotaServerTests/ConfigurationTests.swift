import KvotaServer
import Testing

@Suite("Server settings from the environment")
struct ConfigurationTests {
    @Test("every KVOTA_ key is read; defaults hold when unset")
    func keys() throws {
        let defaults = try ServerConfiguration.fromEnvironment([:])
        #expect(defaults.maxBodyBytes == 8 * 1024 * 1024)
        #expect(defaults.maxPushEvents == 10_000)
        #expect(defaults.maxConcurrentPushes == 256)
        #expect(defaults.requestTimeoutSeconds == 30)
        #expect(defaults.tokenCacheSeconds == 2)
        #expect(defaults.snapshotInterval == 100_000)
        let set = try ServerConfiguration.fromEnvironment([
            "KVOTA_HTTP_ADDRESS": "[::1]:9090", "KVOTA_MAX_BODY_BYTES": "1024", "KVOTA_MAX_PUSH_EVENTS": "5",
            "KVOTA_MAX_CONCURRENT_PUSHES": "3", "KVOTA_REQUEST_TIMEOUT_SECONDS": "7", "KVOTA_TOKEN_CACHE_SECONDS": "0",
            "KVOTA_SNAPSHOT_INTERVAL": "0", "KVOTA_DB_POOL_SIZE": "2",
        ])
        #expect(set.host == "::1")
        #expect(set.port == 9090)
        #expect(set.maxBodyBytes == 1024)
        #expect(set.maxPushEvents == 5)
        #expect(set.maxConcurrentPushes == 3)
        #expect(set.requestTimeoutSeconds == 7)
        #expect(set.tokenCacheSeconds == 0)
        #expect(set.storeConfiguration(databaseURL: "x").snapshotInterval == 0)
        #expect(set.storeConfiguration(databaseURL: "x").maxConnections == 2)
    }

    @Test("a bad value names the key and the rule")
    func badValues() {
        for (key, value) in [
            ("KVOTA_MAX_BODY_BYTES", "0"), ("KVOTA_MAX_PUSH_EVENTS", "many"), ("KVOTA_TOKEN_CACHE_SECONDS", "-1"),
            ("KVOTA_HTTP_ADDRESS", "localhost"),
        ] {
            #expect {
                _ = try ServerConfiguration.fromEnvironment([key: value])
            } throws: { error in
                (error as? ConfigurationError)?.key == key
            }
        }
    }
}
