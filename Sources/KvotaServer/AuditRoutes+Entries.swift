import Hummingbird
import KvotaStore
import NIOCore

/// `GET /v1/audit/entries?start=S&end=E`: the log's leaves for a full download, as
/// `application/x-ndjson`: line i is exactly the stored canonical bytes of the event at position S+i
/// (its leaf is SHA-256(0x00 || line)), then `\n`. Canonical JSON holds no raw newline, so the lines
/// split cleanly. Streamed in chunks read from the database one ahead of the one being sent, with no
/// page limit; ministry and auditor tokens only (it covers every region).
extension AuditRoutes {
    /// Rows read from the database at a time.
    static let entriesChunk: Int64 = 5000

    func entries(_ request: Request, _ context: KvotaRequestContext) async throws -> Response {
        let principal = try context.authenticated()
        guard principal.role != .region else {
            throw Problem(
                status: .forbidden, code: "forbidden",
                detail: "the export covers every region: ministry and auditor tokens only")
        }
        let query = request.uri.queryParameters
        let start = try Query.integer(query, "start", minimum: 0) ?? 0
        let treeSize = Int64(try await store.treeHead().size)
        let end = try Query.integer(query, "end", minimum: 0) ?? treeSize
        try await checkWithinTree(end, "end")
        guard start <= end else {
            throw Problem.invalidParameter("start", "must be at most end (\(end)), got \(start)")
        }

        let store = self.store
        let chunk = AuditRoutes.entriesChunk
        @Sendable func read(from position: Int64) -> Task<RawEventPage, any Error>? {
            guard position < end else { return nil }
            return Task { try await store.readRange(position..<min(position + chunk, end)) }
        }
        // The first chunk is read before answering: a database that cannot be read gets a 503, not a
        // cut-off 200.
        let first = try await read(from: start)?.value
        let body = ResponseBody { writer in
            var page = first
            var position = start
            while let current = page {
                position += chunk
                let ahead = read(from: position)
                var out = ByteBufferAllocator().buffer(capacity: EventRoutes.size(of: current))
                for index in 0..<current.count {
                    current.withBody(index) { _ = out.writeBytes(UnsafeRawBufferPointer($0)) }
                    out.writeInteger(UInt8(ascii: "\n"))
                }
                try await writer.write(out)
                page = try await ahead?.value
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: body)
    }
}
