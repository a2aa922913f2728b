import Crypto

/// One SHA-256 hash in a Merkle tree (a leaf hash or the hash of a subtree), held inline in 32 bytes.
///
/// Trees over millions of events hash millions of nodes; keeping each hash in a fixed-size value
/// instead of an `[UInt8]` means building a tree allocates nothing per node.
public struct TreeHash: Sendable, Hashable, CustomStringConvertible {
    /// The 32 bytes, in order, stored as four words so the value stays on the stack.
    private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// The number of bytes in a SHA-256 hash.
    public static let byteCount = 32

    private init() {}

    /// A hash from exactly 32 bytes; nil for any other length (a truncated or padded proof element).
    public init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count == TreeHash.byteCount else { return nil }
        withUnsafeMutableBytes(of: &storage) { target in
            for (offset, byte) in bytes.enumerated() { target[offset] = byte }
        }
    }

    /// A hash from 64 hexadecimal digits (either case); nil for anything else.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 2 * TreeHash.byteCount else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(TreeHash.byteCount)
        for pair in stride(from: 0, to: digits.count, by: 2) {
            guard let high = TreeHash.nibble(digits[pair]), let low = TreeHash.nibble(digits[pair + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        self.init(bytes)
    }

    /// The 32 bytes as an array, for storage and the wire.
    public var bytes: [UInt8] { Swift.withUnsafeBytes(of: storage) { Array($0) } }

    /// Lowercase hexadecimal, as `leafHash` is written in pulls.
    public var hex: String { MerkleHash.hex(bytes) }

    public var description: String { hex }

    /// Gives read access to the 32 bytes without copying them out.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: storage, body)
    }

    public static func == (lhs: TreeHash, rhs: TreeHash) -> Bool {
        lhs.storage.0 == rhs.storage.0 && lhs.storage.1 == rhs.storage.1 && lhs.storage.2 == rhs.storage.2
            && lhs.storage.3 == rhs.storage.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.0)
        hasher.combine(storage.1)
        hasher.combine(storage.2)
        hasher.combine(storage.3)
    }

    /// The root of the empty tree: SHA-256 of the empty string (RFC 9162 section 2.1.1).
    public static let emptyRoot = TreeHash(digest: SHA256().finalize())

    /// RFC 6962 leaf hash: SHA-256(0x00 || bytes).
    public static func leaf(_ bytes: [UInt8]) -> TreeHash {
        var hasher = SHA256()
        Swift.withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return TreeHash(digest: hasher.finalize())
    }

    /// RFC 6962 interior node hash: SHA-256(0x01 || left || right).
    public static func node(_ left: TreeHash, _ right: TreeHash) -> TreeHash {
        var hasher = SHA256()
        Swift.withUnsafeBytes(of: UInt8(0x01)) { hasher.update(bufferPointer: $0) }
        left.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        right.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return TreeHash(digest: hasher.finalize())
    }

    private init(digest: SHA256.Digest) {
        self.init()
        digest.withUnsafeBytes { source in
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) }
        }
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
