/// RFC 9162 inclusion (2.1.3.1) and consistency (2.1.4.1) proofs, generated from perfect subtree hashes.
///
/// Every hash in a proof is the tree hash of a leaf range; all but at most one of those ranges are
/// perfect subtrees, and the one on the tree's right edge splits into O(log n) of them. Generation is
/// therefore in two steps a store can separate: the ranges (and the ``NodeAddress``es they need)
/// from the sizes alone, then the hashes from one batched read. ``MerkleNodeSource`` joins the two.
public enum MerkleProof {
    /// The leaf ranges whose hashes form the inclusion proof of leaf `index` in a tree of `size`
    /// leaves, in proof order (from the leaf up).
    public static func inclusionRanges(index: UInt64, size: UInt64) throws(AuditError) -> [Range<UInt64>] {
        guard index < size else {
            throw AuditError(.indexOutOfRange, "leaf \(index) is not in a tree of \(size) leaves")
        }
        // PATH(m, D[lo:hi]) walked top down; the RFC lists it bottom up.
        var ranges: [Range<UInt64>] = []
        var lo: UInt64 = 0
        var hi = size
        while hi - lo > 1 {
            let k = MerkleTree.split(hi - lo)
            if index - lo < k {
                ranges.append((lo + k)..<hi)
                hi = lo + k
            } else {
                ranges.append(lo..<(lo + k))
                lo += k
            }
        }
        return ranges.reversed()
    }

    /// The leaf ranges whose hashes form the consistency proof between the trees of `from` and `to`
    /// leaves, in proof order. Empty when `from` is 0 or equal to `to`.
    public static func consistencyRanges(from: UInt64, to: UInt64) throws(AuditError) -> [Range<UInt64>] {
        guard from <= to else {
            throw AuditError(.invalidSizes, "a tree of \(from) leaves cannot grow into one of \(to)")
        }
        guard from > 0 else { return [] }
        // SUBPROOF(m, D[lo:hi], b) walked top down; the RFC lists it bottom up.
        var ranges: [Range<UInt64>] = []
        var lo: UInt64 = 0
        var hi = to
        var m = from
        var isWholeFirstTree = true
        while m != hi - lo {
            let k = MerkleTree.split(hi - lo)
            if m <= k {
                ranges.append((lo + k)..<hi)
                hi = lo + k
            } else {
                ranges.append(lo..<(lo + k))
                lo += k
                m -= k
                isWholeFirstTree = false
            }
        }
        // The subtree equal to the first tree's remaining part: known to the verifier only when it is
        // the whole first tree (the verifier has that root).
        if !isWholeFirstTree { ranges.append(lo..<hi) }
        return ranges.reversed()
    }

    /// The perfect subtrees that make up `range`, left to right. For ranges from proofs (and 0..<n)
    /// they shrink left to right, which is what lets ``rangeHash(_:nodes:)`` join them.
    public static func subtrees(of range: Range<UInt64>) -> [NodeAddress] {
        var addresses: [NodeAddress] = []
        var start = range.lowerBound
        while start < range.upperBound {
            var level = 63 - (range.upperBound - start).leadingZeroBitCount
            if start != 0 { level = min(level, start.trailingZeroBitCount) }
            addresses.append(NodeAddress(level: level, index: start >> UInt64(level)))
            start += UInt64(1) << UInt64(level)
        }
        return addresses
    }

    /// Every perfect subtree the ranges need, each once, in ascending order: what a store reads.
    public static func addresses(for ranges: [Range<UInt64>]) -> [NodeAddress] {
        Set(ranges.flatMap(subtrees(of:))).sorted()
    }

    /// The proof hashes for `ranges`, given the hashes of ``addresses(for:)``.
    public static func assemble(
        _ ranges: [Range<UInt64>], from hashes: [NodeAddress: TreeHash]
    ) throws(AuditError) -> [TreeHash] {
        try ranges.map { range throws(AuditError) in try join(subtrees(of: range), hashes) }
    }

    /// The tree hash of a proof range (or of the whole tree, 0..<size) read from `nodes`.
    public static func rangeHash(_ range: Range<UInt64>, nodes: some MerkleNodeSource) throws -> TreeHash {
        if range.isEmpty { return TreeHash.emptyRoot }
        let addresses = subtrees(of: range)
        let hashes = try nodes.hashes(at: addresses)
        return try join(addresses, Dictionary(zip(addresses, hashes), uniquingKeysWith: { first, _ in first }))
    }

    /// MTH of consecutive perfect subtrees of shrinking size: joined right to left.
    private static func join(
        _ addresses: [NodeAddress], _ hashes: [NodeAddress: TreeHash]
    ) throws(AuditError) -> TreeHash {
        var result: TreeHash?
        for address in addresses.reversed() {
            guard let hash = hashes[address] else { throw AuditError(.missingNode, "no node at \(address)") }
            result = result.map { TreeHash.node(hash, $0) } ?? hash
        }
        return result ?? TreeHash.emptyRoot
    }
}

extension MerkleNodeSource {
    /// The RFC 9162 inclusion proof of leaf `index` in the tree of the first `size` leaves.
    public func inclusionProof(index: UInt64, size: UInt64) throws -> [TreeHash] {
        try proof(for: MerkleProof.inclusionRanges(index: index, size: size))
    }

    /// The RFC 9162 consistency proof from the tree of `from` leaves to the tree of `to` leaves.
    public func consistencyProof(from: UInt64, to: UInt64) throws -> [TreeHash] {
        try proof(for: MerkleProof.consistencyRanges(from: from, to: to))
    }

    /// The root of the tree of the first `size` leaves.
    public func root(size: UInt64) throws -> TreeHash {
        try MerkleProof.rangeHash(0..<size, nodes: self)
    }

    private func proof(for ranges: [Range<UInt64>]) throws -> [TreeHash] {
        let addresses = MerkleProof.addresses(for: ranges)
        let hashes = try self.hashes(at: addresses)
        guard hashes.count == addresses.count else {
            throw AuditError(.missingNode, "asked for \(addresses.count) nodes, got \(hashes.count)")
        }
        return try MerkleProof.assemble(
            ranges, from: Dictionary(zip(addresses, hashes), uniquingKeysWith: { a, _ in a }))
    }
}
