import AsyncHTTPClient
public import Foundation
public import KvotaAudit
import KvotaCore
import NIOCore

/// `kvota audit verify` and `kvota audit export`: the whole log checked without trusting the server or
/// its database — every leaf recomputed from the canonical bytes, the root against a checkpoint signed
/// by the pinned key, consistency with the last checkpoint this profile saw (never shrinking, never
/// forked), and every event replayed through KvotaCore's rules (``LogVerifier``).
///
/// A bundle (`kvota audit export DIR`) is a directory with `events.ndjson` (the bulk export's form: each
/// event's canonical bytes and a newline), `checkpoint` (the signed note) and `key` (the verifier key).
public struct AuditVerification: Sendable {
    public let directory: URL

    /// Trust on first use is kept per profile in its data directory: `audit-key` (the verifier key) and
    /// `audit-checkpoint` (the last verified signed checkpoint).
    public init(directory: URL) { self.directory = directory }

    var pinnedKeyFile: URL { directory.appendingPathComponent("audit-key") }
    var savedCheckpointFile: URL { directory.appendingPathComponent("audit-checkpoint") }

    /// What a verification found.
    public struct Outcome: Sendable {
        public var report: LogVerifier.Report
        public var checkpoint: Checkpoint
        public var keyPinned: Bool
        /// The saved checkpoint the new one was proved consistent with (its size), if any.
        public var consistentWith: UInt64?
        public var bytes: Int
        public var seconds: Double
    }

    // MARK: - Keys and checkpoints

    /// The verifier to trust: `given` (a flag) or the pinned one; with neither, `offered` is pinned now.
    /// A pinned key that differs from the one offered is a failure (a substituted key).
    public func verifier(given: String?, offered: String) throws(ClientError) -> (NoteVerifier, pinnedNow: Bool) {
        func parse(_ text: String, _ what: String) throws(ClientError) -> NoteVerifier {
            do { return try NoteVerifier(verifierKey: text.trimmingCharacters(in: .whitespacesAndNewlines)) } catch {
                throw ClientError(.audit, "\(what) is not a verifier key: \(error)", field: "--key")
            }
        }
        let offeredKey = try parse(offered, "the server's key")
        if let given {
            let key = try parse(given, "--key")
            guard key == offeredKey else {
                throw ClientError(
                    .audit, "the log is signed by \(offeredKey.verifierKey), not the key given (\(key.verifierKey))")
            }
            return (key, false)
        }
        if let pinned = try? String(contentsOf: pinnedKeyFile, encoding: .utf8) {
            let key = try parse(pinned, "the pinned key (\(pinnedKeyFile.path))")
            guard key == offeredKey else {
                throw ClientError(
                    .audit,
                    "the log's key changed: pinned \(key.verifierKey), now offered \(offeredKey.verifierKey); "
                        + "if the change is legitimate, remove \(pinnedKeyFile.path) or pass --key")
            }
            return (key, false)
        }
        try write(offeredKey.verifierKey + "\n", to: pinnedKeyFile)
        return (offeredKey, true)
    }

    /// The last checkpoint this profile verified.
    public func savedCheckpoint(_ verifier: NoteVerifier) throws(ClientError) -> Checkpoint? {
        guard let note = try? String(contentsOf: savedCheckpointFile, encoding: .utf8) else { return nil }
        do { return try Checkpoint.open(note, verifiers: [verifier]) } catch {
            throw ClientError(.audit, "the saved checkpoint \(savedCheckpointFile.path) does not verify: \(error)")
        }
    }

    func save(note: String) throws(ClientError) { try write(note, to: savedCheckpointFile) }

    static func open(_ note: String, _ verifier: NoteVerifier) throws(ClientError) -> Checkpoint {
        do { return try Checkpoint.open(note, verifiers: [verifier]) } catch {
            throw ClientError(
                .audit, "the checkpoint's signature does not verify with \(verifier.verifierKey): \(error)")
        }
    }

    /// The new checkpoint never shrinks the log nor forks it from the saved one.
    static func checkConsistency(
        saved: Checkpoint?, new: Checkpoint, proof: () async throws(ClientError) -> [TreeHash]
    ) async throws(ClientError) -> UInt64? {
        guard let saved else { return nil }
        guard new.size >= saved.size else {
            throw ClientError(
                .audit, "the log shrank: a checkpoint of size \(saved.size) was verified before, now \(new.size)")
        }
        if new.size == saved.size {
            guard new.rootHash == saved.rootHash else {
                throw ClientError(
                    .audit, "a fork: size \(new.size) had root \(saved.rootHash.hex), now \(new.rootHash.hex)")
            }
            return saved.size
        }
        guard saved.size > 0 else { return saved.size }
        let path = try await proof()
        do {
            try MerkleProof.verifyConsistency(
                from: saved.size, to: new.size, fromRoot: saved.rootHash, toRoot: new.rootHash, proof: path)
        } catch {
            throw ClientError(
                .audit,
                "a fork: the checkpoint of size \(new.size) is not consistent with the one of size \(saved.size) verified before"
            )
        }
        return saved.size
    }

    private func write(_ text: String, to file: URL) throws(ClientError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file, options: .atomic)
        } catch { throw ClientError(.journal, "cannot write \(file.path): \(error)") }
    }

    // MARK: - Online

    /// Downloads and verifies the whole log from the server.
    public func verifyOnline(api: ServerAPI, key given: String?) async throws(ClientError) -> Outcome {
        let started = Date()
        let keyAnswer = try await api.get("/v1/audit/key").json()
        guard let offered = keyAnswer["verifierKey"]?.stringValue else {
            throw ClientError(.server, "GET /v1/audit/key has no verifierKey")
        }
        let (verifier, pinned) = try verifier(given: given, offered: offered)
        let note = String(decoding: try await api.get("/v1/audit/checkpoint").bytes, as: UTF8.self)
        let checkpoint = try AuditVerification.open(note, verifier)
        let saved = try savedCheckpoint(verifier)
        let consistentWith = try await AuditVerification.checkConsistency(saved: saved, new: checkpoint) {
            () async throws(ClientError) -> [TreeHash] in
            let body = try await api.get("/v1/audit/proof/consistency?from=\(saved!.size)&to=\(checkpoint.size)").json()
            return try AuditVerification.hashes(body["consistencyPath"])
        }
        var logVerifier = LogVerifier()
        logVerifier.expect(checkpoint)
        var bytes = 0
        if checkpoint.size > 0 {
            // Verified in blocks on a thread of its own while the download goes on.
            let background = LogVerifier.Background(taking: &logVerifier)
            do {
                try await api.stream("/v1/audit/entries?start=0&end=\(checkpoint.size)") { buffer in
                    bytes += buffer.readableBytes
                    return background.append(buffer.readableBytesView)
                }
            } catch {
                background.abandon()
                throw error
            }
            logVerifier = background.finish()
        }
        var report = logVerifier.finish()
        if report.failure == nil {
            try save(note: note)
        } else if report.failure?.kind == .rootMismatch {
            report.failure = try await locate(api: api, checkpoint: checkpoint) ?? report.failure
        }
        return Outcome(
            report: report, checkpoint: checkpoint, keyPinned: pinned, consistentWith: consistentWith, bytes: bytes,
            seconds: Date().timeIntervalSince(started))
    }

    /// Every event read well but the root differs from the signed one: some event's bytes changed. Its
    /// position is found by bisection: the tree of the first `m` recomputed leaves is consistent with the
    /// signed checkpoint (RFC 9162 consistency proof from the server's tree, kept at append) exactly
    /// when none of those `m` events changed.
    func locate(api: ServerAPI, checkpoint: Checkpoint) async throws(ClientError) -> LogVerifier.Failure? {
        var tree = InMemoryMerkleTree()
        var partial: [UInt8] = []
        try await api.stream("/v1/audit/entries?start=0&end=\(checkpoint.size)") { buffer in
            partial.append(contentsOf: buffer.readableBytesView)
            var start = 0
            while let newline = partial[start...].firstIndex(of: 0x0A) {
                tree.append(TreeHash(MerkleHash.leaf(Array(partial[start..<newline])))!)
                start = newline + 1
            }
            partial.removeFirst(start)
            return true
        }
        guard tree.size == checkpoint.size else { return nil }
        func consistent(_ size: UInt64) async throws(ClientError) -> Bool {
            guard let root = try? tree.root(size: size) else { return false }
            if size == checkpoint.size { return root == checkpoint.rootHash }
            let body = try await api.get("/v1/audit/proof/consistency?from=\(size)&to=\(checkpoint.size)").json()
            let path = try AuditVerification.hashes(body["consistencyPath"])
            return
                (try? MerkleProof.verifyConsistency(
                    from: size, to: checkpoint.size, fromRoot: root, toRoot: checkpoint.rootHash, proof: path)) != nil
        }
        // The smallest size whose prefix is not consistent: its last event is the changed one.
        var low: UInt64 = 1
        var high = checkpoint.size
        guard !(try await consistent(high)) else { return nil }
        while low < high {
            let middle = low + (high - low) / 2
            if try await consistent(middle) { low = middle + 1 } else { high = middle }
        }
        return LogVerifier.Failure(
            .rootMismatch, position: Int64(low - 1), treeSize: checkpoint.size,
            "the event at position \(low - 1) is not the one the checkpoint of size \(checkpoint.size) signed "
                + "(its bytes changed; found by consistency proofs against the server's tree)")
    }

    static func hashes(_ value: JSONValue?) throws(ClientError) -> [TreeHash] {
        var hashes: [TreeHash] = []
        for item in value?.arrayValue ?? [] {
            guard let text = item.stringValue, let data = Data(base64Encoded: text), let hash = TreeHash(data) else {
                throw ClientError(.server, "a proof hash is not base64 of 32 bytes")
            }
            hashes.append(hash)
        }
        return hashes
    }

    // MARK: - Bundles

    /// Verifies an export bundle, offline.
    public func verifyBundle(_ bundle: URL, key given: String?) throws(ClientError) -> Outcome {
        let started = Date()
        func read(_ name: String) throws(ClientError) -> String {
            guard let text = try? String(contentsOf: bundle.appendingPathComponent(name), encoding: .utf8) else {
                throw ClientError(.invalidInput, "the bundle has no readable \(name)", field: "--from-bundle")
            }
            return text
        }
        let (verifier, pinned) = try verifier(given: given, offered: try read("key"))
        let note = try read("checkpoint")
        let checkpoint = try AuditVerification.open(note, verifier)
        var logVerifier = LogVerifier()
        logVerifier.expect(checkpoint)
        let events = bundle.appendingPathComponent("events.ndjson")
        guard let handle = try? FileHandle(forReadingFrom: events) else {
            throw ClientError(.invalidInput, "the bundle has no events.ndjson", field: "--from-bundle")
        }
        defer { try? handle.close() }
        var bytes = 0
        // The next block is read while the last one is verified.
        let background = LogVerifier.Background(taking: &logVerifier)
        while let block = try? handle.read(upToCount: 4 << 20), !block.isEmpty {
            bytes += block.count
            if !background.append(block) { break }
        }
        logVerifier = background.finish()
        return Outcome(
            report: logVerifier.finish(), checkpoint: checkpoint, keyPinned: pinned, consistentWith: nil, bytes: bytes,
            seconds: Date().timeIntervalSince(started))
    }

    /// Writes a bundle of the server's log as of its latest checkpoint: events, checkpoint, key.
    public static func export(api: ServerAPI, to bundle: URL) async throws(ClientError) -> (size: UInt64, bytes: Int) {
        do { try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true) } catch {
            throw ClientError(.invalidInput, "cannot create \(bundle.path): \(error)", field: "DIR")
        }
        let keyAnswer = try await api.get("/v1/audit/key").json()
        guard let key = keyAnswer["verifierKey"]?.stringValue else {
            throw ClientError(.server, "GET /v1/audit/key has no verifierKey")
        }
        let note = String(decoding: try await api.get("/v1/audit/checkpoint").bytes, as: UTF8.self)
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.open(note, verifiers: [try NoteVerifier(verifierKey: key)]) } catch {
            throw ClientError(.audit, "the server's checkpoint does not verify with its own key: \(error)")
        }
        let events = bundle.appendingPathComponent("events.ndjson")
        guard FileManager.default.createFile(atPath: events.path, contents: nil),
            let handle = try? FileHandle(forWritingTo: events)
        else {
            throw ClientError(.invalidInput, "cannot write \(events.path)", field: "DIR")
        }
        var bytes = 0
        do {
            if checkpoint.size > 0 {
                try await api.stream("/v1/audit/entries?start=0&end=\(checkpoint.size)") { buffer in
                    bytes += buffer.readableBytes
                    handle.write(Data(buffer.readableBytesView))
                    return true
                }
            }
            try handle.close()
            try Data(note.utf8).write(to: bundle.appendingPathComponent("checkpoint"))
            try Data((key + "\n").utf8).write(to: bundle.appendingPathComponent("key"))
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(.journal, "cannot write the bundle: \(error)")
        }
        return (checkpoint.size, bytes)
    }
}
