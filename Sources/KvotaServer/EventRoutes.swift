import Foundation
import HTTPTypes
import Hummingbird
import KvotaAudit
import KvotaCore
import KvotaStore
import NIOCore
import ServiceLifecycle

/// `GET /v1/events` (pull) and `GET /v1/events/live` (Server-Sent Events), contract, Pull. The stored
/// canonical bytes go out as they are, with `leafHash` added: nothing is decoded on the way.
struct EventRoutes: Sendable {
    let store: EventStore
    let metrics: ServerMetrics
    /// How long the live feed stays silent before it sends a `: keep-alive` comment.
    static let heartbeat: Duration = .seconds(15)

    func register(on group: RouterGroup<KvotaRequestContext>) {
        group.get("events") { request, context in try await pull(request, context) }
        group.get("events/live") { request, context in try await live(request, context) }
    }

    func pull(_ request: Request, _ context: KvotaRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let after = try Query.integer(query, "after", minimum: -1)
        let limit = try Query.integer(query, "limit", minimum: 1, maximum: Int64(EventStore.maxPageSize)) ?? 1000
        let filter = try EventRoutes.filter(query, context.authenticated())
        // The page goes out in chunks read one after the other (dense positions make them one page),
        // so a 10,000-event pull never holds more than a chunk in memory. The first chunk is read
        // before answering: a database that cannot be read gets a 503, not a cut-off 200.
        let chunk = min(Int(limit), EventRoutes.pullChunk)
        let first = try await store.readRaw(after: after, limit: chunk, filter: filter)
        let (store, metrics) = (self.store, self.metrics)
        let body = ResponseBody { writer in
            var page = first
            var remaining = Int(limit) - page.count
            var head = page.head
            var out = ByteBufferAllocator().buffer(capacity: EventRoutes.size(of: page) + 64)
            out.writeString(#"{"events":["#)
            var written = 0
            while true {
                for index in 0..<page.count {
                    if written > 0 { out.writeInteger(UInt8(ascii: ",")) }
                    EventRoutes.writeEnvelope(page, index, to: &out)
                    written += 1
                }
                let next = page.next
                guard page.count == chunk, remaining > 0 else {
                    out.writeString(#"],"next":\#(next),"head":\#(head)}"#)
                    try await writer.write(out)
                    metrics.pulled(next: next, head: head)
                    break
                }
                try await writer.write(out)
                out.clear()
                page = try await store.readRaw(after: next, limit: min(remaining, chunk), filter: filter)
                remaining -= page.count
                head = max(head, page.head)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }

    /// Rows read from the database at a time for one pull page.
    static let pullChunk = 2000

    func live(_ request: Request, _ context: KvotaRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        var after = try Query.integer(query, "after", minimum: -1)
        if let resume = request.headers[.lastEventId] {
            guard let position = Int64(resume), position >= -1 else {
                throw Problem.invalidParameter("Last-Event-ID", "must be a position (an integer >= -1)")
            }
            after = position
        }
        let filter = try EventRoutes.filter(query, context.authenticated())
        let (store, metrics) = (self.store, self.metrics)
        let start = after
        let body = ResponseBody { writer in
            metrics.liveSubscriber(1)
            defer { metrics.liveSubscriber(-1) }
            var cursor = start
            var lastWrite = ContinuousClock.now
            // A first comment, so the client knows the stream is open before any event arrives.
            try await writer.write(ByteBuffer(string: ": kvota live feed\n\n"))
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let page = try await store.readRaw(after: cursor, limit: 1000, filter: filter)
                if page.count > 0 {
                    var out = ByteBufferAllocator().buffer(capacity: EventRoutes.size(of: page) + page.count * 32)
                    for index in 0..<page.count {
                        out.writeString("id: \(page.position(index))\ndata: ")
                        EventRoutes.writeEnvelope(page, index, to: &out)
                        out.writeString("\n\n")
                    }
                    try await writer.write(out)
                    lastWrite = ContinuousClock.now
                    metrics.pulled(next: page.next, head: page.head)
                }
                cursor = page.next
                if page.count < 1000 {
                    if ContinuousClock.now - lastWrite >= EventRoutes.heartbeat {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        lastWrite = ContinuousClock.now
                    }
                    await store.waitForAppend(timeout: .seconds(1))
                }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream", .cacheControl: "no-cache",
                HTTPField.Name("X-Accel-Buffering")!: "no",
            ],
            body: body)
    }

    /// The envelope of the contract: the stored canonical bytes with `"leafHash"` added as last member.
    static func writeEnvelope(_ page: RawEventPage, _ index: Int, to out: inout ByteBuffer) {
        page.withBody(index) { body in
            _ = out.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(body).dropLast()))
        }
        out.writeString(#","leafHash":""#)
        page.withLeafHash(index) { hash in
            out.writeWithUnsafeMutableBytes(minimumWritableBytes: hash.count * 2) { target in
                for (offset, byte) in hash.enumerated() {
                    target[offset * 2] = EventRoutes.hexDigits[Int(byte >> 4)]
                    target[offset * 2 + 1] = EventRoutes.hexDigits[Int(byte & 0x0F)]
                }
                return hash.count * 2
            }
            return ()
        }
        out.writeString(#""}"#)
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The bytes a page's envelopes take, near enough to allocate once.
    static func size(of page: RawEventPage) -> Int {
        (0..<page.count).reduce(0) { total, index in total + page.withBody(index) { $0.count } + 80 }
    }

    /// `stream=` and `type=` filters, and the scope of a region token (contract, Pull).
    static func filter(_ query: Parameters, _ principal: Principal) throws -> EventFilter {
        EventFilter(
            stream: query.get("stream"), type: query.get("type"),
            visibleToRegion: principal.role == .region ? principal.region?.rawValue : nil)
    }
}

/// Query parameters read strictly: a bad value is a 400 naming the parameter.
enum Query {
    static func integer(_ query: Parameters, _ name: String, minimum: Int64, maximum: Int64 = .max) throws -> Int64? {
        guard let text = query.get(name) else { return nil }
        guard let value = Int64(text), value >= minimum, value <= maximum else {
            throw Problem.invalidParameter(
                name,
                maximum == .max
                    ? "must be an integer >= \(minimum), got \(text)"
                    : "must be an integer from \(minimum) to \(maximum), got \(text)")
        }
        return value
    }
}
