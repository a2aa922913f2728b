import AsyncHTTPClient
import Foundation
import KvotaCore
import KvotaStore
import NIOCore
import Synchronization
import Testing

/// Real kvotad processes on one database: racing for the last units, SIGTERM, `kill -9`.
@Suite("kvotad processes", .serialized)
struct ProcessTests {
    /// A migrated database with tokens, a 2026 ceiling and `units` allocated to Almaty, and an approved
    /// Almaty application for 1,000 workers. Returns the URL, tokens, and the application id.
    static func prepare(units: Int64) async throws -> (url: String, ministry: String, almaty: String, application: UUID)
    {
        let url = try TestServer.createDatabase()
        let store = try EventStore(configuration: StoreConfiguration(databaseURL: url), logger: TestServer.logger)
        defer { store.shutdown() }
        try await store.migrate()
        let ministry = try await store.createToken(name: "ministry-1", role: .ministry, region: nil)
        let almaty = try await store.createToken(name: "almaty-1", role: .region, region: .almaty)
        let (application, filing) = Items.application(workers: 1000)
        let server = try await KvotadProcess.start(databaseURL: url)
        defer { server.kill(SIGKILL) }
        let setup = try await API(server.baseURL, token: ministry).pushStatuses([
            Items.ceiling(max(10_000, units)), Items.allocation("KZ-75", units),
        ])
        let filed = try await API(server.baseURL, token: almaty).pushStatuses(filing)
        #expect((setup + filed).allSatisfy { $0.status == "accepted" })
        return (url, ministry, almaty, application)
    }

    @Test("two kvotad processes racing for the last units of a region: exactly the allocation, never one over")
    func twoServersRace() async throws {
        let (url, _, almaty, application) = try await ProcessTests.prepare(units: 25)
        let first = try await KvotadProcess.start(databaseURL: url)
        let second = try await KvotadProcess.start(databaseURL: url)
        defer {
            first.kill(SIGKILL)
            second.kill(SIGKILL)
        }
        let statuses = try await withThrowingTaskGroup(of: [String].self) { group in
            for client in 0..<16 {
                let server = client % 2 == 0 ? first : second
                group.addTask {
                    var statuses: [String] = []
                    for attempt in 0..<5 {
                        let item = Items.permit(application: application, worker: client * 100 + attempt)
                        let result = try await API(server.baseURL, token: almaty).pushStatuses([item])
                        statuses.append(result[0].code ?? result[0].status ?? "?")
                    }
                    return statuses
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(statuses.count == 80)
        #expect(statuses.filter { $0 == "accepted" }.count == 25)
        #expect(statuses.filter { $0 == "quota-exhausted" }.count == 55)
        for server in [first, second] {
            let quota = try await API(server.baseURL, token: almaty).get("/v1/quota/2026/foreign-labour")
            #expect(quota["inUse"]?.intValue == 25)
            let almatyRow = quota["regions"]?.arrayValue?.first { $0["region"] == "KZ-75" }
            #expect(almatyRow?["available"]?.intValue == 0)
        }
    }

    @Test("SIGTERM: kvotad finishes the push in flight, answers it, and exits 0")
    func gracefulShutdown() async throws {
        let (url, _, almaty, application) = try await ProcessTests.prepare(units: 5000)
        let server = try await KvotadProcess.start(databaseURL: url)
        let items = (0..<1000).map { Items.permit(application: application, worker: 10_000 + $0) }
        let body = CanonicalJSON.encode(["deviceId": "device-1", "events": .array(items)])
        // Half the body now, SIGTERM while the server reads it, the rest after: a push in flight.
        let (chunks, feed) = AsyncStream.makeStream(of: ByteBuffer.self)
        var request = HTTPClientRequest(url: server.baseURL + "/v1/sync/push")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(almaty)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .stream(chunks, length: .known(Int64(body.count)))
        let half = body.count / 2
        feed.yield(ByteBuffer(bytes: body[..<half]))
        let push = Task { try await HTTPClient.shared.execute(request, timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(300))
        server.kill(SIGTERM)
        try await Task.sleep(for: .milliseconds(300))
        feed.yield(ByteBuffer(bytes: body[half...]))
        feed.finish()
        let response = try await push.value
        var buffer = try await response.body.collect(upTo: 16 * 1024 * 1024)
        let answer = try JSONParser.parse(buffer.readBytes(length: buffer.readableBytes) ?? [])
        #expect(await server.wait() == 0, "\(server.logText)")
        #expect(response.status == .ok)
        let results = answer["results"]?.arrayValue ?? []
        #expect(results.count == 1000)
        #expect(results.allSatisfy { $0["status"] == "accepted" })
        // What it answered is what the log holds.
        let store = try EventStore(configuration: StoreConfiguration(databaseURL: url), logger: TestServer.logger)
        defer { store.shutdown() }
        #expect(try await store.headPosition() == 3 + 1000)
    }

    @Test("kill -9 during pushes: after a restart every accepted item is in the log exactly once")
    func killDuringPushes() async throws {
        let (url, _, almaty, application) = try await ProcessTests.prepare(units: 100_000)
        let server = try await KvotadProcess.start(databaseURL: url)
        let record = PushRecord()
        let clients = (0..<6).map { client in
            Task {
                // A short deadline: after the kill, the client's connection attempts fail within it.
                let api = API(server.baseURL, token: almaty, timeout: .seconds(5))
                for round in 0..<1000 {
                    let batch = (0..<50).map {
                        Items.permit(application: application, worker: client * 1_000_000 + round * 100 + $0)
                    }
                    record.sent.withLock { $0.append(batch) }
                    // The kill ends each client at its first failed request.
                    guard let answer = try? await api.push(batch), answer.status == 200 else { return }
                    for result in answer["results"]?.arrayValue ?? [] where result["status"] == "accepted" {
                        record.accepted.withLock { $0[result["eventId"]!.stringValue!] = result["position"]!.intValue! }
                    }
                }
            }
        }
        try await Task.sleep(for: .milliseconds(1500))
        server.kill(SIGKILL)
        #expect(await server.wait() == 128 + SIGKILL)
        for client in clients { await client.value }
        let acknowledged = record.accepted.withLock { $0 }
        #expect(acknowledged.count > 0, "no push was answered before the kill")

        let restarted = try await KvotadProcess.start(databaseURL: url)
        defer { restarted.kill(SIGKILL) }
        let auditor = try await {
            let store = try EventStore(configuration: StoreConfiguration(databaseURL: url), logger: TestServer.logger)
            defer { store.shutdown() }
            return try await store.createToken(name: "auditor-1", role: .auditor, region: nil)
        }()
        var positions: [String: [Int64]] = [:]
        var after: Int64 = -1
        var expected: Int64 = 0
        while true {
            let page = try await API(restarted.baseURL, token: auditor).get("/v1/events?after=\(after)&limit=10000")
            let events = page["events"]?.arrayValue ?? []
            if events.isEmpty { break }
            for event in events {
                let position = event["position"]!.intValue!
                #expect(position == expected, "positions are dense")
                expected += 1
                positions[event["eventId"]!.stringValue!, default: []].append(position)
            }
            after = events.last!["position"]!.intValue!
        }
        for (eventId, position) in acknowledged {
            #expect(positions[eventId] == [position], "accepted \(eventId) at \(position)")
        }
        #expect(positions.values.allSatisfy { $0.count == 1 })
        // Retrying everything that was sent is safe: stored items come back duplicate, nothing twice.
        let retryApi = API(restarted.baseURL, token: almaty)
        for batch in record.sent.withLock({ $0 }).suffix(12) {
            let results = try await retryApi.pushStatuses(batch)
            for (item, result) in zip(batch, results) where positions[item["eventId"]!.stringValue!] != nil {
                #expect(result.status == "duplicate")
            }
        }
    }
}

/// What the clients of the kill test sent and what the server acknowledged as accepted.
final class PushRecord: Sendable {
    let accepted = Mutex<[String: Int64]>([:])
    let sent = Mutex<[[JSONValue]]>([])
}
