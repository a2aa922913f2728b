/// Where proof generation reads the hashes of perfect subtrees: a store's node table, or memory.
///
/// Proofs ask for O(log n) nodes at once, so that a store can answer with one query.
public protocol MerkleNodeSource {
    /// The hashes of the perfect subtrees at `addresses`, in the same order. Every address lies inside
    /// the tree the proof is for; a source that lacks one throws.
    func hashes(at addresses: [NodeAddress]) throws -> [TreeHash]
}

/// A whole tree in memory, every level kept: for tests, tools and small logs.
public struct InMemoryMerkleTree: MerkleNodeSource, Sendable {
    /// `levels[k][i]` is the hash of the perfect subtree at (k, i).
    public private(set) var levels: [[TreeHash]] = [[]]

    public init() {}

    public init(leaves: some Sequence<TreeHash>) {
        for leaf in leaves { append(leaf) }
    }

    /// The number of leaves.
    public var size: UInt64 { UInt64(levels[0].count) }

    /// Appends a leaf hash and every perfect subtree it completes.
    public mutating func append(_ leafHash: TreeHash) {
        levels[0].append(leafHash)
        var level = 0
        while levels[level].count % 2 == 0 {
            let count = levels[level].count
            let parent = TreeHash.node(levels[level][count - 2], levels[level][count - 1])
            level += 1
            if levels.count == level { levels.append([]) }
            levels[level].append(parent)
        }
    }

    public func hashes(at addresses: [NodeAddress]) throws -> [TreeHash] {
        try addresses.map { address throws(AuditError) in
            guard address.level < levels.count, address.index < UInt64(levels[address.level].count) else {
                throw AuditError(.missingNode, "no node at \(address)")
            }
            return levels[address.level][Int(address.index)]
        }
    }
}
