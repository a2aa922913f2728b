import Foundation
import KvotaAudit
public import KvotaCore

/// A bearer token as `kvotad token list` shows it (never its secret).
public struct TokenRecord: Sendable, Hashable {
    public var principal: Principal
    public var createdAt: Timestamp
    public var revokedAt: Timestamp?
}

extension EventStore {
    static let tokenColumns = """
        name, role, region, (extract(epoch FROM created_at) * 1000000)::int8,
               (extract(epoch FROM revoked_at) * 1000000)::int8
        """

    /// Creates a token and returns its secret, which is stored only as a hash: the caller shows it
    /// once. Names are never reused (an event's `meta.actor` names one token for ever).
    public func createToken(name: String, role: TokenRole, region: Region?) async throws -> String {
        guard TokenSecret.isValidName(name) else {
            throw StoreError(
                .invalidArgument,
                "token name \"\(name)\" must be 1 to 64 ASCII letters, digits, '.', '_', '@' or '-', starting with a letter or digit"
            )
        }
        switch (role, region) {
        case (.region, nil):
            throw StoreError(.invalidArgument, "a region token needs a region (--region KZ-NN)")
        case (.ministry, .some), (.auditor, .some):
            throw StoreError(.invalidArgument, "a \(role.rawValue) token has no region")
        default: break
        }
        let secret = TokenSecret.generate()
        try await pool.withConnection { connection in
            do {
                _ = try connection.query(
                    "INSERT INTO api_tokens (name, role, region, secret_hash) VALUES ($1, $2, $3, $4)",
                    [.text(name), .text(role.rawValue), .optional(region?.rawValue), .binary(TokenSecret.hash(secret))])
            } catch let error as StoreError where error.sqlState == "23505" {
                throw StoreError(
                    .invalidArgument, "a token named \(name) exists (names are never reused, even once revoked)")
            }
        }
        return secret
    }

    /// Every token, active and revoked, by name.
    public func listTokens() async throws -> [TokenRecord] {
        try await pool.withConnection { connection in
            let rows = try connection.query("SELECT \(EventStore.tokenColumns) FROM api_tokens ORDER BY name")
            return (0..<rows.rowCount).compactMap { EventStore.tokenRecord(rows, $0) }
        }
    }

    /// Revokes a token at once (servers that cached it stop trusting it within their cache time).
    /// Returns false when no active token has that name.
    @discardableResult
    public func revokeToken(name: String) async throws -> Bool {
        try await pool.withConnection { connection in
            let rows = try connection.query(
                "UPDATE api_tokens SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL RETURNING name",
                [.text(name)])
            return rows.rowCount == 1
        }
    }

    /// The active token whose secret this is, or nil.
    public func principal(forSecret secret: String) async throws -> Principal? {
        let hash = TokenSecret.hash(secret)
        return try await pool.withConnection { connection in
            let rows = try connection.execute(
                "kvota_token_lookup",
                "SELECT \(EventStore.tokenColumns) FROM api_tokens WHERE secret_hash = $1 AND revoked_at IS NULL",
                [.binary(hash)])
            return rows.rowCount == 1 ? EventStore.tokenRecord(rows, 0)?.principal : nil
        }
    }

    /// The deployment's worker pseudonym key (contract, Worker pseudonyms): 32 random bytes made by
    /// the first process that asks and shared through the database by every kvotad of the deployment.
    public func pseudonymKey() async throws -> [UInt8] {
        try await pool.withConnection { connection in
            var generator = SystemRandomNumberGenerator()
            let fresh = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            _ = try connection.query(
                "INSERT INTO deployment_secrets (name, value) VALUES ('pseudonym-key', $1) ON CONFLICT (name) DO NOTHING",
                [.binary(fresh)])
            let rows = try connection.query("SELECT value FROM deployment_secrets WHERE name = 'pseudonym-key'")
            return Array(rows.bytes(0, 0))
        }
    }

    private static func tokenRecord(_ rows: PGResult, _ row: Int) -> TokenRecord? {
        guard let role = TokenRole(rawValue: rows.string(row, 1)) else { return nil }
        return TokenRecord(
            principal: Principal(
                name: rows.string(row, 0), role: role,
                region: rows.optionalString(row, 2).flatMap(Region.init(rawValue:))),
            createdAt: Timestamp(microsecondsSinceEpoch: rows.int64(row, 3)),
            revokedAt: rows.isNull(row, 4) ? nil : Timestamp(microsecondsSinceEpoch: rows.int64(row, 4)))
    }
}

/// Token secrets: `kvt_` and 43 base64url characters (32 random bytes); stored as their SHA-256.
/// Secrets this long need no slow hash: guessing one is hopeless, so the hash only keeps a copy of
/// the database from being a list of working tokens.
public enum TokenSecret {
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "kvt_" + base64
    }

    /// Token names: 1 to 64 of `A-Z a-z 0-9 . _ @ -`, starting with a letter or digit (as the schema checks).
    public static func isValidName(_ name: String) -> Bool {
        func allowed(_ byte: UInt8, first: Bool) -> Bool {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                return true
            case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "@"), UInt8(ascii: "-"): return !first
            default: return false
            }
        }
        let bytes = Array(name.utf8)
        return (1...64).contains(bytes.count) && bytes.enumerated().allSatisfy { allowed($1, first: $0 == 0) }
    }

    public static func hash(_ secret: String) -> [UInt8] { Digest.sha256(Array(secret.utf8)) }
}
