/// RFC 9162 section 2.1 Merkle tree heads over leaf hashes.
public enum MerkleTree {
    /// The root of the empty tree: SHA-256 of the empty string.
    public static var emptyRoot: [UInt8] { TreeHash.emptyRoot.bytes }

    /// MTH over the given 32-byte leaf hashes (not leaf inputs), in O(n) time and O(log n) memory.
    ///
    /// - Precondition: every element is 32 bytes; anything else is a caller's bug, not data to hash.
    public static func root(of leaves: [[UInt8]]) -> [UInt8] {
        var frontier = MerkleFrontier()
        for leaf in leaves {
            guard let hash = TreeHash(leaf) else { preconditionFailure("a leaf hash is 32 bytes, not \(leaf.count)") }
            frontier.append(hash)
        }
        return frontier.root.bytes
    }

    /// MTH over the given leaf hashes.
    public static func root(of leaves: some Sequence<TreeHash>) -> TreeHash {
        MerkleFrontier(leaves: leaves).root
    }

    /// The largest power of two smaller than `n` (n ≥ 2): where RFC 9162 splits a tree of n leaves.
    static func split(_ n: UInt64) -> UInt64 {
        UInt64(1) << UInt64(63 - (n - 1).leadingZeroBitCount)
    }
}
