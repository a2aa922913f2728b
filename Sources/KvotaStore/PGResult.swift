import CLibPQ
import Foundation
import KvotaCore

/// A libpq result in binary format; freed when released.
final class PGResult: @unchecked Sendable {
    let handle: OpaquePointer

    init(_ handle: OpaquePointer) { self.handle = handle }
    deinit { PQclear(handle) }

    var rowCount: Int { Int(PQntuples(handle)) }

    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(handle, Int32(row), Int32(column)) == 1 }

    /// The raw binary value; valid while the result lives.
    func bytes(_ row: Int, _ column: Int) -> UnsafeBufferPointer<UInt8> {
        let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
        let pointer = PQgetvalue(handle, Int32(row), Int32(column))!
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            UnsafeBufferPointer(start: $0, count: length)
        }
    }

    /// An `int8`, `int4` or `int2` column.
    func int64(_ row: Int, _ column: Int) -> Int64 {
        let value = bytes(row, column)
        var result: Int64 = value.count > 0 && value[0] & 0x80 != 0 ? -1 : 0
        for byte in value { result = result << 8 | Int64(byte) }
        return result
    }

    func optionalInt64(_ row: Int, _ column: Int) -> Int64? { isNull(row, column) ? nil : int64(row, column) }

    func string(_ row: Int, _ column: Int) -> String { String(decoding: bytes(row, column), as: UTF8.self) }

    func optionalString(_ row: Int, _ column: Int) -> String? { isNull(row, column) ? nil : string(row, column) }

    func uuid(_ row: Int, _ column: Int) -> UUID { UUID(bytes: bytes(row, column))! }

    func timestamp(_ row: Int, _ column: Int) -> Timestamp { Timestamp(postgresMicroseconds: int64(row, column)) }

    func optionalTimestamp(_ row: Int, _ column: Int) -> Timestamp? {
        isNull(row, column) ? nil : timestamp(row, column)
    }

    func bool(_ row: Int, _ column: Int) -> Bool { bytes(row, column).first == 1 }

    /// A `double precision` column.
    func optionalDouble(_ row: Int, _ column: Int) -> Double? {
        isNull(row, column) ? nil : Double(bitPattern: UInt64(bitPattern: int64(row, column)))
    }
}
