import AsyncHTTPClient
import Foundation
public import KvotaCore
public import NIOCore
public import NIOHTTP1

/// The server's HTTP API as the client uses it (contract; `schema/openapi.yaml`), with retries: a
/// network error, a timeout or a 5xx answer is retried with exponential backoff (honouring
/// `Retry-After`), so that a sync rides out a server restart. Every request is idempotent: pushes
/// carry their eventIds, and a retried push answers `duplicate` for what the lost answer accepted.
public struct ServerAPI: Sendable {
    public let baseURL: String
    public let token: String
    /// Attempts per request (1 = no retry).
    public var attempts: Int
    /// The first backoff; doubled after each failure, at most `maxBackoff`.
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    public var timeout: TimeAmount
    /// Called before each retry with what failed and the wait (for progress output).
    public var onRetry: (@Sendable (String, Duration) -> Void)?

    public init(baseURL: String, token: String, attempts: Int = 8, timeout: TimeAmount = .seconds(120)) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.token = token
        self.attempts = max(1, attempts)
        self.initialBackoff = .milliseconds(200)
        self.maxBackoff = .seconds(10)
        self.timeout = timeout
    }

    public init(profile: Profile) { self.init(baseURL: profile.server, token: profile.token) }

    /// An answer: status, headers, body.
    public struct Answer: Sendable {
        public var status: Int
        public var headers: HTTPHeaders
        public var body: ByteBuffer

        public var bytes: [UInt8] { Array(body.readableBytesView) }
        public func json() throws(ClientError) -> JSONValue {
            do { return try JSONParser.parse(body.readableBytesView) } catch {
                throw ClientError(.server, "the server's answer is not JSON: \(error)")
            }
        }
    }

    // MARK: - Operations

    /// `GET /v1/token`: who the token is.
    public func whoAmI() async throws(ClientError) -> Principal {
        let body = try await get("/v1/token").json()
        guard let name = body["name"]?.stringValue, let roleName = body["role"]?.stringValue,
            let role = TokenRole(rawValue: roleName)
        else { throw ClientError(.server, "GET /v1/token: unexpected answer") }
        return Principal(name: name, role: role, region: body["region"]?.stringValue.flatMap(Region.init(rawValue:)))
    }

    /// `GET /v1/pseudonym-key`: the deployment's HMAC key, raw bytes.
    public func pseudonymKey() async throws(ClientError) -> [UInt8] {
        let body = try await get("/v1/pseudonym-key").json()
        guard let text = body["key"]?.stringValue, let key = Data(base64Encoded: text), !key.isEmpty else {
            throw ClientError(.server, "GET /v1/pseudonym-key: no key in the answer")
        }
        return [UInt8](key)
    }

    /// `POST /v1/sync/push`.
    public func push(_ request: PushRequest) async throws(ClientError) -> PushResponse {
        let answer = try await send(.POST, "/v1/sync/push", body: CanonicalJSON.encode(request.json))
        do { return try PushResponse(json: try answer.json()) } catch let error as ClientError { throw error } catch {
            throw ClientError(.server, "the push answer cannot be read: \(error)")
        }
    }

    /// `GET /v1/events?after=&limit=`: one page, raw (see ``EventPage``).
    public func pull(after: Int64, limit: Int) async throws(ClientError) -> EventPage {
        let answer = try await get("/v1/events?after=\(after)&limit=\(limit)")
        return try EventPage(answer.body)
    }

    /// `GET /v1/quota/<year>/<line>` (optionally `?asOf=` or `?atPosition=`).
    public func quota(year: Int64, line: String, query: String = "") async throws(ClientError) -> JSONValue {
        try await get("/v1/quota/\(year)/\(line)\(query.isEmpty ? "" : "?" + query)").json()
    }

    /// `GET` a long body and hand it to `body` chunk by chunk as it arrives (a bulk export), until the
    /// body ends or `body` returns false. Retried like any request until the first chunk arrives.
    public func stream(_ path: String, _ body: (ByteBuffer) throws(ClientError) -> Bool) async throws(ClientError) {
        var backoff = initialBackoff
        var attempt = 1
        while true {
            var started = false
            do {
                var request = HTTPClientRequest(url: baseURL + path)
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
                request.headers.add(name: "User-Agent", value: "kvota/\(KvotaVersion.string)")
                let response = try await HTTPClient.shared.execute(request, timeout: timeout)
                guard response.status == .ok else {
                    let answer = Answer(
                        status: Int(response.status.code), headers: response.headers,
                        body: try await response.body.collect(upTo: 1 << 20))
                    throw ClientError(.server, "GET \(path): HTTP \(answer.status) \(ServerAPI.problemText(answer))")
                }
                for try await chunk in response.body {
                    started = true
                    if try !body(chunk) { return }
                }
                return
            } catch let error as ClientError
                where !started && attempt < attempts && error.kind == .server
                && !error.message.contains("HTTP 4")
            {
                onRetry?(error.message, backoff)
            } catch let error as ClientError {
                throw error
            } catch {
                guard !started, attempt < attempts else {
                    throw ClientError(.server, "GET \(baseURL)\(path) failed: \(error)")
                }
                onRetry?("GET \(path): \(error)", backoff)
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, maxBackoff)
            attempt += 1
        }
    }

    // MARK: - Transport

    public func get(_ path: String, accept: [Int] = [200]) async throws(ClientError) -> Answer {
        try await send(.GET, path, accept: accept)
    }

    /// Sends a request, retrying what may pass on a later try; an answer whose status is not in `accept`
    /// (and not retried) is an error carrying the server's problem detail.
    public func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, accept: [Int] = [200])
        async throws(ClientError) -> Answer
    {
        var backoff = initialBackoff
        var attempt = 1
        while true {
            let outcome: Result<Answer, any Error>
            do { outcome = .success(try await once(method, path, body: body)) } catch { outcome = .failure(error) }
            var retryAfter: Duration?
            let failure: String
            switch outcome {
            case .success(let answer) where accept.contains(answer.status):
                return answer
            case .success(let answer) where answer.status >= 500 || answer.status == 408 || answer.status == 429:
                failure = "HTTP \(answer.status) \(ServerAPI.problemText(answer))"
                if let seconds = answer.headers.first(name: "Retry-After").flatMap(Int.init) {
                    retryAfter = .seconds(seconds)
                }
            case .success(let answer):
                throw ClientError(
                    .server, "\(method.rawValue) \(path): HTTP \(answer.status) \(ServerAPI.problemText(answer))")
            case .failure(let error):
                failure = "\(error)"
            }
            guard attempt < attempts else {
                throw ClientError(
                    .server, "\(method.rawValue) \(baseURL)\(path) failed after \(attempt) attempt(s): \(failure)")
            }
            let wait = retryAfter.map { min($0, maxBackoff) } ?? backoff
            onRetry?("\(method.rawValue) \(path): \(failure)", wait)
            try? await Task.sleep(for: wait)
            backoff = min(backoff * 2, maxBackoff)
            attempt += 1
        }
    }

    private func once(_ method: HTTPMethod, _ path: String, body: [UInt8]?) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "User-Agent", value: "kvota/\(KvotaVersion.string)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let collected = try await response.body.collect(upTo: 1 << 30)
        return Answer(status: Int(response.status.code), headers: response.headers, body: collected)
    }

    /// The `code` and `detail` of a problem answer, or the start of the body.
    static func problemText(_ answer: Answer) -> String {
        if let problem = try? JSONParser.parse(answer.body.readableBytesView), let code = problem["code"]?.stringValue {
            return "\(code): \(problem["detail"]?.stringValue ?? "")"
        }
        return String(decoding: answer.body.readableBytesView.prefix(200), as: UTF8.self)
    }
}

/// The client's version, sent as its User-Agent.
public enum KvotaVersion {
    public static let string = "0.3.0"
}
