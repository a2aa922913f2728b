import Foundation
import KvotaAudit
import Testing

@Suite("Merkle frontier: persisted and restored")
struct MerkleFrontierTests {
    static func frontier(_ size: Int) -> MerkleFrontier {
        MerkleFrontier(leaves: (0..<size).map { TreeHash.leaf([UInt8(truncatingIfNeeded: $0)]) })
    }

    @Test("bytes and JSON round-trip at every size up to 70, and appending continues from there")
    func roundTrip() throws {
        for size in 0...70 {
            let frontier = MerkleFrontierTests.frontier(size)
            var restored = try MerkleFrontier(serialized: frontier.serialized)
            #expect(restored == frontier)
            #expect(frontier.serialized.count == 8 + 32 * size.nonzeroBitCount)
            let json = try JSONEncoder().encode(frontier)
            #expect(try JSONDecoder().decode(MerkleFrontier.self, from: json) == frontier)
            restored.append(TreeHash.leaf([UInt8(truncatingIfNeeded: size)]))
            #expect(restored == MerkleFrontierTests.frontier(size + 1))
        }
    }

    @Test("the JSON form is the size and hex subtree roots")
    func jsonShape() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(MerkleFrontierTests.frontier(1)), as: UTF8.self)
        #expect(text == #"{"size":1,"subtreeRoots":["\#(TreeHash.leaf([0]).hex)"]}"#)
    }

    @Test("a frontier whose root count does not fit its size is refused")
    func refusesInconsistent() {
        let three = MerkleFrontierTests.frontier(3)
        #expect(throws: AuditError.self) { try MerkleFrontier(size: 4, subtreeRoots: three.subtreeRoots) }
        #expect(throws: AuditError.self) { try MerkleFrontier(serialized: Array(three.serialized.dropLast())) }
        #expect(throws: AuditError.self) { try MerkleFrontier(serialized: [0, 0, 0]) }
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(MerkleFrontier.self, from: Data(#"{"size":2,"subtreeRoots":[]}"#.utf8))
        }
    }

    @Test("the completed-node callback reports each perfect subtree once, with its address")
    func completedNodes() throws {
        let leaves = (0..<37).map { TreeHash.leaf([UInt8($0)]) }
        let tree = InMemoryMerkleTree(leaves: leaves)
        var frontier = MerkleFrontier()
        var reported: [NodeAddress] = []
        for leaf in leaves {
            frontier.append(leaf) { address, hash in
                reported.append(address)
                #expect((try? tree.hashes(at: [address])) == [hash], "\(address)")
            }
        }
        #expect(Set(reported).count == reported.count)
        #expect(reported.count == 37 + 18 + 9 + 4 + 2 + 1)
    }

    @Test("tree hashes parse from 64 hex digits or 32 bytes only")
    func treeHashParsing() {
        let hash = TreeHash.leaf([])
        #expect(TreeHash(hex: hash.hex) == hash)
        #expect(TreeHash(hex: hash.hex.uppercased()) == hash)
        #expect(TreeHash(hex: String(hash.hex.dropLast())) == nil)
        #expect(TreeHash(hex: String(hash.hex.dropLast()) + "g") == nil)
        #expect(TreeHash(hash.bytes + [0]) == nil)
        #expect(TreeHash(hash.bytes) == hash)
        #expect(TreeHash.leaf([1, 2]).bytes == MerkleHash.leaf([1, 2]))
        #expect(TreeHash.node(hash, hash).bytes == MerkleHash.node(hash.bytes, hash.bytes))
    }
}
