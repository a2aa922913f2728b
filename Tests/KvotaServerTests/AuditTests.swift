import Foundation
import KvotaAudit
import KvotaCore
import Testing

/// A deployment with some history: the ministry's quota, then `permits` permits in batches.
private func deploymentWithHistory(permits: Int = 30) async throws -> Deployment {
    let deployment = try await Deployment.start(ceiling: 1000, almatyUnits: 100)
    let (application, filing) = Items.application(workers: Int64(permits))
    _ = try await deployment.almaty.pushStatuses(filing)
    for start in stride(from: 0, to: permits, by: 7) {
        let statuses = try await deployment.almaty.pushStatuses(
            (start..<min(start + 7, permits)).map { Items.permit(application: application, worker: $0) })
        #expect(statuses.allSatisfy { $0.status == "accepted" })
    }
    return deployment
}

extension API {
    /// The published verifier key.
    func auditVerifier() async throws -> NoteVerifier {
        let answer = try await get("/v1/audit/key")
        return try NoteVerifier(verifierKey: try #require(answer["verifierKey"]?.stringValue))
    }

    /// Every event's leaf hash, from pulls.
    func leafHashes() async throws -> [TreeHash] {
        let page = try await get("/v1/events?limit=10000")
        return try #require(page["events"]?.arrayValue).map {
            try #require(TreeHash(hex: $0["leafHash"]!.stringValue!))
        }
    }

    /// A JSON array of base64 hashes.
    static func hashes(_ value: JSONValue?) throws -> [TreeHash] {
        try #require(value?.arrayValue).map { element in
            let hash = element.stringValue.flatMap { Data(base64Encoded: $0) }.flatMap { TreeHash($0) }
            return try #require(hash)
        }
    }
}

@Suite("Audit log over HTTP: key, checkpoints, proofs, export (contract, Audit log)")
struct AuditTests {
    /// An exported line read back as an event.
    static func decode(_ line: some Collection<UInt8>) throws -> RecordedEvent {
        try Array(line).withUnsafeBufferPointer { try RecordedEvent(canonicalBytes: $0) }
    }

    @Test("the key: name, key id, public key and verifier key agree, for every role")
    func key() async throws {
        let deployment = try await Deployment.start(ceiling: 0)
        defer { Task { await deployment.stop() } }
        for api in [deployment.almaty, deployment.ministry, deployment.auditor] {
            let answer = try await api.get("/v1/audit/key")
            #expect(answer.status == 200)
            let verifier = try await api.auditVerifier()
            #expect(verifier == deployment.server.audit.verifier)
            #expect(answer["name"]?.stringValue == verifier.name)
            #expect(answer["keyId"]?.stringValue == verifier.keyIDHex)
            #expect(answer["publicKey"]?.stringValue == Data(verifier.publicKey).base64EncodedString())
            #expect(verifier.name.hasPrefix("kvota.kz/"))
        }
        #expect(try await API(deployment.server).get("/v1/audit/key").status == 401)
    }

    @Test("the checkpoint verifies with the published key, and its root is the tree of the pulled leaves")
    func checkpoint() async throws {
        let deployment = try await deploymentWithHistory()
        defer { Task { await deployment.stop() } }
        try await deployment.server.audit.signLatest()
        let answer = try await deployment.almaty.get("/v1/audit/checkpoint")
        #expect(answer.status == 200)
        #expect(answer.contentType == "text/plain; charset=utf-8")
        let verifier = try await deployment.almaty.auditVerifier()
        let checkpoint = try Checkpoint.open(answer.text, verifiers: [verifier])
        let leaves = try await deployment.auditor.leafHashes()
        #expect(checkpoint.size == UInt64(leaves.count))
        #expect(checkpoint.origin == verifier.name)
        #expect(checkpoint.rootHash == MerkleTree.root(of: leaves))
        // Signing again with no new event stores nothing new.
        #expect(try await deployment.server.audit.signLatest().note == answer.text)
    }

    @Test("every past checkpoint: by size, listed; consistency between two checkpoints verifies")
    func pastCheckpoints() async throws {
        let deployment = try await Deployment.start(ceiling: 1000, almatyUnits: 100)
        defer { Task { await deployment.stop() } }
        let first = try await deployment.server.audit.signLatest()
        let (application, filing) = Items.application(workers: 10)
        _ = try await deployment.almaty.pushStatuses(filing)
        let second = try await deployment.server.audit.signLatest()
        _ = try await deployment.almaty.pushStatuses((0..<5).map { Items.permit(application: application, worker: $0) })
        let third = try await deployment.server.audit.signLatest()
        #expect([first.treeSize, second.treeSize, third.treeSize] == [2, 4, 9])

        let verifier = try await deployment.auditor.auditVerifier()
        let atSecond = try await deployment.auditor.get("/v1/audit/checkpoint?size=4")
        #expect(atSecond.status == 200)
        #expect(atSecond.text == second.note)
        let older = try Checkpoint.open(atSecond.text, verifiers: [verifier])
        let newer = try Checkpoint.open(
            try await deployment.auditor.get("/v1/audit/checkpoint").text, verifiers: [verifier])
        #expect(newer.size == 9)

        let missing = try await deployment.auditor.get("/v1/audit/checkpoint?size=3")
        #expect(missing.status == 404)
        #expect(missing["code"] == "not-found")

        let list = try await deployment.auditor.get("/v1/audit/checkpoints")
        #expect(list.status == 200)
        let entries = try #require(try list.json().arrayValue)
        #expect(entries.map { $0["treeSize"]?.intValue } == [2, 4, 9])
        #expect(entries.map { $0["note"]?.stringValue } == [first.note, second.note, third.note])
        let after = try await deployment.auditor.get("/v1/audit/checkpoints?after=2&limit=1")
        #expect(try after.json().arrayValue?.map { $0["treeSize"]?.intValue } == [4])

        let proof = try await deployment.auditor.get("/v1/audit/proof/consistency?from=4&to=9")
        #expect(proof.status == 200)
        #expect(proof["firstSize"]?.intValue == 4)
        #expect(proof["secondSize"]?.intValue == 9)
        try MerkleProof.verifyConsistency(
            from: older.size, to: newer.size, fromRoot: older.rootHash, toRoot: newer.rootHash,
            proof: try API.hashes(proof["consistencyPath"]))
        let same = try await deployment.auditor.get("/v1/audit/proof/consistency?from=9&to=9")
        #expect(same["consistencyPath"]?.arrayValue?.isEmpty == true)
    }

    @Test("inclusion proofs of every event verify against the signed root")
    func inclusion() async throws {
        let deployment = try await deploymentWithHistory(permits: 12)
        defer { Task { await deployment.stop() } }
        let checkpoint = try Checkpoint.open(
            try await deployment.server.audit.signLatest().note, verifiers: [deployment.server.audit.verifier])
        let leaves = try await deployment.auditor.leafHashes()
        for (index, leaf) in leaves.enumerated() {
            let answer = try await deployment.almaty.get(
                "/v1/audit/proof/inclusion?index=\(index)&size=\(checkpoint.size)")
            #expect(answer.status == 200)
            #expect(answer["leafIndex"]?.intValue == Int64(index))
            #expect(answer["treeSize"]?.intValue == Int64(checkpoint.size))
            try MerkleProof.verifyInclusion(
                leafHash: leaf, index: UInt64(index), size: checkpoint.size,
                proof: try API.hashes(answer["inclusionPath"]), root: checkpoint.rootHash)
        }
    }

    @Test("proof parameters out of range: 400 naming the parameter")
    func badProofParameters() async throws {
        let deployment = try await Deployment.start(ceiling: 1000, almatyUnits: 100)
        defer { Task { await deployment.stop() } }
        for (path, field) in [
            ("/v1/audit/proof/inclusion?size=2", "index"), ("/v1/audit/proof/inclusion?index=0", "size"),
            ("/v1/audit/proof/inclusion?index=2&size=2", "index"), ("/v1/audit/proof/inclusion?index=0&size=3", "size"),
            ("/v1/audit/proof/inclusion?index=-1&size=2", "index"),
            ("/v1/audit/proof/inclusion?index=0&size=0", "size"),
            ("/v1/audit/proof/inclusion?index=x&size=2", "index"),
            ("/v1/audit/proof/consistency?from=0&to=2", "from"), ("/v1/audit/proof/consistency?from=2&to=1", "from"),
            ("/v1/audit/proof/consistency?from=1&to=3", "to"), ("/v1/audit/proof/consistency?from=1", "to"),
            ("/v1/audit/checkpoint?size=-1", "size"), ("/v1/audit/checkpoints?limit=0", "limit"),
            ("/v1/audit/entries?end=3", "end"), ("/v1/audit/entries?start=2&end=1", "start"),
            ("/v1/audit/entries?start=3", "start"),
        ] {
            let answer = try await deployment.auditor.get(path)
            #expect(answer.status == 400, "\(path)")
            #expect(answer["code"] == "invalid-parameter", "\(path)")
            #expect(answer["field"]?.stringValue == field, "\(path)")
        }
    }

    @Test("the export: one stored canonical event per line, exactly; ranges; region tokens refused")
    func entries() async throws {
        let deployment = try await deploymentWithHistory(permits: 20)
        defer { Task { await deployment.stop() } }
        let leaves = try await deployment.auditor.leafHashes()
        let all = try await deployment.auditor.get("/v1/audit/entries")
        #expect(all.status == 200)
        #expect(all.contentType == "application/x-ndjson")
        #expect(all.body.last == UInt8(ascii: "\n"))
        let lines = all.body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == leaves.count)
        for (position, line) in lines.enumerated() {
            #expect(TreeHash.leaf(Array(line)) == leaves[position], "line \(position)")
            let event = try AuditTests.decode(line)
            #expect(event.position == Int64(position))
        }
        let part = try await deployment.ministry.get("/v1/audit/entries?start=3&end=7")
        #expect(part.status == 200)
        #expect(part.body.split(separator: UInt8(ascii: "\n")).map(Array.init) == lines[3..<7].map(Array.init))
        let empty = try await deployment.ministry.get("/v1/audit/entries?start=\(leaves.count)")
        #expect(empty.status == 200)
        #expect(empty.body.isEmpty)

        let region = try await deployment.almaty.get("/v1/audit/entries")
        #expect(region.status == 403)
        #expect(region["code"] == "forbidden")
    }

    @Test("a large export streams every event in order across chunks")
    func largeExport() async throws {
        let deployment = try await Deployment.start(ceiling: 0)
        defer { Task { await deployment.stop() } }
        let store = deployment.server.store
        // 11,000 events: past two chunk boundaries of the export.
        for _ in 0..<11 {
            let items = (0..<500).flatMap { _ in Items.application(workers: 1).1 }
            let statuses = try await deployment.almaty.pushStatuses(items)
            #expect(statuses.allSatisfy { $0.status == "accepted" })
        }
        let answer = try await deployment.auditor.get("/v1/audit/entries")
        let lines = answer.body.split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == 11_000)
        #expect(try lines.enumerated().allSatisfy { try AuditTests.decode($1).position == Int64($0) })
        let root = MerkleTree.root(of: lines.map { TreeHash.leaf(Array($0)) })
        #expect(root == (try await store.treeHead().rootHash))
    }
}
