import Foundation
import KvotaCore
import Testing

@Suite("Quota, token, pseudonym key, health and metrics over HTTP")
struct ReadTests {
    @Test("the quota projection: now, at a position, as of a time; all 20 regions; bad parameters 400")
    func quota() async throws {
        let deployment = try await Deployment.start(ceiling: 1000, almatyUnits: 10)
        defer { Task { await deployment.stop() } }
        let (application, filing) = Items.application(workers: 5)
        _ = try await deployment.almaty.pushStatuses(filing)
        let before = Timestamp(microsecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1_000_000))
        try await Task.sleep(for: .milliseconds(20))
        let permits = try await deployment.almaty.pushStatuses(
            (1...3).map { Items.permit(application: application, worker: $0) })
        #expect(permits.allSatisfy { $0.status == "accepted" })

        let now = try await deployment.almaty.get("/v1/quota/2026/foreign-labour")
        #expect(now.status == 200)
        #expect(now["ceiling"]?.intValue == 1000)
        #expect(now["allocated"]?.intValue == 10)
        #expect(now["inUse"]?.intValue == 3)
        #expect(now["position"]?.intValue == 6)
        let regions = try #require(now["regions"]?.arrayValue)
        #expect(regions.count == 20)
        let almaty = try #require(regions.first { $0["region"] == "KZ-75" })
        #expect(almaty["available"]?.intValue == 7)
        #expect(almaty["byCategory"]?["cat3"]?.intValue == 3)

        let atPosition = try await deployment.auditor.get("/v1/quota/2026/foreign-labour?atPosition=3")
        #expect(atPosition["inUse"]?.intValue == 0)
        #expect(atPosition["position"]?.intValue == 3)
        let asOf = try await deployment.auditor.get("/v1/quota/2026/foreign-labour?asOf=\(before.rfc3339)")
        #expect(asOf["inUse"]?.intValue == 0)
        #expect(asOf["allocated"]?.intValue == 10)
        let empty = try await deployment.auditor.get("/v1/quota/2026/household-immigrant")
        #expect(empty["ceiling"]?.intValue == 0)

        for (path, field) in [
            ("/v1/quota/2026/seasonal", "line"), ("/v1/quota/26/foreign-labour", "year"),
            ("/v1/quota/2026/foreign-labour?asOf=tomorrow", "asOf"),
            ("/v1/quota/2026/foreign-labour?atPosition=x", "atPosition"),
            ("/v1/quota/2026/foreign-labour?atPosition=1&asOf=2026-01-01", "asOf"),
        ] {
            let answer = try await deployment.auditor.get(path)
            #expect(answer.status == 400, "\(path)")
            #expect(answer["field"]?.stringValue == field, "\(path)")
        }
    }

    @Test("who am I; the pseudonym key is the same for region and ministry tokens and refused to auditors")
    func tokenAndKey() async throws {
        let deployment = try await Deployment.start(ceiling: 0)
        defer { Task { await deployment.stop() } }
        let me = try await deployment.almaty.get("/v1/token")
        #expect(me["role"] == "region")
        #expect(me["region"] == "KZ-75")
        #expect(try await deployment.auditor.get("/v1/token")["region"] == .null)
        let regionKey = try await deployment.almaty.get("/v1/pseudonym-key")
        let ministryKey = try await deployment.ministry.get("/v1/pseudonym-key")
        #expect(regionKey.status == 200)
        #expect(regionKey["algorithm"] == "HMAC-SHA256")
        #expect(regionKey["key"] == ministryKey["key"])
        let key = try #require(regionKey["key"]?.stringValue.flatMap { Data(base64Encoded: $0) })
        #expect(key.count == 32)
        #expect(regionKey["keyId"]?.stringValue?.count == 16)
        let auditor = try await deployment.auditor.get("/v1/pseudonym-key")
        #expect(auditor.status == 403)
        #expect(auditor["code"] == "forbidden")
    }

    @Test("healthz, readyz, and metrics with push latency, appended events, conflicts by code and pull lag")
    func operations() async throws {
        let deployment = try await Deployment.start(ceiling: 10, almatyUnits: 5)
        defer { Task { await deployment.stop() } }
        let anonymous = API(deployment.server)
        #expect(try await anonymous.get("/healthz")["status"] == "ok")
        #expect(try await anonymous.get("/readyz")["status"] == "ready")
        _ = try await deployment.ministry.pushStatuses([Items.allocation("KZ-71", 50)])
        _ = try await deployment.auditor.get("/v1/events?limit=1")
        let given = try await anonymous.get("/healthz", headers: [("X-Request-Id", "trace-abc-123")])
        #expect(given.headers["x-request-id"] == "trace-abc-123")
        let metrics = try await anonymous.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.contentType.hasPrefix("text/plain"))
        let text = metrics.text
        #expect(text.contains("kvota_push_duration_seconds_bucket"))
        #expect(text.contains("kvota_events_appended_total 2"))
        #expect(text.contains(#"kvota_conflicts_total{code="ceiling-exceeded"} 1"#))
        #expect(text.contains("kvota_pull_lag_events 1.0"))
        #expect(text.contains(#"kvota_http_requests_total{method="POST",status="200"}"#))
        // Each append transaction's phases, one observation each (the setup's push and the refused one);
        // the pushes came one at a time, so each transaction carried one.
        let counts = [
            "kvota_append_lock_wait_seconds", "kvota_append_work_seconds", "kvota_append_commit_seconds",
            "kvota_append_transaction_pushes",
        ].map { name in
            text.split(separator: "\n").first { $0.hasPrefix(name + "_count ") }.flatMap {
                Int($0.split(separator: " ")[1])
            }
        }
        #expect(counts.allSatisfy { $0 != nil && $0! >= 2 && $0 == counts[0] }, "\(counts)")
        #expect(text.contains(#"kvota_append_transaction_pushes_bucket{le="1.0"} \#(counts[0] ?? -1)"#))
    }
}
