import Foundation
import KvotaCore
import Testing

@testable import KvotaStore

@Suite("Quota projections: inline, rebuilt and replayed agree")
struct QuotaProjectionTests {
    static let key = QuotaKey(year: 2025, line: .foreignLabour)

    static func tables(_ store: EventStore) async throws -> [String] {
        try await store.pool.withConnection { connection in
            var rows: [String] = []
            for sql in [
                "SELECT year, line, units, percent, labor_force, basis FROM quota_ceilings ORDER BY 1, 2",
                "SELECT year, line, region, allocated, in_use FROM quota_regions ORDER BY 1, 2, 3",
                "SELECT year, line, region, category, active FROM quota_region_categories ORDER BY 1, 2, 3, 4",
                "SELECT year, line, country, active FROM quota_origins ORDER BY 1, 2, 3",
                "SELECT year, line, sector, active FROM quota_sectors ORDER BY 1, 2, 3",
            ] {
                let result = try connection.exec("SELECT string_agg(t::text, ';') FROM (\(sql)) t")
                rows.append(result.isNull(0, 0) ? "" : result.string(0, 0))
            }
            return rows
        }
    }

    /// A day of activity: allocations in three regions, permits, revocations, a reallocation.
    static func activity(_ store: EventStore) async throws -> [Int64] {
        var heads: [Int64] = []
        func push(_ events: [ProposedEvent]) async throws {
            let statuses = try await store.append(events)
            #expect(statuses.allSatisfy { $0.isApplied }, "\(statuses)")
            heads.append(try await store.headPosition())
        }
        try await push([
            QuotaFixture.ceiling(50), QuotaFixture.allocation("KZ-75", 10), QuotaFixture.allocation("KZ-23", 5),
        ])
        let (almaty, filingA) = QuotaFixture.approvedApplication(region: "KZ-75", employer: 1, workers: 20)
        let (atyrau, filingB) = QuotaFixture.approvedApplication(region: "KZ-23", employer: 2, workers: 20)
        try await push(filingA + filingB)
        var almatyPermits: [ProposedEvent] = []
        for worker in 0..<6 {
            let permit = QuotaFixture.permit(application: almaty, region: "KZ-75", employer: 1, worker: worker)
            almatyPermits.append(permit)
            try await push(
                [permit, QuotaFixture.permit(application: atyrau, region: "KZ-23", employer: 2, worker: 100 + worker)]
                    .prefix(worker < 5 ? 2 : 1).map { $0 })
        }
        try await push([QuotaFixture.revoke(almatyPermits[0].stream), QuotaFixture.revoke(almatyPermits[3].stream)])
        try await push([QuotaFixture.allocation("KZ-75", 12), QuotaFixture.ceiling(40)])
        return heads
    }

    @Test(
        "the inline tables, a rebuild from the log, and a replay (from snapshots or from nothing) give the same picture",
        arguments: [0, 4])
    func inlineRebuildReplay(snapshotInterval: Int) async throws {
        let store = try await TestDatabase.store(rules: .quota, snapshotInterval: snapshotInterval)
        defer { store.shutdown() }
        _ = try await Self.activity(store)

        let inline = try await store.quotaProjection(Self.key)
        let head = try await store.headPosition()
        #expect(inline.position == head)
        #expect(inline == (try await store.quotaProjection(Self.key, atPosition: head)))
        #expect(inline.ceiling == 40 && inline.allocated == 17 && inline.inUse == 9)
        #expect(inline.regions.count == 20)
        #expect(inline.regions.first { $0.region == .almaty }!.inUse == 4)

        let before = try await Self.tables(store)
        let rebuilt = try await store.rebuildProjections()
        #expect(rebuilt.position == head)
        #expect(try await Self.tables(store) == before)
        #expect(try await store.quotaProjection(Self.key) == inline)

        let snapshots = try await store.pool.withConnection {
            try $0.query("SELECT count(DISTINCT position) FROM quota_snapshots").int64(0, 0)
        }
        #expect(snapshotInterval == 0 ? snapshots == 0 : snapshots >= 2, "\(snapshots) snapshots")

        // Every past position: replaying the prefix gives what the projection showed then.
        for position in Array(-1...head) {
            let past = try await store.quotaProjection(Self.key, atPosition: position)
            var state = QuotaState()
            for entry in try await readAll(store) where entry.position <= position {
                state.evolve(
                    try DomainEvent(stream: entry.event.stream, type: entry.event.type, data: entry.event.data),
                    position: entry.position)
            }
            #expect(past == QuotaProjection(key: Self.key, book: state.book(Self.key), position: position))
        }
    }

    @Test("asOf: the last event recorded at or before the time")
    func asOf() async throws {
        let store = try await TestDatabase.store(rules: .quota)
        defer { store.shutdown() }
        #expect(try await store.position(asOf: Timestamp(microsecondsSinceEpoch: 0)) == -1)
        _ = try await store.append([QuotaFixture.ceiling(10)])
        try await Task.sleep(for: .milliseconds(20))
        _ = try await store.append([QuotaFixture.ceiling(20)])
        let entries = try await readAll(store)
        let first = entries[0].event.recordedAt
        #expect(try await store.position(asOf: first) == 0)
        #expect(try await store.position(asOf: Timestamp(microsecondsSinceEpoch: first.microseconds - 1)) == -1)
        #expect(try await store.position(asOf: entries[1].event.recordedAt) == 1)
        #expect(try await store.quotaProjection(Self.key, asOf: first).ceiling == 10)
    }

    @Test("the operator's import keeps historical recordedAt, marks meta, and refuses going back in time")
    func importHistory() async throws {
        let store = try await TestDatabase.store(rules: .quota)
        defer { store.shutdown() }
        var january = QuotaFixture.ceiling(14_800)
        january.meta.recordedAt = Timestamp(rfc3339: "2025-01-06T05:00:00Z")!
        january.meta.occurredAt = Timestamp(rfc3339: "2025-01-06T04:55:00Z")!
        var march = QuotaFixture.ceiling(16_500)
        march.meta.recordedAt = Timestamp(rfc3339: "2025-03-14T06:00:00Z")!
        let statuses = try await store.importHistory([january, march], source: "test-history")
        #expect(statuses.allSatisfy { $0.isAccepted })
        let entries = try await readAll(store)
        #expect(entries.map(\.event.recordedAt) == [january.meta.recordedAt!, march.meta.recordedAt!])
        #expect(entries[0].event.meta.extra["import"] == ["source": "test-history"])

        var earlier = QuotaFixture.ceiling(1)
        earlier.meta.recordedAt = Timestamp(rfc3339: "2025-02-01T06:00:00Z")!
        guard case .rejected(let rejection) = try await store.importHistory([earlier], source: "test")[0] else {
            Issue.record("an import before the last event must be refused")
            return
        }
        #expect(rejection.field == "meta.recordedAt")
        // A normal append may not set recordedAt at all, and gets the server's clock after the history.
        guard case .rejected = try await store.append([earlier])[0] else {
            Issue.record("append must refuse a client-set recordedAt")
            return
        }
        _ = try await store.append([QuotaFixture.ceiling(16_700)])
        let last = try #require(try await readAll(store).last)
        #expect(last.event.recordedAt > march.meta.recordedAt!)
    }
}
