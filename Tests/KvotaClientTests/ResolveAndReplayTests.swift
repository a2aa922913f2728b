import Foundation
import GRDB
import KvotaClient
import KvotaCore
import Testing

/// `kvota conflicts resolve --amend | --rebase` and `kvota audit replay`, end to end against kvotad and
/// PostgreSQL.
@Suite(.serialized) struct ResolveAndReplayTests {
    /// Two devices of one region, each holding an approved application; `other`'s permit for worker 1
    /// is synced, then `device` issues one for the same worker offline and syncs: `duplicate-worker`.
    static func duplicateWorker(_ server: ClientTestServer) async throws -> (Device, Device, PendingEvent) {
        _ = try await SyncScenarioTests.ministry(server, allocate: 10)
        let other = try await Device.region(server, "o")
        let device = try await Device.region(server, "d")
        _ = try SyncScenarioTests.issue(other, permits: 1, firstWorker: 1)
        let permit = try #require(try SyncScenarioTests.issue(device, permits: 1, firstWorker: 1).first)
        #expect(try await other.sync().accepted == 3)
        let report = try await device.sync()
        #expect(report.accepted == 2 && report.conflicts == 1)
        return (other, device, permit)
    }

    @Test func anAmendedPermitGoesThroughOnTheNextSync() async throws {
        let server = try await ClientTestServer.started()
        let (_, device, permit) = try await ResolveAndReplayTests.duplicateWorker(server)
        let open = try device.resolver.open()
        #expect(open.map(\.eventId) == [permit.eventId])
        #expect(open.first?.outcome?.code == "duplicate-worker")
        #expect(Resolver.options(for: open[0]) == ["--amend workerRef=REF", "--drop"])

        // Still the same worker: refused by the rules against the pulled state, nothing changed.
        #expect(throws: ClientError.self) {
            try device.resolver.amend(permit.eventId.lowercased, ["workerRef=\(Scenario.worker(1))"])
        }
        #expect(try device.journal.recorded(id: permit.eventId.lowercased).state == .conflict)

        let amended = try device.resolver.amend(permit.eventId.lowercased, ["workerRef=\(Scenario.worker(2))"])
        #expect(amended.message.contains("amended"))
        let pending = try device.journal.recorded(id: permit.eventId.lowercased)
        #expect(pending.state == .pending && pending.data["workerRef"]?.stringValue == Scenario.worker(2))
        let report = try await device.sync()
        #expect(report.accepted == 1 && report.conflicts == 0)
        #expect(try device.resolver.open().isEmpty)
        let page = try await ServerAPI(profile: device.profile).get("/v1/events?stream=\(permit.stream)")
        let stored = try #require(try page.json()["events"]?.arrayValue?.first)
        #expect(stored["data"]?["workerRef"]?.stringValue == Scenario.worker(2))
        await server.stop()
    }

    @Test func badResolutionsNameTheirFieldAndChangeNothing() async throws {
        let server = try await ClientTestServer.started()
        let (_, device, permit) = try await ResolveAndReplayTests.duplicateWorker(server)
        let id = permit.eventId.lowercased
        func field(_ body: () throws -> Void) -> String? {
            do {
                try body()
                return nil
            } catch let error as ClientError { return error.field } catch { return "\(error)" }
        }
        #expect(field { _ = try device.resolver.amend(id, ["workerRef"]) } == "--amend")
        #expect(field { _ = try device.resolver.amend(id, ["=x"]) } == "--amend")
        #expect(field { _ = try device.resolver.amend(id, ["year=next"]) } == "year")
        // A reallocation request resolves a permit refused quota-exhausted, not this one.
        #expect(
            field {
                _ = try device.resolver.requestReallocation(id, units: 1, fromRegion: nil, justification: nil)
            } == "--request-reallocation")
        #expect(field { _ = try device.resolver.drop("ffffffff") } == "ID")
        let after = try device.journal.recorded(id: id)
        #expect(after.state == .conflict && after.data == permit.data)
        await server.stop()
    }

    @Test func aVersionConflictThatNoLongerHoldsIsAmendedOntoTheNewVersion() async throws {
        let server = try await ClientTestServer.started()
        _ = try await SyncScenarioTests.ministry(server, allocate: 10)
        let a = try await Device.region(server, "a")
        let permits = try SyncScenarioTests.issue(a, permits: 1, firstWorker: 1)
        _ = try await a.sync()
        let b = try await Device.region(server, "b")
        let permitId = String(permits[0].stream.dropFirst("permit-".count))
        // Both extend the permit offline; b's extension, to an earlier day than a's, loses the race and
        // cannot be rebased: after a's it would shorten the permit.
        try a.record { d in [try d.extendPermit(permitId, validUntil: "2027-01-31")] }
        let extended = try b.record { d in [try d.extendPermit(permitId, validUntil: "2027-01-15")] }
        let id = extended[0].eventId.lowercased
        #expect(try await a.sync().accepted == 1)
        let report = try await b.sync()
        #expect(report.rebased.isEmpty && report.conflicts == 1)
        let open = try #require(try b.resolver.open().first)
        #expect(open.outcome?.code == "version" && Resolver.options(for: open) == ["--rebase", "--drop"])
        do {
            _ = try b.resolver.rebase(id)
            Issue.record("a rebase the rules refuse went through")
        } catch { #expect(error.kind == .refused && error.message.contains("validUntil")) }
        #expect(try b.journal.recorded(id: id).expectedVersion == extended[0].expectedVersion)

        _ = try b.resolver.amend(id, ["validUntil=2027-03-31"])
        let amended = try b.journal.recorded(id: id)
        #expect(amended.state == .pending && amended.expectedVersion == .exact(1))
        #expect(try await b.sync().accepted == 1)
        #expect(try b.resolver.open().isEmpty)
        // An event waiting for its sync is not a conflict: nothing to resolve.
        let pending = try b.record { d in [try d.revokePermit(permitId, reason: "left")] }
        #expect(throws: ClientError.self) { try b.resolver.drop(pending[0].eventId.lowercased) }
        #expect(try b.journal.recorded(id: pending[0].eventId.lowercased).state == .pending)
        await server.stop()
    }

    @Test func theReplayEqualsTheServersProjectionAndFindsADamagedJournal() async throws {
        let server = try await ClientTestServer.started()
        let ministry = try await SyncScenarioTests.ministry(server, allocate: 10)
        let device = try await Device.region(server, "d")
        _ = try SyncScenarioTests.issue(device, permits: 3, firstWorker: 1)
        _ = try await device.sync()
        let middle = Timestamp.now
        try await Task.sleep(for: .milliseconds(20))
        _ = try SyncScenarioTests.issue(device, permits: 2, firstWorker: 10)
        _ = try await device.sync()
        _ = try await ministry.sync()

        for who in [ministry, device] {
            let api = ServerAPI(profile: who.profile)
            let now = try await AuditReplay.run(who.journal, api: api, profile: who.profile, asOf: nil)
            #expect(now.differences.isEmpty)
            let key = try #require(now.projections.keys.first)
            #expect(now.projections[key]?.inUse == 5)
            let then = try await AuditReplay.run(who.journal, api: api, profile: who.profile, asOf: middle)
            #expect(then.differences.isEmpty && then.position < now.position)
            #expect(then.projections[key]?.inUse == 3)
        }

        // The first permit deleted from the ministry's journal behind the client's back: the replay
        // (through the same last position) differs from the server's.
        let queue = try DatabaseQueue(path: ministry.paths.journalFile(profile: ministry.profile.name).path)
        try await queue.write { db in
            try db.execute(
                sql:
                    "DELETE FROM events WHERE position = (SELECT min(position) FROM events WHERE type = 'PermitIssued')"
            )
        }
        try queue.close()
        let damaged = try await AuditReplay.run(
            ministry.journal, api: ServerAPI(profile: ministry.profile), profile: ministry.profile, asOf: nil)
        let described = damaged.differences.map(\.description)
        #expect(described.contains { $0.hasSuffix("in use: replayed 4, server 5") }, "\(described)")
        #expect(described.contains { $0.contains("KZ-75 in use: replayed 4, server 5") })
        await server.stop()
    }
}
