/// Proof verification, following RFC 9162 sections 2.1.3.2 and 2.1.4.2 step by step, so that a
/// reader can check it against the RFC's text.
extension MerkleProof {
    /// The root that `proof` yields for `leafHash` at `index` in a tree of `size` leaves.
    public static func rootFromInclusion(
        leafHash: TreeHash, index: UInt64, size: UInt64, proof: [TreeHash]
    ) throws(AuditError) -> TreeHash {
        // 1. An index at or beyond the size proves nothing.
        guard index < size else {
            throw AuditError(.indexOutOfRange, "leaf \(index) is not in a tree of \(size) leaves")
        }
        // 2.–3.
        var fn = index
        var sn = size - 1
        var r = leafHash
        // 4.
        for p in proof {
            // a. A path longer than the tree is tall.
            guard sn != 0 else { throw AuditError(.wrongLength, "the proof is too long for size \(size)") }
            if fn & 1 == 1 || fn == sn {
                // b. p is a left sibling; past the right edge, skip the levels where the node has no sibling.
                r = TreeHash.node(p, r)
                if fn & 1 == 0 {
                    repeat {
                        fn >>= 1
                        sn >>= 1
                    } while fn & 1 == 0 && fn != 0
                }
            } else {
                r = TreeHash.node(r, p)
            }
            // c.
            fn >>= 1
            sn >>= 1
        }
        // 5. Every level must have been used.
        guard sn == 0 else { throw AuditError(.wrongLength, "the proof is too short for size \(size)") }
        return r
    }

    /// Checks that `proof` shows `leafHash` at `index` in the tree of `size` leaves with head `root`.
    public static func verifyInclusion(
        leafHash: TreeHash, index: UInt64, size: UInt64, proof: [TreeHash], root: TreeHash
    ) throws(AuditError) {
        let computed = try rootFromInclusion(leafHash: leafHash, index: index, size: size, proof: proof)
        guard computed == root else {
            throw AuditError(.rootMismatch, "the proof yields \(computed.hex), not \(root.hex)")
        }
    }

    /// Checks that `proof` shows the tree of `from` leaves (head `fromRoot`) is a prefix of the tree
    /// of `to` leaves (head `toRoot`).
    ///
    /// The RFC's algorithm covers 0 < from < to; as there, equal sizes need equal roots and an empty
    /// proof, and the empty tree is a prefix of every tree with an empty proof.
    public static func verifyConsistency(
        from: UInt64, to: UInt64, fromRoot: TreeHash, toRoot: TreeHash, proof: [TreeHash]
    ) throws(AuditError) {
        guard from <= to else {
            throw AuditError(.invalidSizes, "a tree of \(from) leaves cannot grow into one of \(to)")
        }
        if from == to || from == 0 {
            guard proof.isEmpty else { throw AuditError(.wrongLength, "the proof must be empty") }
            guard from == 0 || fromRoot == toRoot else {
                throw AuditError(.rootMismatch, "two trees of \(from) leaves with different roots")
            }
            return
        }
        // 1.
        guard !proof.isEmpty else { throw AuditError(.wrongLength, "the proof is empty") }
        // 2. When the first tree is a perfect subtree of the second, the proof leaves out its root.
        var path = proof
        if from & (from - 1) == 0 { path.insert(fromRoot, at: 0) }
        // 3.–4.
        var fn = from - 1
        var sn = to - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // 5.
        var fr = path[0]
        var sr = path[0]
        // 6.
        for c in path.dropFirst() {
            // a.
            guard sn != 0 else { throw AuditError(.wrongLength, "the proof is too long") }
            if fn & 1 == 1 || fn == sn {
                // b.
                fr = TreeHash.node(c, fr)
                sr = TreeHash.node(c, sr)
                if fn & 1 == 0 {
                    repeat {
                        fn >>= 1
                        sn >>= 1
                    } while fn & 1 == 0 && fn != 0
                }
            } else {
                sr = TreeHash.node(sr, c)
            }
            // c.
            fn >>= 1
            sn >>= 1
        }
        // 7.
        guard sn == 0 else { throw AuditError(.wrongLength, "the proof is too short") }
        guard fr == fromRoot else {
            throw AuditError(.rootMismatch, "the proof yields first root \(fr.hex), not \(fromRoot.hex)")
        }
        guard sr == toRoot else {
            throw AuditError(.rootMismatch, "the proof yields second root \(sr.hex), not \(toRoot.hex)")
        }
    }
}
