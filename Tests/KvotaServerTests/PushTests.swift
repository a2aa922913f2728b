import Foundation
import KvotaCore
import KvotaServer
import Testing

/// A server with a ministry token, an Almaty (KZ-75) and an Astana (KZ-71) region token, and a 2026
/// ceiling of `ceiling` with `almatyUnits` allocated to Almaty.
struct Deployment {
    let server: TestServer
    let ministry: API
    let almaty: API
    let astana: API
    let auditor: API

    static func start(
        ceiling: Int64 = 1000, almatyUnits: Int64 = 100, configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> Deployment {
        let server = try await TestServer.start(configure: configure)
        let deployment = Deployment(
            server: server, ministry: API(server, token: try await server.token(.ministry)),
            almaty: API(server, token: try await server.token(.region, .almaty)),
            astana: API(server, token: try await server.token(.region, .astana)),
            auditor: API(server, token: try await server.token(.auditor)))
        if ceiling > 0 {
            let results = try await deployment.ministry.pushStatuses([
                Items.ceiling(ceiling), Items.allocation("KZ-75", almatyUnits),
            ])
            #expect(results.map(\.status) == ["accepted", "accepted"])
        }
        return deployment
    }

    func stop() async { await server.stop() }
}

@Suite("Push over HTTP (contract, Push)")
struct PushTests {
    @Test("accepted items carry position and version; a retry answers duplicate with the same positions")
    func acceptedThenDuplicate() async throws {
        let deployment = try await Deployment.start(ceiling: 0)
        defer { Task { await deployment.stop() } }
        let items = [Items.ceiling(500), Items.allocation("KZ-75", 50)]
        let first = try await deployment.ministry.push(items)
        #expect(first.status == 200)
        #expect(first.contentType == "application/json")
        #expect(first.headers["x-request-id"]?.isEmpty == false)
        let results = (first["results"]?.arrayValue ?? []).compactMap(\.objectValue)
        #expect(results.map(\.status) == ["accepted", "accepted"])
        #expect(results.map { $0["position"]?.intValue } == [0, 1])
        #expect(results.map { $0["version"]?.intValue } == [0, 1])
        #expect(results[0]["eventId"] == items[0]["eventId"])
        #expect(first["head"]?.intValue == 1)

        let retry = try await deployment.ministry.pushStatuses(items)
        #expect(retry.map(\.status) == ["duplicate", "duplicate"])
        #expect(retry.map { $0["position"]?.intValue } == [0, 1])
    }

    @Test("the server writes meta from the token and the request: actor, role, region, deviceId")
    func metaFromToken() async throws {
        let deployment = try await Deployment.start()
        defer { Task { await deployment.stop() } }
        let (_, application) = Items.application()
        let results = try await deployment.almaty.pushStatuses(application, deviceId: "almaty-laptop-3")
        #expect(results.map(\.status) == ["accepted", "accepted"])
        let page = try await deployment.almaty.get("/v1/events?after=1")
        let events = try #require(page["events"]?.arrayValue)
        let meta = try #require(events.first?["meta"]?.objectValue)
        #expect(meta["role"] == "region")
        #expect(meta["region"] == "KZ-75")
        #expect(meta["deviceId"] == "almaty-laptop-3")
        #expect(meta["actor"]?.stringValue?.hasPrefix("region-KZ-75") == true)
        #expect(meta["recordedAt"]?.stringValue != nil)
    }

    @Test("whole-request errors are problem+json: no token 401, bad token 401, auditor 403, bad JSON 400")
    func requestErrors() async throws {
        let deployment = try await Deployment.start(ceiling: 0)
        defer { Task { await deployment.stop() } }
        let item = [Items.ceiling(10)]
        let anonymous = try await API(deployment.server).push(item)
        #expect(anonymous.status == 401)
        #expect(anonymous.contentType == "application/problem+json")
        #expect(anonymous["code"] == "unauthorized")
        #expect(anonymous["requestId"]?.stringValue == anonymous.headers["x-request-id"])
        let forged = try await API(deployment.server, token: "kvt_not-a-real-token").push(item)
        #expect(forged.status == 401)
        let auditor = try await deployment.auditor.push(item)
        #expect(auditor.status == 403)
        #expect(auditor["code"] == "forbidden")
        let malformed = try await deployment.ministry.post(
            "/v1/sync/push", raw: Array(#"{"deviceId":"d","events":[{"#.utf8))
        #expect(malformed.status == 400)
        #expect(malformed["code"] == "malformed-json")
        let wrongShape = try await deployment.ministry.post("/v1/sync/push", json: ["deviceId": "d", "events": "all"])
        #expect(wrongShape.status == 400)
        #expect(wrongShape["code"] == "invalid-request")
        #expect(wrongShape["field"] == "events")
        let noDevice = try await deployment.ministry.post("/v1/sync/push", json: ["events": .array(item)])
        #expect(noDevice["field"] == "deviceId")
        let unknownRoute = try await deployment.ministry.send("GET", "/v1/nothing-here", record: false)
        #expect(unknownRoute.status == 404)
        #expect(unknownRoute.contentType == "application/problem+json")
        #expect(try await deployment.ministry.pushStatuses(item).map(\.status) == ["accepted"])
    }

    @Test("a revoked token stops working (cache off)")
    func revokedToken() async throws {
        let server = try await TestServer.start { $0.tokenCacheSeconds = 0 }
        defer { Task { await server.stop() } }
        let secret = try await server.token(.ministry, name: "clerk-7")
        let api = API(server, token: secret)
        #expect(try await api.get("/v1/token").status == 200)
        #expect(try await api.get("/v1/token")["name"] == "clerk-7")
        try await server.store.revokeToken(name: "clerk-7")
        #expect(try await api.get("/v1/token").status == 401)
    }

    @Test("bodies over the limit get 413 body-too-large; batches over the item limit 413 batch-too-large")
    func limits() async throws {
        let deployment = try await Deployment.start(ceiling: 0) {
            $0.maxBodyBytes = 4096
            $0.maxPushEvents = 3
        }
        defer { Task { await deployment.stop() } }
        let large = try await deployment.ministry.push([
            Items.item(Items.quota, "CeilingSet", ["units": 10, "basis": .string(String(repeating: "x", count: 8000))])
        ])
        #expect(large.status == 413)
        #expect(large["code"] == "body-too-large")
        let many = try await deployment.ministry.push((0..<4).map { _ in Items.ceiling(10) })
        #expect(many.status == 413)
        #expect(many["code"] == "batch-too-large")
        #expect(try await deployment.ministry.pushStatuses([Items.ceiling(10)]).map(\.status) == ["accepted"])
    }

    @Test("malformed items are rejected in place, naming the field; later items of their stream are blocked")
    func malformedItems() async throws {
        let deployment = try await Deployment.start()
        defer { Task { await deployment.stop() } }
        let (_, application) = Items.application()
        var broken = application[0].objectValue!
        broken = JSONObject(broken.members.map { $0.key == "eventId" ? .init("eventId", "not-a-uuid") : $0 })
        let notObject: JSONValue = 42
        var badTime = Items.allocation("KZ-71", 5).objectValue!
        badTime = JSONObject(badTime.members.map { $0.key == "occurredAt" ? .init("occurredAt", "yesterday") : $0 })
        var withMeta = Items.allocation("KZ-71", 5).objectValue!
        withMeta = JSONObject(withMeta.members + [.init("meta", ["actor": "someone else"])])
        var badVersion = Items.allocation("KZ-71", 5).objectValue!
        badVersion = JSONObject(
            badVersion.members.map { $0.key == "expectedVersion" ? .init("expectedVersion", -2) : $0 })
        let results = try await deployment.almaty.pushStatuses([
            .object(broken), application[1], notObject,
        ])
        #expect(results.map(\.status) == ["rejected", "blocked", "rejected"])
        #expect(results[0]["field"] == "eventId")
        #expect(results[0]["eventId"] == "not-a-uuid")
        #expect(results[2]["eventId"] == .null)
        let ministry = try await deployment.ministry.pushStatuses([
            .object(badTime), .object(withMeta), .object(badVersion),
        ])
        // Each is wrong itself: `rejected` comes before `blocked` in the contract's precedence.
        #expect(ministry.map(\.status) == ["rejected", "rejected", "rejected"])
        #expect(ministry[0]["field"] == "occurredAt")
        let alone = try await deployment.ministry.pushStatuses([.object(withMeta)])
        #expect(alone[0]["field"] == "meta")
        let version = try await deployment.ministry.pushStatuses([.object(badVersion)])
        #expect(version[0]["field"] == "expectedVersion")
    }

    @Test("unknown types, wrong data types, invalid identifiers and foreign regions are rejected with their code")
    func rejections() async throws {
        let deployment = try await Deployment.start()
        defer { Task { await deployment.stop() } }
        let (application, filing) = Items.application()
        #expect(try await deployment.almaty.pushStatuses(filing).map(\.status) == ["accepted", "accepted"])
        let unknownType = Items.item("permit-\(UUID().lowercased)", "PermitTeleported", [:])
        let wrongType = Items.item(Items.quota, "AllocationSet", ["region": "KZ-75", "units": "ten"])
        let badStream = Items.item("permit-../../etc", "PermitRevoked", ["reason": "x"])
        let foreign = Items.permit(application: application, region: "KZ-71", worker: 1)
        let cases: [(API, JSONValue, String, String?)] = [
            (deployment.almaty, unknownType, "unknown-type", nil),
            (deployment.ministry, wrongType, "invalid-field", "data.units"),
            (deployment.almaty, badStream, "invalid-field", "stream"),
            (deployment.almaty, foreign, "forbidden", nil),
            (deployment.almaty, Items.ceiling(5), "forbidden", nil),
            (deployment.ministry, Items.permit(application: application, worker: 2), "forbidden", nil),
        ]
        for (api, item, code, field) in cases {
            let result = try #require(try await api.pushStatuses([item]).first)
            #expect(result.status == "rejected", "\(item)")
            #expect(result.code == code, "\(item): \(result)")
            if let field { #expect(result["field"]?.stringValue == field, "\(result)") }
            #expect(result["message"]?.stringValue?.isEmpty == false)
        }
    }

    @Test("causation: an unknown cause is rejected; a failed cause blocks its dependents")
    func causation() async throws {
        let deployment = try await Deployment.start()
        defer { Task { await deployment.stop() } }
        let unknown = try await deployment.ministry.pushStatuses([
            Items.item(Items.quota, "AllocationSet", ["region": "KZ-71", "units": 5], cause: UUID())
        ])
        #expect(unknown.first?.code == "unknown-cause")
        let causeId = UUID()
        let results = try await deployment.ministry.pushStatuses([
            Items.item(Items.quota, "AllocationSet", ["region": "KZ-71", "units": 5_000], id: causeId),
            Items.item(Items.quota, "AllocationSet", ["region": "KZ-10", "units": 5], cause: causeId),
        ])
        #expect(results.map(\.status) == ["conflict", "blocked"])
        #expect(results[1]["blockedBy"]?.stringValue == causeId.lowercased)
    }

    @Test("every conflict code comes back with the data to resolve it")
    func conflicts() async throws {
        let deployment = try await Deployment.start(ceiling: 1000, almatyUnits: 2)
        defer { Task { await deployment.stop() } }
        let (application, filing) = Items.application(workers: 3)
        #expect(try await deployment.almaty.pushStatuses(filing).map(\.status) == ["accepted", "accepted"])

        // version: the application stream is at version 1.
        let version = try await deployment.almaty.pushStatuses([
            Items.item("application-\(application.lowercased)", "ApplicationWithdrawn", [:], expected: 0)
        ])
        #expect(version.first?.code == "version")
        #expect(version.first?["current"]?["version"]?.intValue == 1)

        // duplicate-worker, then quota-exhausted, then application-exhausted.
        let permitId = UUID()
        let permits = try await deployment.almaty.pushStatuses([
            Items.permit(application: application, worker: 1, id: permitId),
            Items.permit(application: application, worker: 1),
            Items.permit(application: application, worker: 2),
            Items.permit(application: application, worker: 3),
        ])
        #expect(permits.map(\.status) == ["accepted", "conflict", "accepted", "conflict"])
        #expect(permits[1].code == "duplicate-worker")
        #expect(permits[1]["current"]?["permit"]?.stringValue == permitId.lowercased)
        #expect(permits[3].code == "quota-exhausted")
        let exhausted = try #require(permits[3]["current"]?.objectValue)
        #expect(exhausted["region"] == "KZ-75")
        #expect(exhausted["allocated"]?.intValue == 2)
        #expect(exhausted["inUse"]?.intValue == 2)
        #expect(exhausted["shortfall"]?.intValue == 1)
        _ = try await deployment.ministry.pushStatuses([Items.allocation("KZ-75", 10)])
        #expect(
            try await deployment.almaty.pushStatuses([Items.permit(application: application, worker: 3)]).first?.status
                == "accepted")
        let applicationExhausted = try await deployment.almaty.pushStatuses([
            Items.permit(application: application, worker: 4)
        ])
        #expect(applicationExhausted.first?.code == "application-exhausted")
        #expect(applicationExhausted.first?["current"]?["workers"]?.intValue == 3)

        // invalid-state: revoking twice.
        let stream = "permit-\(permitId.lowercased)"
        let revoke = Items.item(stream, "PermitRevoked", ["reason": "left"])
        let revokeAgain = Items.item(stream, "PermitRevoked", ["reason": "left again"])
        let states = try await deployment.almaty.pushStatuses([revoke, revokeAgain])
        #expect(states.map(\.status) == ["accepted", "conflict"])
        #expect(states[1].code == "invalid-state")
        #expect(states[1]["current"]?["state"] == "revoked")

        // ceiling-exceeded: more than the reserve.
        let ceiling = try await deployment.ministry.pushStatuses([Items.allocation("KZ-71", 995)])
        #expect(ceiling.first?.code == "ceiling-exceeded")
        #expect(ceiling.first?["current"]?["ceiling"]?.intValue == 1000)
        #expect(ceiling.first?["current"]?["shortfall"]?.intValue == 5)

        // employer-barred: a barred employer files.
        _ = try await deployment.ministry.pushStatuses([Items.bar(employer: 9)])
        let barred = try await deployment.almaty.pushStatuses(Array(Items.application(employer: 9).1.prefix(1)))
        #expect(barred.first?.code == "employer-barred")
        #expect(barred.first?["current"]?["until"] == "2099-12-31")
    }

    @Test("hostile strings are stored and returned exactly as sent")
    func hostileStrings() async throws {
        let deployment = try await Deployment.start(ceiling: 0)
        defer { Task { await deployment.stop() } }
        let hostile = [
            "'; DROP TABLE events; --", "<script>alert(1)</script>", "quote \" backslash \\ slash /",
            "control \u{01}\u{1F}\t\n\r", "emoji 🇰🇿 👩🏽‍🔧", "Қазақстан Республикасы", "\u{2028}\u{2029}\u{FEFF}",
            "nul \u{0000} byte", String(repeating: "長", count: 500), "e\u{301} vs é",
        ]
        var items: [JSONValue] = []
        for text in hostile {
            items.append(Items.item(Items.quota, "CeilingSet", ["units": 100, "basis": .string(text)]))
        }
        let results = try await deployment.ministry.pushStatuses(items)
        #expect(results.allSatisfy { $0.status == "accepted" }, "\(results)")
        let page = try await deployment.auditor.get("/v1/events")
        let events = try #require(page["events"]?.arrayValue)
        #expect(events.map { $0["data"]?["basis"]?.stringValue } == hostile)
        #expect(events.map { $0["eventId"] } == items.map { $0["eventId"] })
    }
}
