/// The right edge of an append-only Merkle tree: the roots of its perfect subtrees, left to right
/// (one per set bit of `size`, largest first). RFC 9162's tree of `size` leaves is exactly these
/// subtrees joined right to left, so the frontier alone yields the root, and appending a leaf only
/// merges equal-sized subtrees at the right edge.
///
/// This is what lets a log keep its tree while appending, without rescanning leaves: O(log n) hashes
/// to persist (``serialized`` or `Codable`), amortised O(1) node hashes per appended leaf, and the
/// root in O(log n).
public struct MerkleFrontier: Sendable, Hashable {
    /// The number of leaves appended so far.
    public private(set) var size: UInt64
    /// The roots of the perfect subtrees covering leaves 0..<size, largest (leftmost) first.
    public private(set) var subtreeRoots: [TreeHash]

    /// The frontier of the empty tree.
    public init() {
        size = 0
        subtreeRoots = []
    }

    /// A frontier from its parts, as persisted; the number of roots must be the number of set bits of `size`.
    public init(size: UInt64, subtreeRoots: [TreeHash]) throws(AuditError) {
        guard subtreeRoots.count == size.nonzeroBitCount else {
            throw AuditError(
                .invalidFrontier,
                "a tree of \(size) leaves has \(size.nonzeroBitCount) subtree roots, not \(subtreeRoots.count)"
            )
        }
        self.size = size
        self.subtreeRoots = subtreeRoots
    }

    /// The frontier of a tree with these leaf hashes.
    public init(leaves: some Sequence<TreeHash>) {
        self.init()
        append(contentsOf: leaves)
    }

    /// Appends one leaf hash.
    public mutating func append(_ leafHash: TreeHash) {
        append(leafHash) { _, _ in }
    }

    /// Appends one leaf hash and reports every perfect subtree it completes, bottom up, starting with
    /// the leaf itself at level 0: a store that serves proofs writes these to its node table.
    public mutating func append(_ leafHash: TreeHash, completed: (NodeAddress, TreeHash) -> Void) {
        let index = size
        var hash = leafHash
        var level = 0
        completed(NodeAddress(level: 0, index: index), hash)
        // Each trailing one bit of the old size is a subtree of the new leaf's size to merge with.
        while (index >> UInt64(level)) & 1 == 1, let left = subtreeRoots.popLast() {
            hash = TreeHash.node(left, hash)
            level += 1
            completed(NodeAddress(level: level, index: index >> UInt64(level)), hash)
        }
        subtreeRoots.append(hash)
        size += 1
    }

    /// Appends leaf hashes in order.
    public mutating func append(contentsOf leafHashes: some Sequence<TreeHash>) {
        for leafHash in leafHashes { append(leafHash) }
    }

    /// The tree head at ``size``: the subtree roots joined right to left; the empty root for no leaves.
    public var root: TreeHash {
        guard var hash = subtreeRoots.last else { return TreeHash.emptyRoot }
        for left in subtreeRoots.dropLast().reversed() { hash = TreeHash.node(left, hash) }
        return hash
    }
}
