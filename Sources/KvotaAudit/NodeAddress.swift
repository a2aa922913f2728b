/// A perfect subtree of the log's tree: the 2^level leaves starting at leaf `index << level`.
///
/// Only perfect subtrees ever change nothing when the log grows, so they are what a store keeps
/// (level 0 is the leaf hashes) and what proofs are assembled from.
public struct NodeAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The height above the leaves: 0 for a leaf, k for a subtree of 2^k leaves.
    public var level: Int
    /// The subtree's place among the subtrees of its level, left to right.
    public var index: UInt64

    public init(level: Int, index: UInt64) {
        self.level = level
        self.index = index
    }

    /// The leaves the subtree covers.
    public var leaves: Range<UInt64> { (index << UInt64(level))..<((index + 1) << UInt64(level)) }

    public static func < (lhs: NodeAddress, rhs: NodeAddress) -> Bool {
        (lhs.level, lhs.index) < (rhs.level, rhs.index)
    }

    public var description: String { "(\(level), \(index))" }
}
