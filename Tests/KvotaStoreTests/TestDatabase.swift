import Foundation
import KvotaCore
import Logging
import Testing

@testable import KvotaStore

/// A fresh database on the PostgreSQL cluster that `tools/test` started (KVOTA_TEST_DATABASE_URL).
enum TestDatabase {
    static var adminURL: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["KVOTA_TEST_DATABASE_URL"], !url.isEmpty else {
                throw StoreError(
                    .unavailable,
                    "KVOTA_TEST_DATABASE_URL is not set: run the suite with tools/test, which starts PostgreSQL for it")
            }
            return url
        }
    }

    static let logger: Logger = {
        var logger = Logger(label: "kvota.test")
        logger.logLevel = .error
        return logger
    }()

    /// Creates an empty database and returns its connection string.
    static func create() throws -> String {
        let name = "kvota_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        return try DatabaseAdmin.createIfMissing(String(name), adminConninfo: try adminURL)
    }

    /// A migrated store on a fresh database.
    static func store(maxConnections: Int = 8, rules: RuleSet = .envelopeOnly, snapshotInterval: Int = 100_000)
        async throws -> EventStore
    {
        var configuration = StoreConfiguration(databaseURL: try create(), maxConnections: maxConnections, rules: rules)
        configuration.snapshotInterval = snapshotInterval
        let store = try EventStore(configuration: configuration, logger: logger)
        try await store.migrate()
        return store
    }
}

/// Events for tests: small, valid, in the quota vocabulary's shape.
enum Fixture {
    static func permit(
        _ stream: String = "permit-\(UUID().uuidString.lowercased())", expected: ExpectedVersion = .any,
        id: UUID = UUID(), region: String = "KZ-75", cause: UUID? = nil, type: String = "PermitIssued"
    ) -> ProposedEvent {
        ProposedEvent(
            eventId: id, stream: stream, expectedVersion: expected, type: type,
            data: JSONObject(["region": .string(region), "year": 2025, "category": "cat3"]),
            meta: EventMetadata(
                actor: "test", role: "region", region: region, deviceId: "dev-1",
                occurredAt: Timestamp(microsecondsSinceEpoch: 1_750_000_000_000_000), causationId: cause))
    }

    static func quota(_ units: Int64, expected: ExpectedVersion = .any) -> ProposedEvent {
        ProposedEvent(
            stream: "quota-2025-foreign-labour", expectedVersion: expected, type: "CeilingSet",
            data: JSONObject(["units": .int(units), "basis": "test"]),
            meta: EventMetadata(actor: "ministry", role: "ministry", occurredAt: Timestamp(microsecondsSinceEpoch: 0)))
    }
}

extension AppendStatus {
    var conflictCode: String? {
        if case .conflict(let conflict) = self { return conflict.code }
        return nil
    }
}

/// Reads the whole log of a store.
func readAll(_ store: EventStore, filter: EventFilter = .all) async throws -> [LogEntry] {
    var entries: [LogEntry] = []
    var after: Int64? = nil
    while true {
        let page = try await store.read(after: after, limit: 500, filter: filter)
        entries += page.entries
        if page.entries.isEmpty { return entries }
        after = page.next
    }
}
