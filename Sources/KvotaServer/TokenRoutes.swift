import Foundation
import Hummingbird
import KvotaAudit
import KvotaCore
import KvotaStore

/// `GET /v1/token` (who the presented token is) and `GET /v1/pseudonym-key` (contract, Worker
/// pseudonyms: region and ministry tokens only).
struct TokenRoutes: Sendable {
    let store: EventStore

    func register(on group: RouterGroup<KvotaRequestContext>) {
        group.get("token") { _, context in
            let principal = try context.authenticated()
            return Response.json(
                .object([
                    "name": .string(principal.name), "role": .string(principal.role.rawValue),
                    "region": principal.region.map { .string($0.rawValue) } ?? .null,
                ]))
        }
        group.get("pseudonym-key") { _, context in
            let principal = try context.authenticated()
            guard principal.role != .auditor else {
                throw Problem(
                    status: .forbidden, code: "forbidden",
                    detail: "the pseudonym key is for region and ministry tokens; auditors never need it")
            }
            let key = try await store.pseudonymKey()
            return Response.json(
                .object([
                    "algorithm": "HMAC-SHA256", "key": .string(Data(key).base64EncodedString()),
                    "keyId": .string(String(Digest.sha256Hex(key).prefix(16))),
                ]))
        }
    }
}
