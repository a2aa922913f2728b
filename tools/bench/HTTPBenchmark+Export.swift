import AsyncHTTPClient
import Foundation
import NIOCore

/// The audit export phase of `kvota-bench http`: the whole log downloaded from `GET /v1/audit/entries`
/// (one canonical event per line, streamed, no pages), beside the pull of the same log.
extension HTTPBenchmark {
    /// Downloads the export of `events` events and adds its row, its rate compared with `pullRate`.
    static func exportPhase(
        _ client: HTTPClient, _ base: String, token: String, events: Int, pullRate: Double, rows: inout HTTPResultRows
    ) async throws {
        print("downloading the whole log from /v1/audit/entries (one stream)...")
        fflush(nil)
        let start = ContinuousClock.now
        var request = HTTPClientRequest(url: base + "/v1/audit/entries?start=0&end=\(events)")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await client.execute(request, timeout: .seconds(600))
        guard response.status.code == 200 else {
            throw BenchError("export: HTTP \(response.status.code)")
        }
        var lines = 0
        var bytes = 0
        var last: UInt8 = 0
        for try await chunk in response.body {
            bytes += chunk.readableBytes
            chunk.withUnsafeReadableBytes { buffer in
                for byte in buffer where byte == UInt8(ascii: "\n") { lines += 1 }
                last = buffer.last ?? last
            }
        }
        let seconds = start.seconds
        guard lines == events, last == UInt8(ascii: "\n") else {
            throw BenchError("export: \(lines) lines, the log has \(events) events")
        }
        print(
            String(
                format: "  %d lines, %.0f MB, %.0f bytes per event", lines, Double(bytes) / 1e6,
                Double(bytes) / Double(lines)))
        let rate = Double(lines) / seconds
        rows.add(
            "audit export over HTTP, /v1/audit/entries (one stream)", events: lines, seconds: seconds,
            vs: String(format: "%.2f of pull", rate / pullRate), target: "≥ 100,000/s", met: rate >= 100_000)
    }
}
