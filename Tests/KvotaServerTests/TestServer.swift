import AsyncHTTPClient
import Foundation
import Hummingbird
import KvotaCore
import KvotaServer
import KvotaStore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// kvotad's application, built by the same function as the binary, serving on a loopback port over a
/// fresh database of the PostgreSQL cluster that `tools/test` started; spoken to over real HTTP.
final class TestServer: Sendable {
    let store: EventStore
    /// The checkpoint key and signing; tests sign with ``AuditLog/signLatest()`` when they need a checkpoint.
    let audit: AuditLog
    let baseURL: String
    let databaseURL: String
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    static let logger: Logger = {
        var logger = Logger(label: "kvota.server-test")
        logger.logLevel = .error
        return logger
    }()

    /// Starts a server on a fresh database (or `databaseURL`'s), with `configure` applied to the settings.
    static func start(
        databaseURL: String? = nil, configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        let url = try databaseURL ?? TestServer.createDatabase()
        var configuration = ServerConfiguration(databaseURL: url, host: "127.0.0.1", port: 0)
        configuration.expirySweepSeconds = 0
        configuration.signingKeyFile = TestServer.signingKeyFile
        configure(&configuration)
        let store = try EventStore(configuration: configuration.storeConfiguration(databaseURL: url), logger: logger)
        try await store.migrate()
        let audit = try await AuditLog.open(configuration: configuration, store: store, logger: logger)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = buildApplication(configuration: configuration, store: store, audit: audit, logger: logger) {
            channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }
        let group = ServiceGroup(services: [app], logger: logger)
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            running.cancel()
            throw TestServerError(message: "the server did not start")
        }
        return TestServer(
            store: store, audit: audit, baseURL: "http://127.0.0.1:\(port)", databaseURL: url, group: group,
            running: running)
    }

    private init(
        store: EventStore, audit: AuditLog, baseURL: String, databaseURL: String, group: ServiceGroup,
        running: Task<Void, any Error>
    ) {
        self.store = store
        self.audit = audit
        self.baseURL = baseURL
        self.databaseURL = databaseURL
        self.group = group
        self.running = running
    }

    /// Stops serving (gracefully) and closes the store.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        store.shutdown()
    }

    /// One checkpoint key for the test process's servers (each test database records it on first use),
    /// in a private directory, never the user's data directory.
    static let signingKeyFile: String = {
        NSTemporaryDirectory() + "kvota-test-keys-\(getpid())/signing.key"
    }()

    /// A fresh database on the test cluster (KVOTA_TEST_DATABASE_URL, set by tools/test).
    static func createDatabase() throws -> String {
        guard let admin = ProcessInfo.processInfo.environment["KVOTA_TEST_DATABASE_URL"], !admin.isEmpty else {
            throw TestServerError(
                message: "KVOTA_TEST_DATABASE_URL is not set: run the suite with tools/test, which starts PostgreSQL")
        }
        let name = "kvota_srv_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        return try DatabaseAdmin.createIfMissing(String(name), adminConninfo: admin)
    }

    /// A new token's secret.
    func token(_ role: TokenRole, _ region: Region? = nil, name: String? = nil) async throws -> String {
        let name = name ?? "\(role.rawValue)-\(region?.rawValue ?? "x")-\(UUID().uuidString.prefix(8))"
        return try await store.createToken(name: name, role: role, region: region)
    }
}

struct TestServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// An HTTP answer as the tests look at it.
struct HTTPAnswer: Sendable {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as JSON (throws when it is not).
    func json() throws -> JSONValue { try JSONParser.parse(body) }

    /// A member of a JSON object body.
    subscript(key: String) -> JSONValue? { (try? json())?[key] }

    var contentType: String { headers["content-type"] ?? "" }
}

/// Speaks HTTP to a server at `baseURL`; every answer is also written to `KVOTA_OPENAPI_RESPONSES` (JSON
/// lines), which `tools/check-openapi` checks against `schema/openapi.yaml` after the suite.
struct API: Sendable {
    let baseURL: String
    var token: String?
    /// The deadline of each request (AsyncHTTPClient retries connecting until it passes).
    var timeout: TimeAmount

    init(_ baseURL: String, token: String? = nil, timeout: TimeAmount = .seconds(60)) {
        self.baseURL = baseURL
        self.token = token
        self.timeout = timeout
    }

    init(_ server: TestServer, token: String? = nil) { self.init(server.baseURL, token: token) }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> HTTPAnswer {
        try await send("GET", path, headers: headers)
    }

    func post(_ path: String, json: JSONValue, headers: [(String, String)] = []) async throws -> HTTPAnswer {
        try await send("POST", path, body: CanonicalJSON.encode(json), headers: headers)
    }

    func post(_ path: String, raw: [UInt8], headers: [(String, String)] = []) async throws -> HTTPAnswer {
        try await send("POST", path, body: raw, headers: headers)
    }

    /// Sends a request; `record: false` keeps an answer the spec does not describe (a 404) out of the log.
    func send(
        _ method: String, _ path: String, body: [UInt8]? = nil, headers: [(String, String)] = [], record: Bool = true
    ) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        var buffer = try await response.body.collect(upTo: 256 * 1024 * 1024)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        var fields: [String: String] = [:]
        for header in response.headers { fields[header.name.lowercased()] = header.value }
        let answer = HTTPAnswer(status: Int(response.status.code), headers: fields, body: bytes)
        if record { ResponseLog.record(method: method, path: path, answer: answer) }
        return answer
    }

    /// Pushes items from `deviceId`; returns the answer.
    func push(_ items: [JSONValue], deviceId: String = "device-1") async throws -> HTTPAnswer {
        try await post("/v1/sync/push", json: ["deviceId": .string(deviceId), "events": .array(items)])
    }

    /// Pushes and returns the per-item results' statuses (the push itself must answer 200).
    func pushStatuses(_ items: [JSONValue], deviceId: String = "device-1") async throws -> [JSONObject] {
        let answer = try await push(items, deviceId: deviceId)
        guard answer.status == 200, case .array(let results)? = answer["results"] else {
            throw TestServerError(message: "push answered \(answer.status): \(answer.text)")
        }
        return results.compactMap(\.objectValue)
    }
}

/// The answers of the suite, for the OpenAPI conformance check (`tools/check-openapi --responses`).
enum ResponseLog {
    static let lock = Mutex(())

    static func record(method: String, path: String, answer: HTTPAnswer) {
        guard let file = ProcessInfo.processInfo.environment["KVOTA_OPENAPI_RESPONSES"], !file.isEmpty else { return }
        let body: JSONValue =
            answer.contentType.contains("json") ? ((try? answer.json()) ?? .string(answer.text)) : .null
        let line: JSONValue = [
            "method": .string(method), "path": .string(path), "status": .int(Int64(answer.status)),
            "contentType": .string(answer.contentType), "body": body,
            "headers": .object(JSONObject(answer.headers.map { .init($0.key, .string($0.value)) })),
        ]
        let bytes = CanonicalJSON.encode(line) + [0x0A]
        lock.withLock { _ in
            let fd = open(file, O_WRONLY | O_APPEND | O_CREAT, 0o644)
            guard fd >= 0 else { return }
            defer { close(fd) }
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        }
    }
}
