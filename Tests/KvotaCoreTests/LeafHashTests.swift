import KvotaAudit
import KvotaCore
import Testing

private func hex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(index, offsetBy: 2)
        bytes.append(UInt8(text[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

@Suite("RFC 6962 leaf and node hashes")
struct LeafHashTests {
    @Test("the empty leaf is SHA-256(0x00) (RFC 6962 test vector)")
    func emptyLeaf() {
        #expect(
            MerkleHash.hex(MerkleHash.leaf([])) == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    }

    @Test("a leaf is SHA-256 of 0x00 followed by the bytes, not of the bytes alone")
    func leafPrefix() {
        let bytes = Array("abc".utf8)
        #expect(Digest.sha256Hex(bytes) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(MerkleHash.leaf(bytes) == Digest.sha256([0x00] + bytes))
        #expect(MerkleHash.leaf(bytes) != Digest.sha256(bytes))
    }

    @Test("a node is SHA-256(0x01 || left || right), and order matters")
    func node() {
        let empty = MerkleHash.leaf([])
        #expect(
            MerkleHash.hex(MerkleHash.node(empty, empty))
                == "fe43d66afa4a9a5c4f9c9da89f4ffb52635c8f342e7ffb731d68e36c5982072a")
        let a = MerkleHash.leaf([1])
        let b = MerkleHash.leaf([2])
        #expect(MerkleHash.node(a, b) == Digest.sha256([0x01] + a + b))
        #expect(MerkleHash.node(a, b) != MerkleHash.node(b, a))
    }

    @Test("an event's leaf hash covers its canonical bytes (independently computed vector)")
    func eventLeaf() {
        #expect(MerkleHash.hex(MerkleHash.leaf(of: SampleEvent.event)) == SampleEvent.leafHash)
        #expect(MerkleHash.leaf(of: SampleEvent.event) == MerkleHash.leaf(Array(SampleEvent.canonical.utf8)))
        #expect(MerkleHash.leaf(of: SampleEvent.event) == hex(SampleEvent.leafHash))
    }

    @Test("hex is lowercase, two digits per byte")
    func hexEncoding() {
        #expect(MerkleHash.hex([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
        #expect(MerkleHash.hex([]) == "")
        #expect(MerkleHash.leaf([]).count == 32)
    }
}
