import KvotaAudit
import Testing

@Suite("RFC 6962 known answers (transparency-dev/merkle testonly vectors)")
struct MerkleVectorTests {
    let tree = InMemoryMerkleTree(leaves: RFC6962Vectors.leafHashes)

    @Test("leaf and node hashes of every perfect subtree")
    func nodeHashes() throws {
        for (level, hashes) in RFC6962Vectors.nodeHashes.enumerated() {
            for (index, hex) in hashes.enumerated() {
                let address = NodeAddress(level: level, index: UInt64(index))
                #expect(try tree.hashes(at: [address]) == [RFC6962Vectors.hash(hex)], "\(address)")
            }
        }
    }

    @Test("roots for sizes 0 to 8, by every way of computing them")
    func roots() throws {
        let leaves = RFC6962Vectors.leafHashes
        var frontier = MerkleFrontier()
        for size in 0...8 {
            let expected = RFC6962Vectors.hash(RFC6962Vectors.roots[size])
            let prefix = Array(leaves.prefix(size))
            #expect(MerkleTree.root(of: prefix) == expected, "size \(size)")
            #expect(MerkleTree.root(of: prefix.map(\.bytes)) == expected.bytes, "size \(size)")
            #expect(referenceRoot(prefix[...]) == expected, "size \(size)")
            #expect(try tree.root(size: UInt64(size)) == expected, "size \(size)")
            #expect(frontier.root == expected, "size \(size)")
            if size < 8 { frontier.append(leaves[size]) }
        }
        #expect(MerkleTree.emptyRoot == RFC6962Vectors.hash(RFC6962Vectors.roots[0]).bytes)
    }

    @Test("inclusion proofs are generated exactly and verify")
    func inclusion() throws {
        for vector in RFC6962Vectors.inclusionProofs {
            let expected = vector.proof.map(RFC6962Vectors.hash)
            #expect(try tree.inclusionProof(index: vector.index, size: vector.size) == expected, "\(vector)")
            try MerkleProof.verifyInclusion(
                leafHash: RFC6962Vectors.leafHashes[Int(vector.index)], index: vector.index, size: vector.size,
                proof: expected, root: RFC6962Vectors.hash(RFC6962Vectors.roots[Int(vector.size)]))
        }
    }

    @Test("consistency proofs are generated exactly and verify")
    func consistency() throws {
        for vector in RFC6962Vectors.consistencyProofs {
            let expected = vector.proof.map(RFC6962Vectors.hash)
            #expect(try tree.consistencyProof(from: vector.from, to: vector.to) == expected, "\(vector)")
            try MerkleProof.verifyConsistency(
                from: vector.from, to: vector.to, fromRoot: RFC6962Vectors.hash(RFC6962Vectors.roots[Int(vector.from)]),
                toRoot: RFC6962Vectors.hash(RFC6962Vectors.roots[Int(vector.to)]), proof: expected)
        }
    }

    @Test("the frontier after each size is the perfect subtrees of constants.go CompactTrees")
    func compactTrees() {
        let node = { (level: Int, index: Int) in RFC6962Vectors.hash(RFC6962Vectors.nodeHashes[level][index]) }
        let expected: [[TreeHash]] = [
            [], [node(0, 0)], [node(1, 0)], [node(1, 0), node(0, 2)], [node(2, 0)], [node(2, 0), node(0, 4)],
            [node(2, 0), node(1, 2)], [node(2, 0), node(1, 2), node(0, 6)], [node(3, 0)],
        ]
        var frontier = MerkleFrontier()
        for size in 0...8 {
            #expect(frontier.subtreeRoots == expected[size], "size \(size)")
            if size < 8 { frontier.append(RFC6962Vectors.leafHashes[size]) }
        }
    }

    @Test("requests outside the tree are refused with a code")
    func badRequests() {
        #expect(throws: AuditError(.indexOutOfRange, "leaf 3 is not in a tree of 3 leaves")) {
            try MerkleProof.inclusionRanges(index: 3, size: 3)
        }
        #expect(throws: AuditError.self) { try MerkleProof.inclusionRanges(index: 0, size: 0) }
        #expect(throws: AuditError.self) { try MerkleProof.consistencyRanges(from: 5, to: 4) }
        #expect(throws: AuditError.self) { try tree.inclusionProof(index: 3, size: 9) }
        #expect((try? MerkleProof.consistencyRanges(from: 0, to: 8)) == [])
        #expect((try? MerkleProof.consistencyRanges(from: 8, to: 8)) == [])
    }
}
