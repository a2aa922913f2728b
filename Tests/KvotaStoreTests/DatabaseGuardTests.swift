import Foundation
import KvotaCore
import Testing

@testable import KvotaStore

@Suite("The database guards the log")
struct DatabaseGuardTests {
    @Test(
        "UPDATE, DELETE and TRUNCATE on events are refused by the database itself",
        arguments: [
            "UPDATE events SET type = 'Changed'",
            "DELETE FROM events",
            "TRUNCATE events",
            "DELETE FROM log_head",
            "UPDATE log_head SET next_position = 0",
        ])
    func appendOnly(statement: String) async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        _ = try await store.append([Fixture.permit(), Fixture.permit()])
        let error = await #expect(throws: StoreError.self) {
            try await store.pool.withConnection { try $0.exec(statement) }
        }
        #expect(error?.code == .queryFailed)
        #expect(error?.sqlState == "42501")
        #expect(try await readAll(store).count == 2)
    }

    @Test("filters: by stream, by type, and a region's view (its streams and the shared ones)")
    func filters() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        _ = try await store.append([
            Fixture.permit("permit-f1", region: "KZ-75"), Fixture.permit("permit-f2", region: "KZ-11"),
            Fixture.quota(100), Fixture.permit("permit-f1", region: "KZ-11", type: "PermitRevoked"),
        ])
        #expect(try await readAll(store, filter: EventFilter(stream: "permit-f1")).map(\.position) == [0, 3])
        #expect(try await readAll(store, filter: EventFilter(type: "CeilingSet")).map(\.position) == [2])
        // permit-f1 belongs to KZ-75 (its first event's region), whatever later events say.
        #expect(try await readAll(store, filter: EventFilter(visibleToRegion: "KZ-75")).map(\.position) == [0, 2, 3])
        #expect(try await readAll(store, filter: EventFilter(visibleToRegion: "KZ-11")).map(\.position) == [1, 2])
        let page = try await store.read(after: 10, limit: 5)
        #expect(page.entries.isEmpty && page.next == 10 && page.head == 3)
    }

    @Test("scan reads every page in position order, one page ahead")
    func scanPages() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        for _ in 0..<5 { _ = try await store.append((0..<7).map { _ in Fixture.permit() }) }
        var pages: [[Int64]] = []
        for try await page in store.scan(after: 2, pageSize: 10) { pages.append(page.map(\.position)) }
        #expect(pages == [Array(3...12), Array(13...22), Array(23...32), [33, 34]])
    }

    @Test("an empty log has head -1")
    func emptyHead() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        let page = try await store.read()
        #expect(page.head == -1 && page.next == -1 && page.entries.isEmpty)
    }
}
