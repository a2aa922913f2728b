import Foundation
import HTTPTypes
import Hummingbird
import KvotaStore
import Logging

/// The outermost middleware: gives every request an id (`X-Request-Id`, the caller's if sane), logs
/// it, counts it, and turns every error into an `application/problem+json` answer carrying that id.
struct RequestMiddleware: RouterMiddleware {
    typealias Context = KvotaRequestContext
    let metrics: ServerMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let requestId = request.headers[.requestId].flatMap(RequestMiddleware.sane) ?? RequestMiddleware.makeId()
        context.requestId = requestId
        context.logger[metadataKey: "request.id"] = .string(requestId)
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let problem = RequestMiddleware.problem(for: error)
            if problem.status.code >= 500 {
                context.logger.error(
                    "request failed",
                    metadata: ["method": "\(request.method)", "path": "\(request.uri.path)", "error": "\(error)"])
            }
            response = problem.response(requestId: requestId)
        }
        response.headers[.requestId] = requestId
        metrics.request(method: request.method.rawValue, status: response.status.code)
        context.logger.debug(
            "answered",
            metadata: [
                "method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(response.status.code)",
                "ms": "\((ContinuousClock.now - start).milliseconds)",
            ])
        return response
    }

    static func problem(for error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as StoreError where error.isRetryable || error.code == .shutDown:
            var problem = Problem(
                status: .serviceUnavailable, code: "unavailable",
                detail: "the database cannot be reached now (\(error.code)); try again")
            problem.headers[.retryAfter] = "1"
            return problem
        case let error as HTTPError:
            let code: String
            switch error.status {
            case .notFound: code = "not-found"
            case .methodNotAllowed: code = "method-not-allowed"
            case .contentTooLarge: code = "body-too-large"
            default: code = error.status.code >= 500 ? "internal" : "bad-request"
            }
            return Problem(status: error.status, code: code, detail: error.body ?? error.status.reasonPhrase)
        default:
            return Problem(
                status: .internalServerError, code: "internal", detail: "the server failed; the log has the details")
        }
    }

    /// A caller's request id is kept when it is 1 to 128 printable ASCII characters without spaces.
    static func sane(_ id: String) -> String? {
        let bytes = id.utf8
        guard (1...128).contains(bytes.count), bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        return id
    }

    static func makeId() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension HTTPField.Name {
    static let requestId = HTTPField.Name("X-Request-Id")!
    static let lastEventId = HTTPField.Name("Last-Event-ID")!
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
