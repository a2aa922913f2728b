import Foundation
import Testing

@testable import KvotaStore

@Suite("Migrations")
struct MigrationTests {
    @Test("servers migrating the same database at once apply each migration exactly once")
    func concurrentMigrate() async throws {
        let url = try TestDatabase.create()
        let stores = try (0..<4).map { _ in
            try EventStore(configuration: StoreConfiguration(databaseURL: url), logger: TestDatabase.logger)
        }
        defer { stores.forEach { $0.shutdown() } }
        let reports = try await withThrowingTaskGroup(of: MigrationReport.self) { group in
            for store in stores { group.addTask { try await store.migrate() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let latest = Migration.all.map(\.version).max()!
        #expect(reports.allSatisfy { $0.version == latest })
        #expect(reports.map(\.applied.count).reduce(0, +) == Migration.all.count)
        try await stores[0].checkReady()
        let again = try await stores[1].migrate()
        #expect(again.applied.isEmpty)
    }

    @Test("an applied migration whose text changed is refused")
    func editedMigration() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        _ = try await store.pool.withConnection {
            try $0.exec("UPDATE kvota_migrations SET checksum = 'abc' WHERE version = 1")
        }
        let error = await #expect(throws: StoreError.self) { try await store.migrate() }
        #expect(error?.code == .migration)
        #expect(error?.message.contains("was edited after it was applied") == true)
    }

    @Test("a database migrated by a newer build is refused")
    func newerSchema() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        _ = try await store.pool.withConnection {
            try $0.exec("INSERT INTO kvota_migrations (version, name, checksum) VALUES (9999, '9999_future', 'x')")
        }
        let error = await #expect(throws: StoreError.self) { try await store.migrate() }
        #expect(error?.code == .schema)
        await #expect(throws: StoreError.self) { try await store.checkReady() }
    }

    @Test("the migrations embedded in the binary are exactly schema/migrations (run tools/gen-migrations)")
    func embeddedMatchesSchema() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let directory = root.appendingPathComponent("schema/migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }
            .sorted()
        #expect(files.map { String($0.dropLast(4)) } == Migration.all.map(\.name))
        for (file, migration) in zip(files, Migration.all) {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            #expect(
                text.trimmingCharacters(in: .newlines) == migration.sql.trimmingCharacters(in: .newlines), "\(file)")
        }
    }
}
