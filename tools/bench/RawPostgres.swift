import CLibPQ
import Foundation

/// Plain libpq, for the baselines: what PostgreSQL does with no Kvota code in the way.
final class RawPostgres {
    let handle: OpaquePointer

    init(_ conninfo: String) throws {
        handle = PQconnectdb(conninfo)
        guard PQstatus(handle) == CONNECTION_OK else { throw BenchError(String(cString: PQerrorMessage(handle))) }
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit { PQfinish(handle) }

    func exec(_ sql: String) throws {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw BenchError("\(sql.prefix(60)): \(String(cString: PQerrorMessage(handle)))")
        }
    }

    /// `COPY ... TO STDOUT`: returns the raw stream, or just counts rows when `keep` is false.
    func copyOut(_ sql: String, keep: Bool) throws -> (bytes: [UInt8], rows: Int) {
        let start = PQexec(handle, sql)
        let status = PQresultStatus(start)
        PQclear(start)
        guard status == PGRES_COPY_OUT else { throw BenchError("\(sql): \(String(cString: PQerrorMessage(handle)))") }
        var out: [UInt8] = []
        var rows = 0
        var buffer: UnsafeMutablePointer<CChar>?
        while true {
            let length = PQgetCopyData(handle, &buffer, 0)
            if length < 0 { break }
            rows += 1
            if keep, let buffer {
                buffer.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                    out.append(contentsOf: UnsafeBufferPointer(start: $0, count: Int(length)))
                }
            }
            if let buffer { PQfreemem(buffer) }
        }
        while let result = PQgetResult(handle) { PQclear(result) }
        return (out, rows)
    }

    func copyIn(_ sql: String, _ data: [UInt8]) throws {
        let start = PQexec(handle, sql)
        let status = PQresultStatus(start)
        PQclear(start)
        guard status == PGRES_COPY_IN else { throw BenchError("\(sql): \(String(cString: PQerrorMessage(handle)))") }
        data.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: data.count) { base in
                var offset = 0
                while offset < data.count {
                    let count = min(1 << 20, data.count - offset)
                    _ = PQputCopyData(handle, base + offset, Int32(count))
                    offset += count
                }
            }
        }
        _ = PQputCopyEnd(handle, nil)
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            guard PQresultStatus(result) == PGRES_COMMAND_OK else {
                throw BenchError("COPY: \(String(cString: PQerrorMessage(handle)))")
            }
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
