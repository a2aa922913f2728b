import Foundation
import KvotaCore
import Testing

@testable import KvotaStore

@Suite("Connection failures", .serialized)
struct ConnectionFailureTests {
    @Test(
        "a malformed connection string is refused at once, naming the setting",
        arguments: [
            "host=localhost dbname", "postgresql://localhost/kvota?nosuchoption=1", "postgresql://[::1/kvota",
        ])
    func badConnectionString(url: String) {
        let error = #expect(throws: StoreError.self) {
            _ = try EventStore(configuration: StoreConfiguration(databaseURL: url), logger: TestDatabase.logger)
        }
        #expect(error?.code == .badConnectionString)
        #expect(error?.message.contains("KVOTA_DATABASE_URL") == true)
    }

    @Test("a database nobody listens on gives a clear, retryable error")
    func nothingListening() async throws {
        let port = try #require(LoopbackPort.free())
        let store = try EventStore(
            configuration: StoreConfiguration(
                databaseURL: "postgresql://postgres@127.0.0.1:\(port)/kvota?connect_timeout=2", rules: .envelopeOnly),
            logger: TestDatabase.logger)
        defer { store.shutdown() }
        let error = await #expect(throws: StoreError.self) { try await store.append([Fixture.permit()]) }
        #expect(error?.code == .unavailable)
        #expect(error?.isRetryable == true)
        #expect(error?.message.contains("cannot connect to PostgreSQL") == true)
    }

    @Test("the store survives a PostgreSQL restart: calls fail clearly while it is down, then work again")
    func survivesRestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kvota-restart-\(UUID().uuidString)"
        ).path
        let postgres = EmbeddedPostgres(directory: directory)
        defer {
            try? postgres.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let url = try postgres.start()
        let store = try EventStore(
            configuration: StoreConfiguration(databaseURL: url, maxConnections: 4, rules: .envelopeOnly),
            logger: TestDatabase.logger)
        defer { store.shutdown() }
        try await store.migrate()
        _ = try await store.append([Fixture.permit("permit-before")])

        try postgres.stop()
        let down = await #expect(throws: StoreError.self) { try await store.append([Fixture.permit("permit-down")]) }
        #expect(down?.isRetryable == true)
        #expect([StoreError.Code.unavailable, .connectionLost].contains(down?.code))
        await #expect(throws: StoreError.self) { try await store.read() }

        try postgres.start()
        let after = try await store.append([Fixture.permit("permit-after")])
        #expect(after == [.accepted(position: 1, version: 0)])
        #expect(try await readAll(store).map(\.event.stream) == ["permit-before", "permit-after"])
    }

    @Test("appends in flight when PostgreSQL restarts fail retryably; retried, every event is stored exactly once")
    func restartDuringAppends() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kvota-crash-\(UUID().uuidString)"
        ).path
        let postgres = EmbeddedPostgres(directory: directory)
        defer {
            try? postgres.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        let url = try postgres.start()
        let store = try EventStore(
            configuration: StoreConfiguration(databaseURL: url, rules: .envelopeOnly), logger: TestDatabase.logger)
        defer { store.shutdown() }
        try await store.migrate()

        let writers = 4
        let batches = 40
        let appending = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        var failures = 0
                        for round in 0..<batches {
                            let batch = (0..<10).map { index in
                                Fixture.permit(
                                    "permit-\(writer)-\(round)-\(index)",
                                    id: ConnectionFailureTests.id(writer, round, index))
                            }
                            // Retry until it goes through, as a client does: eventIds make retries safe.
                            while true {
                                do {
                                    let statuses = try await store.append(batch)
                                    #expect(statuses.allSatisfy { $0.isApplied })
                                    break
                                } catch let error as StoreError {
                                    #expect(error.isRetryable, "not retryable: \(error)")
                                    failures += 1
                                    try await Task.sleep(for: .milliseconds(50))
                                }
                            }
                        }
                        return failures
                    }
                }
                return try await group.reduce(0, +)
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        try postgres.stop()
        try await Task.sleep(for: .milliseconds(300))
        try postgres.start()
        _ = try await appending.value

        let entries = try await readAll(store)
        #expect(entries.count == writers * batches * 10)
        ConcurrencyTests.expectWellFormed(entries)
    }

    /// Deterministic event ids, so that a retry after an unknown outcome resends the same ones.
    static func id(_ writer: Int, _ round: Int, _ index: Int) -> UUID {
        UUID(uuidString: String(format: "00000000-0000-4000-8000-%04x%04x%04x", writer, round, index))!
    }
}
