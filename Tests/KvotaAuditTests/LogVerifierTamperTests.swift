import Foundation
import KvotaAudit
import KvotaCore
import Testing

@Suite("Log verifier: each kind of tampering is caught at its position")
struct LogVerifierTamperTests {
    static let log = StoredLog.valid()
    static let bytes = log.bytes

    /// The failure of `events` against the valid log's checkpoint, or of the events alone. Verified
    /// in one batch (in order on the caller's thread) and in batches of 1 and 3 (bytes checked across
    /// cores, the envelope and rules stages on threads of their own): every way finds the same failure
    /// and stops at the same size.
    static func failure(
        _ events: [[UInt8]], checkpoint: Checkpoint? = log.checkpoint, leafHashes: [TreeHash]? = nil
    ) -> LogVerifier.Failure? {
        let whole = LogVerifierTests.verify(events, checkpoint: checkpoint, leafHashes: leafHashes)
        for batchSize in [1, 3] {
            let split = LogVerifierTests.verify(
                events, checkpoint: checkpoint, leafHashes: leafHashes, batchSize: batchSize)
            #expect(split.failure == whole.failure, "batches of \(batchSize)")
            #expect(split.size == whole.size && split.streams == whole.streams, "batches of \(batchSize)")
        }
        return whole.failure
    }

    @Test("a changed data field that the rules accept: the checkpoint's root, or the claimed leaf hash, names it")
    func changedData() throws {
        let changed = LogVerifierTamperTests.bytes.rewriting(0) { $0.data["basis"] = "order 2" }
        let byRoot = try #require(LogVerifierTamperTests.failure(changed))
        #expect(byRoot.kind == .rootMismatch)
        #expect(byRoot.treeSize == 13)
        #expect(byRoot.position == nil)
        let byLeaf = try #require(
            LogVerifierTamperTests.failure(changed, leafHashes: LogVerifierTamperTests.log.leafHashes))
        #expect(byLeaf.kind == .leafHashMismatch)
        #expect(byLeaf.position == 0)
        #expect(byLeaf.description.hasPrefix("position 0: leaf-hash-mismatch: leaf hash differs"))
    }

    @Test("a changed data field that breaks a rule is refused with the rule's code")
    func changedDataBreakingRule() throws {
        let changed = LogVerifierTamperTests.bytes.rewriting(1) { $0.data["units"] = 20 }
        let failure = try #require(LogVerifierTamperTests.failure(changed))
        #expect(failure.kind == .refused)
        #expect(failure.code == "ceiling-exceeded")
        #expect(failure.position == 1)
    }

    @Test("changed meta: another region's token, an unknown role, an earlier recordedAt")
    func changedMeta() throws {
        let otherRegion = LogVerifierTamperTests.bytes.rewriting(5) { $0.meta.region = "KZ-71" }
        let forbidden = try #require(LogVerifierTamperTests.failure(otherRegion))
        #expect(forbidden.kind == .refused)
        #expect(forbidden.code == "forbidden")
        #expect(forbidden.position == 5)

        let auditor = LogVerifierTamperTests.bytes.rewriting(2) { $0.meta.role = "auditor" }
        let role = try #require(LogVerifierTamperTests.failure(auditor))
        #expect(role.kind == .invalidMeta)
        #expect(role.position == 2)

        let earlier = LogVerifierTamperTests.bytes.rewriting(7) {
            $0.meta.recordedAt = Timestamp(rfc3339: "2025-01-01T00:00:00Z")
        }
        let time = try #require(LogVerifierTamperTests.failure(earlier))
        #expect(time.kind == .recordedAtDecreasing)
        #expect(time.position == 7)

        let actor = LogVerifierTamperTests.bytes.rewriting(3) { $0.meta.actor = "someone-else" }
        let leaf = try #require(
            LogVerifierTamperTests.failure(actor, leafHashes: LogVerifierTamperTests.log.leafHashes))
        #expect(leaf.kind == .leafHashMismatch)
        #expect(leaf.position == 3)
    }

    @Test("a deleted event: the next one is not at its position")
    func deleted() throws {
        var events = LogVerifierTamperTests.bytes
        events.remove(at: 6)
        let failure = try #require(LogVerifierTamperTests.failure(events))
        #expect(failure.kind == .positionMismatch)
        #expect(failure.position == 6)
        #expect(failure.description.hasPrefix("position 6: position-mismatch: expected position 6, found 7"))
    }

    @Test("two events swapped: the first of them is out of place; renumbered, the versions break")
    func swapped() throws {
        var events = LogVerifierTamperTests.bytes
        events.swapAt(8, 9)
        let failure = try #require(LogVerifierTamperTests.failure(events))
        #expect(failure.kind == .positionMismatch)
        #expect(failure.position == 8)

        // Swapped and renumbered: CeilingSet after AllocationSet in the same stream.
        var renumbered = LogVerifierTamperTests.bytes
        renumbered.swapAt(0, 1)
        renumbered = renumbered.rewriting(0) { $0.position = 0 }.rewriting(1) { $0.position = 1 }
        let version = try #require(LogVerifierTamperTests.failure(renumbered))
        #expect(version.kind == .versionGap)
        #expect(version.position == 0)
        #expect(version.message == "stream quota-2025-foreign-labour starts at version 1, not 0")
    }

    @Test("a truncated tail: the log ends before the checkpoint's size")
    func truncated() throws {
        let events = Array(LogVerifierTamperTests.bytes.dropLast(2))
        #expect(LogVerifierTamperTests.failure(events, checkpoint: nil) == nil)
        let failure = try #require(LogVerifierTamperTests.failure(events))
        #expect(failure.kind == .truncated)
        #expect(failure.position == 11)
        #expect(failure.treeSize == 13)
    }

    @Test("an inserted event: the one it displaces is out of place; renumbered, the root differs")
    func inserted() throws {
        var extra = StoredLog.valid()
        extra.add(
            "employer-\(StoredLog.employer.digits)", "EmployerBarred",
            ["from": "2025-02-05", "until": "2025-03-05", "reason": "x"], by: .ministry, at: "2025-02-05T05:40:00Z")
        let inserted = extra.bytes[13...].first!
        var events = LogVerifierTamperTests.bytes
        events.insert(inserted, at: 7)
        let renumberedInsert = [events[7]].rewriting(0) { $0.position = 7 }[0]
        events[7] = renumberedInsert
        let failure = try #require(LogVerifierTamperTests.failure(events))
        #expect(failure.kind == .positionMismatch)
        #expect(failure.position == 8)
        #expect(failure.message.hasPrefix("expected position 8, found 7"))

        var renumbered = events
        for index in 8..<renumbered.count { renumbered = renumbered.rewriting(index) { $0.position = Int64(index) } }
        let root = try #require(LogVerifierTamperTests.failure(renumbered))
        #expect(root.kind == .rootMismatch)
        #expect(root.treeSize == 13)
    }

    @Test("a repeated eventId is caught where it repeats")
    func duplicateEventId() throws {
        let first = LogVerifierTamperTests.log.events[3].eventId
        let events = LogVerifierTamperTests.bytes.rewriting(4) { $0.eventId = first }
        let failure = try #require(LogVerifierTamperTests.failure(events))
        #expect(failure.kind == .duplicateEventId)
        #expect(failure.position == 4)
    }

    @Test("bytes that read as the event but are not its canonical encoding")
    func nonCanonical() throws {
        for variant in [
            { (text: String) in text.replacingOccurrences(of: #""type":"#, with: #""type": "#) },
            { (text: String) in text.replacingOccurrences(of: #""units":2"#, with: #""units":2.0"#) },
            { (text: String) in text.replacingOccurrences(of: #""KZ-75""#, with: #""KZ\u002d75""#) },
        ] {
            var events = LogVerifierTamperTests.bytes
            events[1] = Array(variant(String(decoding: events[1], as: UTF8.self)).utf8)
            #expect(events[1] != LogVerifierTamperTests.bytes[1])
            let failure = try #require(LogVerifierTamperTests.failure(events))
            #expect(failure.position == 1)
            #expect(failure.kind == .nonCanonical)
        }
        var spaced = LogVerifierTamperTests.bytes
        spaced[1] = Array(String(decoding: spaced[1], as: UTF8.self).replacingOccurrences(of: ",", with: ", ").utf8)
        #expect(LogVerifierTamperTests.failure(spaced)?.kind == .nonCanonical)
    }

    /// The valid log and one more Almaty permit for each of `permits` (the third of them, at position
    /// 15, is one beyond the region's allocation of 3).
    static func withPermits(_ permits: ClosedRange<Int>) -> StoredLog {
        var log = StoredLog.valid()
        for n in permits {
            log.add(
                StoredLog.permitStream(n), "PermitIssued",
                StoredLog.permitData(worker: n, validFrom: "2025-03-07", validUntil: "2025-12-31"),
                by: .region(.almaty), at: "2025-03-07T05:0\(n):00Z")
        }
        return log
    }

    @Test("a permit beyond the region's allocation, with correct hashes, is refused as quota-exhausted")
    func quotaBroken() throws {
        let log = LogVerifierTamperTests.withPermits(4...6)
        let failure = try #require(
            LogVerifierTamperTests.failure(log.bytes, checkpoint: log.checkpoint, leafHashes: log.leafHashes))
        #expect(failure.kind == .refused)
        #expect(failure.code == "quota-exhausted")
        #expect(failure.position == 15)
        #expect(failure.message.contains("allocated 3, inUse 3"))
        #expect(failure.message.contains("shortfall 1"))
    }

    @Test("a rule broken before an envelope failure, and the other way round: the earlier one wins")
    func rulesAndEnvelopeInOrder() throws {
        let log = LogVerifierTamperTests.withPermits(4...7)
        // Position 15 breaks the quota; a repeated eventId after it, at 16.
        let later = log.bytes.rewriting(16) { $0.eventId = log.events[2].eventId }
        let rulesFirst = try #require(LogVerifierTamperTests.failure(later, checkpoint: nil))
        #expect(rulesFirst.position == 15 && rulesFirst.code == "quota-exhausted")
        // A repeated eventId at 14, before the broken quota.
        let earlier = log.bytes.rewriting(14) { $0.eventId = log.events[2].eventId }
        let envelopeFirst = try #require(LogVerifierTamperTests.failure(earlier, checkpoint: nil))
        #expect(envelopeFirst.position == 14 && envelopeFirst.kind == .duplicateEventId)
    }

    @Test("a root that differs from the checkpoint's at its size")
    func rootMismatch() throws {
        let wrong = Checkpoint(origin: "kvota.test/log", size: 5, rootHash: TreeHash.leaf([1]))
        let failure = try #require(LogVerifierTamperTests.failure(LogVerifierTamperTests.bytes, checkpoint: wrong))
        #expect(failure.kind == .rootMismatch)
        #expect(failure.treeSize == 5)
        #expect(failure.description.hasPrefix("tree size 5: root-mismatch"))
    }

    @Test("a version gap, a server event with another id, an unknown cause, an unterminated export")
    func envelope() throws {
        let gap = LogVerifierTamperTests.bytes.rewriting(12) { $0.version = 2 }
        let version = try #require(LogVerifierTamperTests.failure(gap))
        #expect(version.kind == .versionGap)
        #expect(
            version.description
                == "position 12: version-gap: version 2 of stream \(StoredLog.permitStream(2)) follows 0")

        let forged = LogVerifierTamperTests.bytes.rewriting(8) { $0.eventId = StoredLog.id(999) }
        #expect(LogVerifierTamperTests.failure(forged)?.kind == .invalidMeta)
        let systemAllocation = LogVerifierTamperTests.bytes.rewriting(2) {
            $0.meta = EventMetadata(
                actor: "kvotad", role: "system", occurredAt: $0.meta.occurredAt, recordedAt: $0.meta.recordedAt)
        }
        #expect(LogVerifierTamperTests.failure(systemAllocation)?.kind == .invalidMeta)

        let cause = LogVerifierTamperTests.bytes.rewriting(4) { $0.meta.causationId = StoredLog.id(777) }
        let unknown = try #require(LogVerifierTamperTests.failure(cause))
        #expect(unknown.kind == .unknownCause)
        #expect(unknown.position == 4)

        var verifier = LogVerifier()
        verifier.append(export: LogVerifierTamperTests.log.export.dropLast())
        let cut = try #require(verifier.finish().failure)
        #expect(cut.kind == .unterminated)
        #expect(cut.position == 12)
    }

    @Test("a failure in the first batch while the checkers run batches ahead stops cleanly, every time")
    func failureWithCheckersAhead() {
        // The replay stops after one batch while the checkers have taken up to 4 per core: the
        // pipeline must wind down and be freed without trapping (libdispatch refuses to free a
        // semaphore below its starting value), whatever the timing.
        let events = LogVerifierTamperTests.bytes.rewriting(0) { $0.meta.role = "auditor" }
        for _ in 0..<200 {
            let report = LogVerifierTests.verify(events, batchSize: 1)
            #expect(report.failure?.position == 0)
            #expect(report.size == 0)
        }
    }

    @Test("split across cores, the first failure is still the first: later parts' failures do not win")
    func firstFailureAcrossParts() throws {
        var events = LogVerifierTamperTests.bytes
        events[11] = Array("not json".utf8)
        events = events.rewriting(4) { $0.eventId = LogVerifierTamperTests.log.events[3].eventId }
        let report = LogVerifierTests.verify(events, batchSize: 2)
        #expect(report.failure?.position == 4)
        #expect(report.failure?.kind == .duplicateEventId)
        #expect(report.size == 4)
    }
}
