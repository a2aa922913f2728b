import Foundation
import KvotaAudit
import KvotaCore
import Testing

@Suite("Log verifier: a valid log passes, its root is the tree's")
struct LogVerifierTests {
    static let log = StoredLog.valid()

    /// Verifies `events` against the valid log's checkpoint (unless told otherwise) and finishes.
    static func verify(
        _ events: [[UInt8]], checkpoint: Checkpoint? = log.checkpoint, leafHashes: [TreeHash]? = nil,
        batchSize: Int = 512
    ) -> LogVerifier.Report {
        var verifier = LogVerifier(batchSize: batchSize)
        if let checkpoint { verifier.expect(checkpoint) }
        verifier.append(events, leafHashes: leafHashes)
        return verifier.finish()
    }

    @Test("every event is accepted, and the root is the in-memory tree's and the checkpoint's")
    func validLog() throws {
        let report = LogVerifierTests.verify(LogVerifierTests.log.bytes)
        #expect(report.failure == nil)
        #expect(report.isValid)
        #expect(report.size == 13)
        #expect(report.streams == 6)
        #expect(report.checkedSizes == [13])
        let tree = InMemoryMerkleTree(leaves: LogVerifierTests.log.leafHashes)
        #expect(report.root == (try tree.root(size: 13)))
        #expect(report.root == LogVerifierTests.log.checkpoint.rootHash)
        #expect(report.frontier.size == 13)
    }

    @Test("the replayed state is the server's: units in use after expiry, reallocation and revocation")
    func replayedState() {
        var verifier = LogVerifier()
        verifier.append(LogVerifierTests.log.bytes)
        let book = verifier.state.book(QuotaKey(year: 2025, line: .foreignLabour))
        #expect(book.allocation(.almaty) == 3)
        #expect(book.allocation(.astana) == 2)
        #expect(book.used(.almaty) == 1)
    }

    @Test("the export form, cut anywhere, verifies like separate events")
    func exportChunks() {
        let export = LogVerifierTests.log.export
        for cut in [1, 7, 100, 599, export.count] {
            var verifier = LogVerifier(batchSize: 2)
            verifier.expect(LogVerifierTests.log.checkpoint)
            for start in stride(from: 0, to: export.count, by: cut) {
                verifier.append(export: export[start..<min(start + cut, export.count)])
            }
            let report = verifier.finish()
            #expect(report.isValid, "cut \(cut): \(String(describing: report.failure))")
            #expect(report.root == LogVerifierTests.log.checkpoint.rootHash)
        }
    }

    @Test("verified in the background while it downloads: the same answer, at every block size and cut")
    func background() throws {
        let export = LogVerifierTests.log.export
        // The sixth event's bytes changed (the byte after its first `T`), the rest intact.
        let sixth = try #require(export.indices.filter { export[$0] == UInt8(ascii: "\n") }.dropFirst(4).first)
        let tamperAt = try #require(export[(sixth + 1)...].firstIndex(of: UInt8(ascii: "T"))) + 1
        var tampered = export
        tampered[tamperAt] = tampered[tamperAt] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        for bytes in [export, tampered] {
            var direct = LogVerifier(batchSize: 2)
            direct.expect(LogVerifierTests.log.checkpoint)
            direct.append(export: bytes)
            let expected = direct.finish()
            for blockBytes in [1, 100, 1 << 20] {
                for cut in [1, 7, 599] {
                    var verifier = LogVerifier(batchSize: 2)
                    verifier.expect(LogVerifierTests.log.checkpoint)
                    let background = LogVerifier.Background(
                        taking: &verifier, blockBytes: blockBytes, ahead: cut == 7 ? 1 : 2)
                    for start in stride(from: 0, to: bytes.count, by: cut) {
                        guard background.append(bytes[start..<min(start + cut, bytes.count)]) else { break }
                    }
                    var verified = background.finish()
                    let report = verified.finish()
                    #expect(report.failure?.position == expected.failure?.position, "block \(blockBytes), cut \(cut)")
                    #expect(report.failure?.kind == expected.failure?.kind)
                    #expect(report.isValid == expected.isValid && report.root == expected.root)
                }
            }
        }
        #expect(LogVerifierTests.verify(LogVerifierTests.log.bytes).isValid)
    }

    @Test("a log fed in several chunks, split across cores, gives the same root; prefix checkpoints are checked")
    func chunksAndPrefixes() {
        let bytes = LogVerifierTests.log.bytes
        let prefix = StoredLog.valid().leafHashes.prefix(5)
        var verifier = LogVerifier(batchSize: 2)
        verifier.expect(root: MerkleTree.root(of: Array(prefix)), atSize: 5)
        verifier.expect(LogVerifierTests.log.checkpoint)
        verifier.append(Array(bytes[0..<3]))
        verifier.append(Array(bytes[3..<11]))
        verifier.append(Array(bytes[11...]))
        let report = verifier.finish()
        #expect(report.isValid)
        #expect(report.checkedSizes == [5, 13])
    }

    @Test("the empty log verifies against the empty tree's checkpoint")
    func emptyLog() {
        var verifier = LogVerifier()
        verifier.expect(root: TreeHash.emptyRoot, atSize: 0)
        let report = verifier.finish()
        #expect(report.isValid)
        #expect(report.size == 0)
    }

    @Test("the report's root proves consistency with an earlier checkpoint by the server's proof")
    func consistencyWithSaved() throws {
        let tree = InMemoryMerkleTree(leaves: LogVerifierTests.log.leafHashes)
        let report = LogVerifierTests.verify(LogVerifierTests.log.bytes)
        try MerkleProof.verifyConsistency(
            from: 5, to: report.size, fromRoot: try tree.root(size: 5), toRoot: report.root,
            proof: try tree.consistencyProof(from: 5, to: 13))
    }

    @Test("events stored by the operator's import path (meta.import) read back exactly and verify")
    func importedEvents() throws {
        var events = LogVerifierTests.log.bytes
        for index in events.indices {
            events = events.rewriting(index) { $0.meta.extra["import"] = .object(["source": "kvota-history-2025"]) }
        }
        for bytes in events {
            let event = try bytes.withUnsafeBufferPointer { try RecordedEvent(canonicalBytes: $0) }
            #expect(event.meta.extra["import"] != nil)
            #expect(event.canonicalBytes == bytes)
        }
        #expect(LogVerifierTests.verify(events, checkpoint: nil).isValid)
    }

    @Test("claimed leaf hashes that match pass")
    func claimedLeaves() {
        let report = LogVerifierTests.verify(LogVerifierTests.log.bytes, leafHashes: LogVerifierTests.log.leafHashes)
        #expect(report.isValid)
    }
}
