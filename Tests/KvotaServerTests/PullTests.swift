import Foundation
import KvotaAudit
import KvotaCore
import Testing

@Suite("Pull and the live feed over HTTP (contract, Pull)")
struct PullTests {
    /// Ceiling and allocations (positions 0-2), an Almaty application (3, 4), an Astana one (5, 6).
    static func seeded() async throws -> Deployment {
        let deployment = try await Deployment.start()
        _ = try await deployment.ministry.pushStatuses([Items.allocation("KZ-71", 50)])
        #expect(try await deployment.almaty.pushStatuses(Items.application(region: "KZ-75").1).count == 2)
        #expect(try await deployment.astana.pushStatuses(Items.application(region: "KZ-71").1).count == 2)
        return deployment
    }

    @Test("pages are dense, in position order; after is exclusive; next and head as the contract says")
    func paging() async throws {
        let deployment = try await PullTests.seeded()
        defer { Task { await deployment.stop() } }
        let all = try await deployment.auditor.get("/v1/events")
        #expect(all.status == 200)
        let events = try #require(all["events"]?.arrayValue)
        #expect(events.map { $0["position"]?.intValue } == [0, 1, 2, 3, 4, 5, 6])
        #expect(all["next"]?.intValue == 6)
        #expect(all["head"]?.intValue == 6)
        var positions: [Int64] = []
        var after: Int64 = -1
        while true {
            let page = try await deployment.auditor.get("/v1/events?after=\(after)&limit=2")
            let got = try #require(page["events"]?.arrayValue).compactMap { $0["position"]?.intValue }
            #expect(page["next"]?.intValue == (got.last ?? after))
            if got.isEmpty { break }
            positions += got
            after = got.last!
        }
        #expect(positions == Array(0...6))
        let empty = try await deployment.auditor.get("/v1/events?after=6")
        #expect(empty["events"]?.arrayValue?.isEmpty == true)
        #expect(empty["next"]?.intValue == 6)

        let fresh = try await Deployment.start(ceiling: 0)
        defer { Task { await fresh.stop() } }
        let nothing = try await fresh.auditor.get("/v1/events")
        #expect(nothing["head"]?.intValue == -1)
        #expect(nothing["next"]?.intValue == -1)
    }

    @Test("a page larger than the server's read chunk is one dense page; limit is honoured")
    func largePages() async throws {
        let deployment = try await Deployment.start(ceiling: 0)
        defer { Task { await deployment.stop() } }
        for _ in 0..<5 {
            let results = try await deployment.ministry.pushStatuses((0..<1000).map { Items.ceiling(1000 + Int64($0)) })
            #expect(results.allSatisfy { $0.status == "accepted" })
        }
        let all = try await deployment.auditor.get("/v1/events?limit=10000")
        let positions = try #require(all["events"]?.arrayValue).compactMap { $0["position"]?.intValue }
        #expect(positions == Array(0..<5000))
        #expect(all["next"]?.intValue == 4999)
        #expect(all["head"]?.intValue == 4999)
        let part = try await deployment.auditor.get("/v1/events?after=99&limit=4001")
        let partPositions = try #require(part["events"]?.arrayValue).compactMap { $0["position"]?.intValue }
        #expect(partPositions == Array(100..<4101))
        #expect(part["next"]?.intValue == 4100)
    }

    @Test("each event is the envelope; its canonical bytes and leafHash recompute independently")
    func envelopeAndLeafHash() async throws {
        let deployment = try await PullTests.seeded()
        defer { Task { await deployment.stop() } }
        let page = try await deployment.auditor.get("/v1/events")
        for event in try #require(page["events"]?.arrayValue) {
            let object = try #require(event.objectValue)
            #expect(
                object.keys.sorted() == [
                    "data", "eventId", "leafHash", "meta", "position", "stream", "type", "version",
                ])
            let withoutLeaf = JSONObject(object.members.filter { $0.key != "leafHash" })
            let canonical = CanonicalJSON.encode(.object(withoutLeaf))
            #expect(object["leafHash"]?.stringValue == MerkleHash.hex(MerkleHash.leaf(canonical)))
        }
    }

    @Test("a region token sees its own region's streams, the quota streams and the employer streams")
    func regionScope() async throws {
        let deployment = try await PullTests.seeded()
        defer { Task { await deployment.stop() } }
        _ = try await deployment.ministry.pushStatuses([Items.bar(employer: 5)])
        func streams(_ api: API, _ query: String = "") async throws -> [String] {
            try #require(try await api.get("/v1/events" + query)["events"]?.arrayValue).compactMap {
                $0["stream"]?.stringValue
            }
        }
        let almaty = try await streams(deployment.almaty)
        let astana = try await streams(deployment.astana)
        let all = try await streams(deployment.auditor)
        #expect(all.count == 8)
        #expect(almaty.filter { $0.hasPrefix("application-") }.count == 2)
        #expect(astana.filter { $0.hasPrefix("application-") }.count == 2)
        #expect(Set(almaty.filter { $0.hasPrefix("application-") }).isDisjoint(with: astana))
        #expect(almaty.filter { $0.hasPrefix("quota-") }.count == 3)
        #expect(almaty.contains { $0.hasPrefix("employer-") })
        let ministry = try await streams(deployment.ministry)
        #expect(ministry == all)
        // Filters narrow, never widen, a region's scope.
        let other = try #require(astana.first { $0.hasPrefix("application-") })
        #expect(try await streams(deployment.almaty, "?stream=\(other)").isEmpty)
        #expect(try await streams(deployment.auditor, "?stream=\(other)") == [other, other])
        #expect(try await streams(deployment.auditor, "?type=AllocationSet").count == 2)
    }

    @Test("bad parameters are 400 invalid-parameter naming the parameter")
    func badParameters() async throws {
        let deployment = try await Deployment.start(ceiling: 0)
        defer { Task { await deployment.stop() } }
        for (query, field) in [
            ("after=abc", "after"), ("after=-2", "after"), ("limit=0", "limit"), ("limit=10001", "limit"),
            ("limit=1e3", "limit"),
        ] {
            let answer = try await deployment.auditor.get("/v1/events?\(query)")
            #expect(answer.status == 400, "\(query)")
            #expect(answer["code"] == "invalid-parameter")
            #expect(answer["field"]?.stringValue == field)
        }
        #expect(try await API(deployment.server).get("/v1/events").status == 401)
    }

    @Test("the live feed sends events as they are appended, id = position, and resumes from Last-Event-ID")
    func liveFeed() async throws {
        let deployment = try await PullTests.seeded()
        defer { Task { await deployment.stop() } }
        let feed = try await SSEReader.open(
            deployment.server.baseURL + "/v1/events/live", token: deployment.almaty.token!, lastEventId: 3)
        defer { feed.close() }
        // 4 is Almaty's approval; 5 and 6 are Astana's application, not in Almaty's scope.
        let first = try await feed.next()
        #expect(first.id == 4)
        let (_, filing) = Items.application(region: "KZ-75", employer: 2)
        _ = try await deployment.almaty.pushStatuses(filing)
        let second = try await feed.next()
        let third = try await feed.next()
        #expect([second.id, third.id] == [7, 8])
        let event = try JSONParser.parse(Array(third.data.utf8))
        #expect(event["type"] == "ApplicationApproved")
        #expect(event["position"]?.intValue == 8)
        #expect(event["leafHash"]?.stringValue?.count == 64)
    }
}
