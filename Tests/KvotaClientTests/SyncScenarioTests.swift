import Foundation
import KvotaClient
import KvotaCore
import Testing

/// End to end: devices with their own journals against kvotad's application and a real PostgreSQL.
@Suite(.serialized) struct SyncScenarioTests {
    static let region = Region(rawValue: "KZ-75")!

    /// A ministry device that set a ceiling of 100 and allocated `units` to KZ-75.
    static func ministry(_ server: ClientTestServer, allocate units: Int64) async throws -> Device {
        let ministry = try await Device.make(server, token: try await server.token(.ministry), device: "ministry-1")
        try ministry.record { d in
            [
                d.setCeiling(
                    year: Scenario.year, line: Scenario.line, units: 100, basis: "order 1", percent: nil,
                    laborForce: nil),
                d.setAllocation(year: Scenario.year, line: Scenario.line, region: region.rawValue, units: units),
            ]
        }
        let report = try await ministry.sync()
        #expect(report.accepted == 2)
        return ministry
    }

    /// Files and approves an application, then issues `permits` permits against it; returns the permits.
    static func issue(_ device: Device, permits: Int, firstWorker: Int) throws -> [PendingEvent] {
        let id = UUID()
        try device.record { d in [d.fileApplication(Scenario.application(workers: 5), id: id)] }
        try device.record { d in [try d.decideApplication(id.lowercased, type: "ApplicationApproved")] }
        return try (0..<permits).flatMap { n in
            try device.record { d in [try d.issuePermit(Scenario.permit(id, worker: Scenario.worker(firstWorker + n)))]
            }
        }
    }

    @Test func twoOfflineDevicesOversubscribeAndAnApprovedReallocationReleasesTheHeldPermit() async throws {
        let server = try await ClientTestServer.started()
        let ministry = try await SyncScenarioTests.ministry(server, allocate: 3)
        let a = try await Device.region(server, "a")
        let b = try await Device.region(server, "b")

        // Offline, each device sees 3 units free and issues 2 permits.
        _ = try SyncScenarioTests.issue(a, permits: 2, firstWorker: 1)
        let held = try SyncScenarioTests.issue(b, permits: 2, firstWorker: 10)
        #expect(try await a.sync().accepted == 4)
        let second = try await b.sync()
        #expect(second.accepted == 3 && second.conflicts == 1)
        let open = try b.resolver.open()
        #expect(open.map(\.eventId) == [held[1].eventId])
        #expect(open.first?.outcome?.code == "quota-exhausted")
        #expect(open.first?.outcome?.current?["shortfall"]?.intValue == 1)
        #expect(Resolver.options(for: open[0]).contains("--request-reallocation UNITS"))

        // The clerk asks for one more unit; the permit is held until the ministry approves.
        let outcome = try b.resolver.requestReallocation(
            held[1].eventId.lowercased, units: 1, fromRegion: nil, justification: "second crew")
        let requestId = try #require(outcome.recorded.first?.data["requestId"]?.stringValue)
        let waiting = try await b.sync()
        #expect(waiting.accepted == 1 && waiting.released == 0)
        #expect(try b.journal.recorded([.held]).map(\.eventId) == [held[1].eventId])

        _ = try await ministry.sync()
        try ministry.record { d in
            [d.approveReallocation(year: Scenario.year, line: Scenario.line, requestId: requestId, units: nil)]
        }
        #expect(try await ministry.sync().accepted == 1)

        let released = try await b.sync()
        #expect(released.released == 1 && released.accepted == 1)
        #expect(try b.resolver.open().isEmpty)
        let quota = try await ServerAPI(profile: b.profile).quota(year: Scenario.year, line: Scenario.line)
        let row = quota["regions"]?.arrayValue?.first { $0["region"]?.stringValue == "KZ-75" }
        #expect(row?["allocated"]?.intValue == 4 && row?["inUse"]?.intValue == 4)
        // The offline picture, as of the last sync, is the server's.
        let cached = try #require(try b.journal.cachedQuota(year: Scenario.year, line: Scenario.line))
        #expect(try QuotaProjection(json: JSONParser.parse(cached.body)).inUse == 4)
        await server.stop()
    }

    @Test func aVersionConflictWhoseIntentStillHoldsIsRebasedAndReported() async throws {
        let server = try await ClientTestServer.started()
        let first = try await SyncScenarioTests.ministry(server, allocate: 3)
        let second = try await Device.make(server, token: try await server.token(.ministry), device: "ministry-2")
        _ = try await second.sync()
        try first.record { d in [d.setAllocation(year: Scenario.year, line: Scenario.line, region: "KZ-11", units: 5)] }
        try second.record { d in [d.setAllocation(year: Scenario.year, line: Scenario.line, region: "KZ-15", units: 5)]
        }
        #expect(try await first.sync().accepted == 1)
        let report = try await second.sync()
        #expect(report.rebased.count == 1 && report.accepted == 1 && report.conflicts == 0)
        #expect(try second.resolver.open().isEmpty)
        await server.stop()
    }

    @Test func aConflictThatNoLongerHoldsStaysForTheClerkWithItsDependents() async throws {
        let server = try await ClientTestServer.started()
        let ministry = try await SyncScenarioTests.ministry(server, allocate: 1)
        let device = try await Device.region(server, "d")
        let other = try await Device.region(server, "o")
        _ = try SyncScenarioTests.issue(other, permits: 1, firstWorker: 1)
        let permits = try SyncScenarioTests.issue(device, permits: 1, firstWorker: 2)
        // A later event of the held permit's stream: blocked behind it, dropped with it.
        let permitId = String(permits[0].stream.dropFirst("permit-".count))
        let revoke = try device.record { d in [try d.revokePermit(permitId, reason: "left")] }
        _ = try await other.sync()
        let report = try await device.sync()
        #expect(report.conflicts == 1 && report.blocked == 1)
        let blocked = try device.journal.recorded([.blocked])
        #expect(blocked.map(\.eventId) == revoke.map(\.eventId))
        #expect(blocked.first?.outcome?.blockedBy == permits[0].eventId)
        let dropped = try device.resolver.drop(permits[0].eventId.lowercased)
        #expect(Set(dropped.dropped) == Set([permits[0].eventId, revoke[0].eventId]))
        #expect(try device.resolver.open().isEmpty)
        #expect(try await device.sync().pushed == 0)
        _ = ministry
        await server.stop()
    }

    @Test func aSyncRidesOutTheServerBeingDownAndLosesNothing() async throws {
        let server = try await ClientTestServer.started()
        _ = try await SyncScenarioTests.ministry(server, allocate: 50)
        let device = try await Device.region(server, "d")
        let permits = try SyncScenarioTests.issue(device, permits: 5, firstWorker: 1)
        await server.stop()
        // The sync starts while the server is down; it comes back on the same port and database.
        let syncing = Task { try await device.sync(attempts: 40) }
        try await Task.sleep(for: .seconds(1))
        try await server.start()
        let report = try await syncing.value
        #expect(report.accepted == 7 && report.conflicts == 0)
        #expect(try device.journal.counts().values.reduce(0, +) == 0)
        for permit in permits {
            let page = try await ServerAPI(profile: device.profile).get("/v1/events?stream=\(permit.stream)")
            #expect(try page.json()["events"]?.arrayValue?.count == 1)
        }
        // A second sync has nothing to send and pulls nothing new.
        let again = try await device.sync()
        #expect(again.pushed == 0 && again.pulled == 0)
        await server.stop()
    }
}
