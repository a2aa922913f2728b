import CLibPQ
import Foundation

/// One libpq connection. Blocking: use it only from a thread that may block (the pool's IO queue),
/// and from one thread at a time (the pool hands it to one call at a time).
final class PGConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    private var prepared: Set<String> = []
    let conninfo: String

    /// Connects, or throws ``StoreError`` with code `bad-connection-string` or `database-unavailable`.
    init(conninfo: String) throws(StoreError) {
        try PGConnection.validate(conninfo: conninfo)
        guard let handle = PQconnectdb(conninfo) else {
            throw StoreError(.unavailable, "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = PGConnection.trimmed(PQerrorMessage(handle))
            PQfinish(handle)
            throw StoreError(
                .unavailable, "cannot connect to PostgreSQL (\(PGConnection.redacted(conninfo))): \(message)")
        }
        self.handle = handle
        self.conninfo = conninfo
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit { PQfinish(handle) }

    /// Refuses a connection string libpq cannot parse, naming what is wrong.
    static func validate(conninfo: String) throws(StoreError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            let message = errorMessage.map { trimmed($0) } ?? "unparseable"
            if let errorMessage { PQfreemem(errorMessage) }
            throw StoreError(
                .badConnectionString, "KVOTA_DATABASE_URL is not a valid libpq connection string: \(message)")
        }
        PQconninfoFree(options)
    }

    /// The connection string with any password replaced, for messages and logs.
    static func redacted(_ conninfo: String) -> String {
        var text = conninfo
        if let range = text.range(of: #"(?<=://)([^:@/]*):[^@/]*@"#, options: .regularExpression) {
            let user = text[range].split(separator: ":").first.map(String.init) ?? ""
            text.replaceSubrange(range, with: "\(user):***@")
        }
        if let range = text.range(of: #"password=\S+"#, options: .regularExpression) {
            text.replaceSubrange(range, with: "password=***")
        }
        return text
    }

    static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "" }
        return String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var isBroken: Bool { PQstatus(handle) != CONNECTION_OK }

    var isIdle: Bool { PQtransactionStatus(handle) == PQTRANS_IDLE }

    var socket: Int32 { PQsocket(handle) }

    /// Whether the connection still looks usable while idle: reads whatever the server sent (an
    /// admin shutdown, a closed socket) without blocking.
    func checkAlive() -> Bool {
        guard !isBroken else { return false }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, 0) > 0 {
            if PQconsumeInput(handle) == 0 { return false }
            while let notify = PQnotifies(handle) { PQfreemem(notify) }
        }
        return !isBroken
    }

    // MARK: Statements

    /// Runs SQL text without parameters (several statements allowed). Only for fixed SQL: values
    /// always go through ``query(_:_:)``.
    @discardableResult
    func exec(_ sql: String) throws(StoreError) -> PGResult {
        try check(PQexec(handle, sql), sql: sql)
    }

    /// Runs one parameterized statement; results come back in binary format.
    @discardableResult
    func query(_ sql: String, _ parameters: [PGParameter] = []) throws(StoreError) -> PGResult {
        let result = PGParameter.withCParameters(parameters) { values, lengths, formats in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, lengths, formats, 1)
        }
        return try check(result, sql: sql)
    }

    /// Runs a statement prepared once per connection under `name`.
    @discardableResult
    func execute(_ name: String, _ sql: String, _ parameters: [PGParameter] = []) throws(StoreError) -> PGResult {
        if !prepared.contains(name) {
            try check(PQprepare(handle, name, sql, Int32(parameters.count), nil), sql: sql)
            prepared.insert(name)
        }
        let result = PGParameter.withCParameters(parameters) { values, lengths, formats in
            PQexecPrepared(handle, name, Int32(parameters.count), values, lengths, formats, 1)
        }
        return try check(result, sql: sql)
    }

    /// `COPY ... FROM STDIN` with the given bytes as the whole input.
    func copyIn(_ sql: String, _ data: [UInt8]) throws(StoreError) {
        var sent = false
        try copyIn(sql) {
            defer { sent = true }
            return sent ? nil : data
        }
    }

    /// `COPY ... FROM STDIN`, sending each chunk `produce` returns until it returns nil. PostgreSQL
    /// works on a chunk while the next one is produced.
    func copyIn(_ sql: String, produce: () -> [UInt8]?) throws(StoreError) {
        let start = PQexec(handle, sql)
        let status = PQresultStatus(start)
        PQclear(start)
        guard status == PGRES_COPY_IN else { throw failure(sql: sql, result: nil) }
        while let chunk = produce() {
            if chunk.isEmpty { continue }
            let sent = chunk.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: chunk.count) {
                    PQputCopyData(handle, $0, Int32(chunk.count))
                }
            }
            guard sent == 1 else { throw failure(sql: sql, result: nil) }
        }
        guard PQputCopyEnd(handle, nil) == 1 else { throw failure(sql: sql, result: nil) }
        var firstError: StoreError?
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) != PGRES_COMMAND_OK, firstError == nil {
                firstError = failure(sql: sql, result: result)
            }
            PQclear(result)
        }
        if let firstError { throw firstError }
    }

    @discardableResult
    private func check(_ result: OpaquePointer?, sql: String) throws(StoreError) -> PGResult {
        guard let result else { throw failure(sql: sql, result: nil) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PGResult(result)
        default:
            let error = failure(sql: sql, result: result)
            PQclear(result)
            throw error
        }
    }

    private func failure(sql: String, result: OpaquePointer?) -> StoreError {
        let message = result.map { PGConnection.trimmed(PQresultErrorMessage($0)) } ?? ""
        let text = message.isEmpty ? PGConnection.trimmed(PQerrorMessage(handle)) : message
        if isBroken {
            return StoreError(
                .connectionLost,
                "the connection to PostgreSQL was lost (\(text)); the call's outcome is unknown and it is safe to retry"
            )
        }
        let sqlState = result.flatMap { PQresultErrorField($0, Int32(UInt8(ascii: "C"))) }.map { String(cString: $0) }
        let firstLine = sql.split(separator: "\n").first.map(String.init) ?? sql
        return StoreError(.queryFailed, "\(text) [in: \(firstLine.prefix(80))]", sqlState: sqlState)
    }

    // MARK: Notifications

    /// Waits up to `timeout` seconds for the socket to become readable, then returns the payloads of
    /// any notifications received. Throws when the connection broke.
    func awaitNotifications(timeout: Double) throws(StoreError) -> [String] {
        var payloads = drainNotifications()
        if !payloads.isEmpty { return payloads }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(timeout * 1000))
        if ready > 0 {
            if PQconsumeInput(handle) == 0 || isBroken {
                throw StoreError(
                    .connectionLost,
                    "the listening connection to PostgreSQL was lost: \(PGConnection.trimmed(PQerrorMessage(handle)))")
            }
            payloads = drainNotifications()
        }
        return payloads
    }

    private func drainNotifications() -> [String] {
        var payloads: [String] = []
        while let notify = PQnotifies(handle) {
            payloads.append(String(cString: notify.pointee.extra))
            PQfreemem(notify)
        }
        return payloads
    }
}
