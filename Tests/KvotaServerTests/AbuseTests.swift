import AsyncHTTPClient
import Foundation
import KvotaCore
import NIOCore
import Testing

@Suite("Slow and abusive clients cannot exhaust the server")
struct AbuseTests {
    @Test("a body that stops arriving is cut off after KVOTA_REQUEST_TIMEOUT_SECONDS; the server serves on")
    func slowBody() async throws {
        let deployment = try await Deployment.start(ceiling: 0) { $0.requestTimeoutSeconds = 1 }
        defer { Task { await deployment.stop() } }
        let body = CanonicalJSON.encode(["deviceId": "d", "events": .array([Items.ceiling(10)])])
        let (chunks, feed) = AsyncStream.makeStream(of: ByteBuffer.self)
        var request = HTTPClientRequest(url: deployment.server.baseURL + "/v1/sync/push")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(deployment.ministry.token!)")
        request.body = .stream(chunks, length: .known(Int64(body.count)))
        feed.yield(ByteBuffer(bytes: body.prefix(10)))
        let start = ContinuousClock.now
        let outcome: String
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
            outcome = "status \(response.status.code)"
        } catch {
            outcome = "closed"
        }
        feed.finish()
        let waited = ContinuousClock.now - start
        // Either the 408 problem or the idle timeout closing the connection, well before the client gives up.
        #expect(outcome == "status 408" || outcome == "closed", "\(outcome)")
        #expect(waited < .seconds(10))
        #expect(try await deployment.ministry.pushStatuses([Items.ceiling(10)]).first?.status == "accepted")
    }

    @Test(
        "pushes beyond KVOTA_MAX_CONCURRENT_PUSHES get 503 overloaded with Retry-After, and nothing of them is applied")
    func overloaded() async throws {
        let deployment = try await Deployment.start(ceiling: 100_000, almatyUnits: 20_000) {
            $0.maxConcurrentPushes = 1
        }
        defer { Task { await deployment.stop() } }
        let (application, filing) = Items.application(workers: 20_000)
        _ = try await deployment.almaty.pushStatuses(filing)
        let large = (0..<8000).map { Items.permit(application: application, worker: $0) }
        let done = PushRecord()
        let busy = Task {
            defer { done.sent.withLock { $0.append([]) } }
            return try await deployment.almaty.push(large)
        }
        var refused: HTTPAnswer?
        var probes = 0
        while refused == nil && done.sent.withLock({ $0.isEmpty }) && probes < 5000 {
            probes += 1
            let probe = Items.permit(application: application, worker: 100_000 + probes)
            let answer = try await deployment.almaty.push([probe])
            if answer.status == 503 {
                refused = answer
                #expect(try await deployment.server.store.readStream(probe["stream"]!.stringValue!).isEmpty)
            }
        }
        let bulk = try await busy.value
        if bulk.status == 503 {
            // The large push came while a probe held the only slot: it is the one refused.
            #expect(try await deployment.server.store.readStream(large[0]["stream"]!.stringValue!).isEmpty)
            refused = bulk
        }
        let answer = try #require(refused, "no push was refused while another ran (\(probes) probes)")
        #expect(answer["code"] == "overloaded")
        #expect(answer.headers["retry-after"] == "1")
    }
}
