import Foundation
import KvotaAudit
import KvotaCore
import KvotaStore
import Testing

/// The audit log in real kvotad processes: checkpoints signed by the service, one key across servers.
@Suite("kvotad processes: checkpoints and the signing key", .serialized)
struct AuditProcessTests {
    @Test("two kvotad sharing a key file: each push is followed by a checkpoint either one serves")
    func checkpointsAfterPushes() async throws {
        let (url, ministry, almaty, application) = try await ProcessTests.prepare(units: 50)
        let interval = ["KVOTA_CHECKPOINT_INTERVAL_MS": "0"]
        let first = try await KvotadProcess.start(databaseURL: url, extraEnvironment: interval)
        let second = try await KvotadProcess.start(databaseURL: url, extraEnvironment: interval)
        defer {
            first.kill(SIGKILL)
            second.kill(SIGKILL)
        }
        let verifier = try await API(first.baseURL, token: almaty).auditVerifier()
        #expect(try await API(second.baseURL, token: ministry).auditVerifier() == verifier)
        var sizes: [UInt64] = []
        for round in 0..<3 {
            let server = round % 2 == 0 ? first : second
            let statuses = try await API(server.baseURL, token: almaty).pushStatuses(
                (0..<3).map { Items.permit(application: application, worker: round * 10 + $0) })
            let head = try #require(statuses.last?["position"]?.intValue)
            // The service signs soon after the append; wait for it (no bound on how soon is asserted).
            let checkpoint = try await AuditProcessTests.checkpoint(
                atLeast: UInt64(head + 1), from: API(server.baseURL, token: ministry), verifier: verifier)
            #expect(checkpoint.size == UInt64(head + 1))
            sizes.append(checkpoint.size)
        }
        let listed = try await API(first.baseURL, token: ministry).get("/v1/audit/checkpoints")
        let listedSizes = try #require(try listed.json().arrayValue).compactMap { $0["treeSize"]?.intValue }
        #expect(Set(sizes.map(Int64.init)).isSubset(of: Set(listedSizes)))
        #expect(listedSizes == listedSizes.sorted())
    }

    @Test("kvotad holding another key than the log recorded refuses to start, saying why")
    func foreignKey() async throws {
        let (url, _, _, _) = try await ProcessTests.prepare(units: 1)
        let other = NSTemporaryDirectory() + "kvota-other-key-\(UUID().uuidString.prefix(8))/signing.key"
        let log = NSTemporaryDirectory() + "kvotad-foreign-key-\(UUID().uuidString.prefix(8)).log"
        guard let port = LoopbackPort.free() else { throw TestServerError(message: "no free loopback port") }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KVOTA_") }
        environment["KVOTA_DATABASE_URL"] = url
        environment["KVOTA_HTTP_ADDRESS"] = "127.0.0.1:\(port)"
        environment["KVOTA_SIGNING_KEY_FILE"] = other
        let pid = try ProcessRunner.spawn([try KvotadProcess.binary(), "serve"], environment: environment, log: log)
        let status = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: ProcessRunner.wait(pid)) }
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(status == 1, "\(output)")
        #expect(output.contains("audit-key-mismatch"))
        #expect(output.contains("KVOTA_SIGNING_KEY_FILE"))
    }

    /// Polls the latest checkpoint until it covers `size` leaves.
    static func checkpoint(atLeast size: UInt64, from api: API, verifier: NoteVerifier) async throws -> Checkpoint {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let answer = try await api.get("/v1/audit/checkpoint")
            let checkpoint = try Checkpoint.open(answer.text, verifiers: [verifier])
            if checkpoint.size >= size || ContinuousClock.now > deadline { return checkpoint }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
