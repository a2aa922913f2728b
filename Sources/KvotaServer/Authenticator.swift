import Foundation
import Hummingbird
import KvotaCore
import KvotaStore
import Synchronization

/// Finds the principal of a bearer token: in the database (where only hashes are kept), remembered for
/// `KVOTA_TOKEN_CACHE_SECONDS` so that a busy server does not ask for every request. Unknown tokens
/// are remembered too, so a client retrying a bad token cannot make the server query in a loop.
final class Authenticator: Sendable {
    private struct Entry {
        var principal: Principal?
        var until: ContinuousClock.Instant
    }

    private let store: EventStore
    private let ttl: Duration
    private let cache = Mutex<[String: Entry]>([:])
    private static let maxEntries = 10_000

    init(store: EventStore, cacheSeconds: Int) {
        self.store = store
        self.ttl = .seconds(cacheSeconds)
    }

    /// The principal of `secret`, or nil when no active token has it.
    func principal(forSecret secret: String) async throws -> Principal? {
        let now = ContinuousClock.now
        if ttl > .zero, let entry = cache.withLock({ $0[secret] }), entry.until > now { return entry.principal }
        let principal = try await store.principal(forSecret: secret)
        if ttl > .zero {
            cache.withLock { cache in
                if cache.count >= Authenticator.maxEntries { cache.removeAll(keepingCapacity: true) }
                cache[secret] = Entry(principal: principal, until: now + ttl)
            }
        }
        return principal
    }
}

/// Requires `Authorization: Bearer <token>` of an active token on every route behind it (401 else),
/// and puts the token's principal into the context.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = KvotaRequestContext
    let authenticator: Authenticator

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw AuthMiddleware.unauthorized("send Authorization: Bearer <token>")
        }
        let scheme = "Bearer "
        guard header.utf8.count > scheme.utf8.count, header.utf8.count <= 256 + scheme.utf8.count,
            header.prefix(scheme.count).lowercased() == "bearer "
        else {
            throw AuthMiddleware.unauthorized("the Authorization header must be Bearer <token>")
        }
        let secret = String(header.dropFirst(scheme.count))
        guard let principal = try await authenticator.principal(forSecret: secret) else {
            throw AuthMiddleware.unauthorized("the token is unknown or revoked")
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "actor"] = .string(principal.name)
        return try await next(request, context)
    }

    static func unauthorized(_ detail: String) -> Problem {
        var problem = Problem(status: .unauthorized, code: "unauthorized", detail: detail)
        problem.headers[.wwwAuthenticate] = #"Bearer realm="kvota""#
        return problem
    }
}
