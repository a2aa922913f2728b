import KvotaCore

/// Writes rows in PostgreSQL's binary COPY format (`COPY ... FROM STDIN (FORMAT binary)`).
struct CopyEncoder {
    private(set) var bytes: [UInt8]

    /// A new stream; with `header` false, the encoder continues a stream begun by another.
    init(capacity: Int, header: Bool = true) {
        bytes = []
        bytes.reserveCapacity(capacity)
        guard header else { return }
        bytes.append(contentsOf: Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00])
        appendInt32(0)  // flags
        appendInt32(0)  // header extension length
    }

    /// Hands out the bytes written so far and starts afresh (no header).
    mutating func take() -> [UInt8] {
        defer { bytes = []; bytes.reserveCapacity(64 * 1024) }
        return bytes
    }

    mutating func beginRow(fields: Int) { appendInt16(Int16(fields)) }

    mutating func int64(_ value: Int64) {
        appendInt32(8)
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func int16(_ value: Int16) {
        appendInt32(2)
        appendInt16(value)
    }

    mutating func bytes(_ value: some Collection<UInt8>) {
        appendInt32(Int32(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func text(_ value: String?) {
        guard let value else { return null() }
        bytes(value.utf8)
    }

    mutating func timestamp(_ value: Timestamp) { int64(value.postgresMicroseconds) }

    mutating func null() { appendInt32(-1) }

    /// The trailer; the encoder's bytes are then complete.
    mutating func finish() { appendInt16(-1) }

    private mutating func appendInt32(_ value: Int32) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
    private mutating func appendInt16(_ value: Int16) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
