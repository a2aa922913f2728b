/// Byte and JSON forms of a frontier, for a store to persist beside the log head.
extension MerkleFrontier: Codable {
    /// 8 bytes of big-endian size, then the 32-byte subtree roots in order.
    public var serialized: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 + TreeHash.byteCount * subtreeRoots.count)
        for shift in stride(from: 56, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: size >> UInt64(shift)))
        }
        for root in subtreeRoots { out.append(contentsOf: root.bytes) }
        return out
    }

    /// Reads ``serialized`` back; refuses a length or root count that does not fit the size.
    public init(serialized bytes: [UInt8]) throws(AuditError) {
        guard bytes.count >= 8, (bytes.count - 8) % TreeHash.byteCount == 0 else {
            throw AuditError(.invalidFrontier, "a serialized frontier is 8 bytes plus 32 per subtree root")
        }
        var size: UInt64 = 0
        for byte in bytes[0..<8] { size = size << 8 | UInt64(byte) }
        var roots: [TreeHash] = []
        for start in stride(from: 8, to: bytes.count, by: TreeHash.byteCount) {
            guard let root = TreeHash(bytes[start..<(start + TreeHash.byteCount)]) else {
                throw AuditError(.invalidFrontier, "a subtree root is 32 bytes")
            }
            roots.append(root)
        }
        try self.init(size: size, subtreeRoots: roots)
    }

    private enum CodingKeys: String, CodingKey {
        case size
        case subtreeRoots
    }

    /// `{"size": n, "subtreeRoots": ["hex", ...]}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(size, forKey: .size)
        try container.encode(subtreeRoots.map(\.hex), forKey: .subtreeRoots)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let size = try container.decode(UInt64.self, forKey: .size)
        var roots: [TreeHash] = []
        for text in try container.decode([String].self, forKey: .subtreeRoots) {
            guard let root = TreeHash(hex: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .subtreeRoots, in: container, debugDescription: "a subtree root is 64 hex digits")
            }
            roots.append(root)
        }
        do {
            try self.init(size: size, subtreeRoots: roots)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .subtreeRoots, in: container, debugDescription: error.message)
        }
    }
}
