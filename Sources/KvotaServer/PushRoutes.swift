import Foundation
import Hummingbird
import KvotaCore
import KvotaStore
import NIOCore
import Synchronization

/// `POST /v1/sync/push` (contract, Push).
struct PushRoutes: Sendable {
    let store: EventStore
    let configuration: ServerConfiguration
    let metrics: ServerMetrics
    let limiter: ConcurrencyLimiter

    func register(on group: RouterGroup<KvotaRequestContext>) {
        group.post("sync/push") { request, context in try await push(request, context) }
    }

    func push(_ request: Request, _ context: KvotaRequestContext) async throws -> Response {
        let start = ContinuousClock.now
        let principal = try context.authenticated()
        guard principal.mayWrite else {
            throw Problem(
                status: .forbidden, code: "forbidden", detail: "an \(principal.role.rawValue) token may not push events"
            )
        }
        let body = try await RequestBody.collect(
            request, limit: configuration.maxBodyBytes, timeout: .seconds(configuration.requestTimeoutSeconds))
        let pushed: PushRequest
        do {
            pushed = try body.withUnsafeReadableBytes { raw throws(Rejection) in
                try PushRequest.parse(raw.bindMemory(to: UInt8.self), maxEvents: configuration.maxPushEvents)
            }
        } catch {
            throw Problem(
                status: error.code == "batch-too-large" ? .contentTooLarge : .badRequest, code: error.code,
                detail: error.message, field: error.field)
        }
        guard limiter.enter() else {
            var problem = Problem(
                status: .serviceUnavailable, code: "overloaded",
                detail: "this server handles \(configuration.maxConcurrentPushes) pushes at once; try again shortly")
            problem.headers[.retryAfter] = "1"
            throw problem
        }
        defer { limiter.leave() }
        // Once submitted, the append runs to its end in the store's writer even if this request is
        // cancelled (the client went away): an accepted item is durable whether or not anyone reads the answer.
        let events = pushed.items.map { $0.proposed(by: principal, deviceId: pushed.deviceId) }
        let statuses = try await store.append(events)
        var head = statuses.compactMap(\.position).max() ?? -1
        if head < 0 { head = try await store.headPosition() }
        let response = PushResponse(
            results: zip(pushed.items, statuses).map { .init(eventId: $0.wireEventId, status: $1) }, head: head)
        metrics.push(duration: ContinuousClock.now - start, statuses: statuses.map(\.metricLabels), head: head)
        return .json(response.json)
    }
}

extension AppendStatus {
    var metricLabels: (status: String, code: String?) {
        switch self {
        case .accepted: return ("accepted", nil)
        case .duplicate: return ("duplicate", nil)
        case .rejected(let rejection): return ("rejected", rejection.code)
        case .blocked: return ("blocked", nil)
        case .conflict(let conflict): return ("conflict", conflict.code)
        }
    }
}

/// At most `limit` holders at once; the rest are turned away (not queued), so that a flood of pushes
/// cannot pile up memory and connections behind the database.
final class ConcurrencyLimiter: Sendable {
    private let limit: Int
    private let count = Mutex(0)

    init(limit: Int) { self.limit = limit }

    func enter() -> Bool {
        count.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func leave() { count.withLock { $0 -= 1 } }
}

enum RequestBody {
    /// The whole body, refused with 413 when longer than `limit` (by its Content-Length before reading,
    /// or while reading) and with 408 when it has not arrived in full within `timeout`.
    ///
    /// No timer task per request: a body that stops arriving is cut off by the connection's idle
    /// timeout (the same number of seconds), and one that trickles in is refused at the first chunk
    /// that comes after the deadline.
    static func collect(_ request: Request, limit: Int, timeout: Duration) async throws -> ByteBuffer {
        let tooLarge = Problem(
            status: .contentTooLarge, code: "body-too-large",
            detail: "the request body is over the limit of \(limit) bytes (KVOTA_MAX_BODY_BYTES); send smaller batches")
        let length = request.headers[.contentLength].flatMap { Int($0) }
        if let length, length > limit { throw tooLarge }
        let deadline = ContinuousClock.now + timeout
        var collected = ByteBufferAllocator().buffer(capacity: min(length ?? 16_384, limit))
        for try await chunk in request.body {
            guard collected.readableBytes + chunk.readableBytes <= limit else { throw tooLarge }
            guard ContinuousClock.now <= deadline else {
                throw Problem(
                    status: .requestTimeout, code: "request-timeout",
                    detail: "the request body did not arrive within \(timeout)")
            }
            var chunk = chunk
            collected.writeBuffer(&chunk)
        }
        return collected
    }
}
