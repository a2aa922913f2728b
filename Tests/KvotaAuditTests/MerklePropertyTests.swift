import KvotaAudit
import KvotaCore
import Testing

/// Every proof a tree can give verifies, and every small change to one (a flipped bit, a wrong
/// index or size, a hash too many or too few) is caught.
@Suite("Merkle proofs and frontier: properties over many tree sizes")
struct MerklePropertyTests {
    /// Every size up to 70 (all shapes of small trees), then random sizes up to 300.
    static let sizes: [UInt64] = {
        var random = SeededRandom(seed: 6962)
        return Array(1...70) + (0..<12).map { _ in UInt64.random(in: 71...300, using: &random) } + [256, 257, 300]
    }()

    static func leaves(_ count: Int) -> [TreeHash] {
        (0..<count).map { TreeHash.leaf(Array("leaf \($0)".utf8)) }
    }

    static func verifies(_ body: () throws -> Void) -> Bool {
        do {
            try body()
            return true
        } catch {
            return false
        }
    }

    static func flipped(_ hash: TreeHash, bit: Int) -> TreeHash {
        var bytes = hash.bytes
        bytes[bit / 8 % 32] ^= 1 << UInt8(bit % 8)
        return TreeHash(bytes) ?? hash
    }

    @Test("the frontier's root equals RFC 9162's recursive MTH at every size up to 300")
    func frontierMatchesReference() {
        let leaves = MerklePropertyTests.leaves(300)
        var frontier = MerkleFrontier()
        for size in 0...300 {
            #expect(frontier.root == referenceRoot(leaves[..<size]), "size \(size)")
            #expect(frontier.size == UInt64(size))
            #expect(frontier.subtreeRoots.count == size.nonzeroBitCount)
            if size < 300 { frontier.append(leaves[size]) }
        }
    }

    @Test("every inclusion proof verifies, and tampered ones do not")
    func inclusion() throws {
        let all = MerklePropertyTests.leaves(300)
        let tree = InMemoryMerkleTree(leaves: all)
        var random = SeededRandom(seed: 9162)
        for size in MerklePropertyTests.sizes {
            let root = referenceRoot(all[..<Int(size)])
            for index in 0..<size {
                let leaf = all[Int(index)]
                let proof = try tree.inclusionProof(index: index, size: size)
                #expect(proof.count <= 64 - (size - 1).leadingZeroBitCount + 1)
                let ok = MerklePropertyTests.verifies {
                    try MerkleProof.verifyInclusion(leafHash: leaf, index: index, size: size, proof: proof, root: root)
                }
                #expect(ok, "index \(index) size \(size)")
                // Tampering: checked for a sample of indexes, every kind of change.
                guard index % 7 == 0 || index == size - 1 else { continue }
                var bad: [(String, UInt64, UInt64, [TreeHash], TreeHash)] = [
                    ("index+1", index + 1, size, proof, leaf), ("index^2", index ^ 2, size, proof, leaf),
                    ("size*2", index, size * 2, proof, leaf), ("extra hash", index, size, proof + [root], leaf),
                    ("other leaf", index, size, proof, MerklePropertyTests.flipped(leaf, bit: 3)),
                ]
                if index > 0 { bad.append(("index-1", index - 1, size, proof, leaf)) }
                if size / 2 > index { bad.append(("size/2", index, size / 2, proof, leaf)) }
                if !proof.isEmpty {
                    bad.append(("missing hash", index, size, Array(proof.dropLast()), leaf))
                    var flipped = proof
                    let at = Int.random(in: 0..<proof.count, using: &random)
                    flipped[at] = MerklePropertyTests.flipped(proof[at], bit: Int.random(in: 0..<256, using: &random))
                    bad.append(("flipped bit", index, size, flipped, leaf))
                }
                for (what, badIndex, badSize, badProof, badLeaf) in bad {
                    // Sizes change by a factor of two: size ± 1 can have the very same path shape, and
                    // the size is bound to the root only through that shape (as in RFC 9162).
                    let accepted = MerklePropertyTests.verifies {
                        try MerkleProof.verifyInclusion(
                            leafHash: badLeaf, index: badIndex, size: badSize, proof: badProof, root: root)
                    }
                    #expect(!accepted, "\(what): index \(index) size \(size)")
                }
            }
        }
    }

    @Test("every consistency proof verifies, and tampered ones do not")
    func consistency() throws {
        let all = MerklePropertyTests.leaves(300)
        let tree = InMemoryMerkleTree(leaves: all)
        let roots = (0...300).map { referenceRoot(all[..<$0]) }
        var random = SeededRandom(seed: 6962_9162)
        for size in MerklePropertyTests.sizes {
            let toRoot = roots[Int(size)]
            for from in 0...size {
                let fromRoot = roots[Int(from)]
                let proof = try tree.consistencyProof(from: from, to: size)
                let ok = MerklePropertyTests.verifies {
                    try MerkleProof.verifyConsistency(
                        from: from, to: size, fromRoot: fromRoot, toRoot: toRoot, proof: proof)
                }
                #expect(ok, "from \(from) to \(size)")
                guard from > 0, from < size, from % 5 == 0 || from == size - 1 else { continue }
                var bad: [(String, UInt64, UInt64, TreeHash, TreeHash, [TreeHash])] = [
                    ("from+1", from + 1, size, fromRoot, toRoot, proof),
                    ("from-1", from - 1, size, fromRoot, toRoot, proof),
                    ("to*2", from, size * 2, fromRoot, toRoot, proof),
                    ("from^2", from ^ 2, size, fromRoot, toRoot, proof),
                    ("swapped roots", from, size, toRoot, fromRoot, proof),
                    ("wrong first root", from, size, roots[Int(from) - 1], toRoot, proof),
                    ("empty proof", from, size, fromRoot, toRoot, []),
                    ("extra hash", from, size, fromRoot, toRoot, proof + [toRoot]),
                    ("missing hash", from, size, fromRoot, toRoot, Array(proof.dropLast())),
                ]
                if size / 2 >= from { bad.append(("to/2", from, size / 2, fromRoot, toRoot, proof)) }
                var flipped = proof
                let at = Int.random(in: 0..<proof.count, using: &random)
                flipped[at] = MerklePropertyTests.flipped(proof[at], bit: Int.random(in: 0..<256, using: &random))
                bad.append(("flipped bit", from, size, fromRoot, toRoot, flipped))
                for (what, badFrom, badTo, badFromRoot, badToRoot, badProof) in bad {
                    let accepted = MerklePropertyTests.verifies {
                        try MerkleProof.verifyConsistency(
                            from: badFrom, to: badTo, fromRoot: badFromRoot, toRoot: badToRoot, proof: badProof)
                    }
                    #expect(!accepted, "\(what): from \(from) to \(size)")
                }
            }
        }
    }

    @Test("a proof reads O(log n) nodes: at most two per level")
    func proofReadsFewNodes() throws {
        let sizes: [UInt64] = [1, 2, 3, 1000, 1 << 20, (1 << 40) + 12345, UInt64.max >> 1]
        for size in sizes {
            let height = 64 - (size - 1).leadingZeroBitCount
            for index: UInt64 in [0, size / 3, size - 1] {
                let nodes = MerkleProof.addresses(for: try MerkleProof.inclusionRanges(index: index, size: size))
                #expect(nodes.count <= 2 * height + 1, "index \(index) size \(size)")
            }
            for from: UInt64 in [1, size / 2, size - 1] where from > 0 {
                let nodes = MerkleProof.addresses(for: try MerkleProof.consistencyRanges(from: from, to: size))
                #expect(nodes.count <= 2 * height + 1, "from \(from) to \(size)")
            }
        }
    }

    @Test("100,000 leaves: frontier, whole-tree root and node table agree (nothing quadratic)")
    func largeTree() throws {
        let leaves = (0..<100_000).map { TreeHash.leaf(withUnsafeBytes(of: UInt64($0).bigEndian) { Array($0) }) }
        var frontier = MerkleFrontier()
        var nodes: [NodeAddress: TreeHash] = [:]
        for leaf in leaves {
            frontier.append(leaf) { address, hash in
                if address.level > 0 { nodes[address] = hash }
            }
        }
        let root = MerkleTree.root(of: leaves)
        #expect(frontier.root == root)
        #expect(frontier.size == 100_000)
        let tree = InMemoryMerkleTree(leaves: leaves)
        #expect(try tree.root(size: 100_000) == root)
        // The nodes the frontier reported are the node table a store would keep.
        #expect(nodes.count == 100_000 - 100_000.nonzeroBitCount)
        for (address, hash) in nodes.prefix(1000) { #expect(try tree.hashes(at: [address]) == [hash]) }
        let proof = try tree.inclusionProof(index: 77_777, size: 100_000)
        try MerkleProof.verifyInclusion(
            leafHash: leaves[77_777], index: 77_777, size: 100_000, proof: proof, root: root)
    }
}
