public import Hummingbird
public import KvotaCore

/// What kvotad knows about a request as it passes the middleware: its id and, once authenticated,
/// who sent it.
public struct KvotaRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// `X-Request-Id`: the caller's when it sent a sane one, else made here; in every log line and answer.
    public var requestId: String = ""
    /// The token's principal, set by ``AuthMiddleware`` on `/v1` routes.
    public var principal: Principal?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The authenticated principal; `/v1` routes run behind ``AuthMiddleware``, so it is there.
    func authenticated() throws -> Principal {
        guard let principal else { throw Problem(status: .unauthorized, code: "unauthorized", detail: "no token") }
        return principal
    }
}
