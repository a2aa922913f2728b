import Foundation
import Hummingbird
import KvotaAudit
import KvotaCore
import KvotaStore

/// `/v1/audit/*` (contract, Audit log): the checkpoint key, signed checkpoints, RFC 9162 proofs, and
/// the bulk export (``AuditRoutes/entries(_:_:)``, in `AuditRoutes+Entries.swift`). Every role reads
/// the key, checkpoints and proofs; the export is for ministry and auditor tokens.
struct AuditRoutes: Sendable {
    let audit: AuditLog
    var store: EventStore { audit.store }

    func register(on group: RouterGroup<KvotaRequestContext>) {
        group.get("audit/key") { _, context in try key(context) }
        group.get("audit/checkpoint") { request, context in try await checkpoint(request, context) }
        group.get("audit/checkpoints") { request, context in try await checkpoints(request, context) }
        group.get("audit/proof/inclusion") { request, context in try await inclusion(request, context) }
        group.get("audit/proof/consistency") { request, context in try await consistency(request, context) }
        group.get("audit/entries") { request, context in try await entries(request, context) }
    }

    /// `{name, keyId, publicKey, verifierKey}`.
    func key(_ context: KvotaRequestContext) throws -> Response {
        _ = try context.authenticated()
        let verifier = audit.verifier
        return .json(
            .object([
                "name": .string(verifier.name), "keyId": .string(verifier.keyIDHex),
                "publicKey": .string(Data(verifier.publicKey).base64EncodedString()),
                "verifierKey": .string(verifier.verifierKey),
            ]))
    }

    /// The latest signed checkpoint, or with `size=N` the one signed at exactly that size (404 else).
    func checkpoint(_ request: Request, _ context: KvotaRequestContext) async throws -> Response {
        _ = try context.authenticated()
        let checkpoint: StoredCheckpoint
        if let size = try Query.integer(request.uri.queryParameters, "size", minimum: 0) {
            guard let stored = try await store.checkpoint(size: UInt64(size)) else {
                throw Problem(status: .notFound, code: "not-found", detail: "no checkpoint was signed at size \(size)")
            }
            checkpoint = stored
        } else if let latest = try await store.checkpoint() {
            checkpoint = latest
        } else {
            checkpoint = try await audit.signLatest()
        }
        return .json(status: .ok, checkpoint.note, contentType: "text/plain; charset=utf-8")
    }

    /// `[{treeSize, note}]`: stored checkpoints with sizes greater than `after`, smallest first.
    func checkpoints(_ request: Request, _ context: KvotaRequestContext) async throws -> Response {
        _ = try context.authenticated()
        let query = request.uri.queryParameters
        let after = try Query.integer(query, "after", minimum: -1) ?? -1
        let limit = try Query.integer(query, "limit", minimum: 1, maximum: Int64(EventStore.maxPageSize)) ?? 1000
        let list = try await store.checkpoints(after: after, limit: Int(limit))
        return .json(
            .array(list.map { JSONValue.object(["treeSize": .int(Int64($0.treeSize)), "note": .string($0.note)]) }))
    }

    /// `{leafIndex, treeSize, inclusionPath}`.
    func inclusion(_ request: Request, _ context: KvotaRequestContext) async throws -> Response {
        _ = try context.authenticated()
        let query = request.uri.queryParameters
        let index = try Query.required(query, "index", minimum: 0)
        let size = try Query.required(query, "size", minimum: 1)
        try await checkWithinTree(size, "size")
        guard index < size else {
            throw Problem.invalidParameter("index", "must be less than size (\(size)), got \(index)")
        }
        let path = try await store.inclusionProof(index: UInt64(index), size: UInt64(size))
        return .json(
            .object([
                "leafIndex": .int(index), "treeSize": .int(size), "inclusionPath": AuditRoutes.base64(path),
            ]))
    }

    /// `{firstSize, secondSize, consistencyPath}`.
    func consistency(_ request: Request, _ context: KvotaRequestContext) async throws -> Response {
        _ = try context.authenticated()
        let query = request.uri.queryParameters
        let from = try Query.required(query, "from", minimum: 1)
        let to = try Query.required(query, "to", minimum: 1)
        try await checkWithinTree(to, "to")
        guard from <= to else { throw Problem.invalidParameter("from", "must be at most to (\(to)), got \(from)") }
        let path = try await store.consistencyProof(from: UInt64(from), to: UInt64(to))
        return .json(
            .object([
                "firstSize": .int(from), "secondSize": .int(to), "consistencyPath": AuditRoutes.base64(path),
            ]))
    }

    /// A 400 naming `parameter` when `size` is beyond the tree's size; returns that size.
    @discardableResult
    func checkWithinTree(_ size: Int64, _ parameter: String) async throws -> Int64 {
        let treeSize = Int64(try await store.treeHead().size)
        guard size <= treeSize else {
            throw Problem.invalidParameter(parameter, "must be at most the tree size (\(treeSize)), got \(size)")
        }
        return treeSize
    }

    static func base64(_ hashes: [TreeHash]) -> JSONValue {
        .array(hashes.map { .string(Data($0.bytes).base64EncodedString()) })
    }
}

extension Query {
    /// A parameter the request must carry.
    static func required(_ query: Parameters, _ name: String, minimum: Int64) throws -> Int64 {
        guard let value = try integer(query, name, minimum: minimum) else {
            throw Problem.invalidParameter(name, "is required (an integer >= \(minimum))")
        }
        return value
    }
}
