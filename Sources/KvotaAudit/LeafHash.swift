import Crypto
public import KvotaCore

/// RFC 6962 hashing: leaf = SHA-256(0x00 || canonical bytes), node = SHA-256(0x01 || left || right).
public enum MerkleHash {
    public static func leaf(_ canonicalBytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: canonicalBytes)
        return Array(hasher.finalize())
    }

    public static func node(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left)
        hasher.update(data: right)
        return Array(hasher.finalize())
    }

    /// The leaf hash of a recorded event.
    public static func leaf(of event: RecordedEvent) -> [UInt8] { leaf(event.canonicalBytes) }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// SHA-256 digests for things other than tree nodes (migration checksums, key ids).
public enum Digest {
    public static func sha256(_ bytes: some Sequence<UInt8>) -> [UInt8] { Array(SHA256.hash(data: Array(bytes))) }
    public static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String { MerkleHash.hex(sha256(bytes)) }
}
