import Foundation
import KvotaClient
import KvotaCore
import Testing

/// The pull with several pages in flight (ministry and auditor tokens) and one at a time (regions):
/// every event stored once, in order, the cursor at the head.
@Suite(.serialized) struct PullTests {
    @Test func pagesFetchedAheadStoreTheWholeLogOnceForEveryPageSize() async throws {
        let server = try await ClientTestServer.started()
        _ = try await SyncScenarioTests.ministry(server, allocate: 50)
        let a = try await Device.region(server, "a")
        _ = try SyncScenarioTests.issue(a, permits: 5, firstWorker: 1)
        _ = try SyncScenarioTests.issue(a, permits: 4, firstWorker: 40)
        #expect(try await a.sync().accepted == 13)

        let auditorToken = try await server.token(.auditor)
        var heads: Set<Int64> = []
        for (page, ahead) in [(1, 3), (2, 4), (3, 3), (5, 2), (4, 1), (100, 3)] {
            let auditor = try await Device.make(server, token: auditorToken, device: "auditor-\(page)-\(ahead)")
            let report = try await auditor.sync(page: page, ahead: ahead)
            let count = try auditor.journal.pulledCount()
            #expect(report.pulled == count, "page \(page), \(ahead) ahead")
            #expect(try auditor.journal.cursor() == report.head, "page \(page), \(ahead) ahead")
            #expect(Int64(count) == report.head + 1, "page \(page), \(ahead) ahead: every position once")
            let pulled = try LocalView.pulledState(auditor.journal)
            #expect(pulled.position == report.head)
            #expect(pulled.state.permits.count == 9)
            heads.insert(report.head)
        }
        #expect(heads.count == 1)

        // A region's log has gaps (it sees its own streams): one page at a time, the same events as one big page.
        let b = try await Device.make(
            server, token: try await server.token(.region, Region(rawValue: "KZ-75")), device: "b")
        let small = try await b.sync(page: 2, ahead: 3)
        let c = try await Device.make(
            server, token: try await server.token(.region, Region(rawValue: "KZ-75")), device: "c")
        let large = try await c.sync()
        #expect(small.pulled == large.pulled)
        #expect(try b.journal.pulledCount() == c.journal.pulledCount())

        // Pages fetched ahead on a log with gaps (a region's token in a profile that says ministry):
        // the pages asked for overlap, and each event is still stored once.
        let d = try await Device.make(
            server, token: try await server.token(.region, Region(rawValue: "KZ-75")), device: "d")
        var profile = d.profile
        profile.role = .ministry
        let misled = Device(paths: d.paths, profile: profile, journal: d.journal)
        let gapped = try await misled.sync(page: 2, ahead: 3)
        #expect(gapped.pulled == large.pulled)
        #expect(try d.journal.pulledCount() == c.journal.pulledCount())
        #expect(try d.journal.cursor() == c.journal.cursor())
    }
}
