import Crypto

/// A public Ed25519 key that verifies signed notes, with its name and key id (C2SP signed-note).
///
/// Its text form is the verifier key `<name>+<8 hex digits of key id>+<base64(0x01 || public key)>`
/// that Go's `golang.org/x/mod/sumdb/note` and the tlog tooling read, so other agencies can check
/// Kvota's checkpoints with tools they already have.
public struct NoteVerifier: Sendable, Hashable {
    /// The signed-note signature type byte of Ed25519.
    public static let ed25519: UInt8 = 0x01

    public let name: String
    /// SHA-256(name || 0x0A || 0x01 || public key), first 4 bytes, big-endian.
    public let keyID: UInt32
    /// The 32-byte Ed25519 public key.
    public let publicKey: [UInt8]

    public init(name: String, publicKey: [UInt8]) throws(AuditError) {
        try NoteVerifier.checkName(name)
        guard (try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)) != nil else {
            throw AuditError(.invalidKey, "an Ed25519 public key is 32 bytes")
        }
        self.name = name
        self.publicKey = publicKey
        self.keyID = NoteVerifier.keyID(name: name, publicKey: publicKey)
    }

    /// Parses a verifier key `<name>+<hex key id>+<base64(0x01 || public key)>`; the key id must match.
    public init(verifierKey: String) throws(AuditError) {
        let parts = verifierKey.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let id = NoteVerifier.parseKeyID(parts[1]) else {
            throw AuditError(.invalidKey, "a verifier key is <name>+<8 hex digits>+<base64 key>")
        }
        guard let key = Base64.decode(parts[2]), key.count == 33, key[0] == NoteVerifier.ed25519 else {
            throw AuditError(.invalidKey, "the key is base64 of 0x01 and a 32-byte Ed25519 public key")
        }
        try self.init(name: String(parts[0]), publicKey: Array(key.dropFirst()))
        guard keyID == id else { throw AuditError(.invalidKey, "the key id does not match the name and key") }
    }

    /// The verifier key text, as ``init(verifierKey:)`` reads it.
    public var verifierKey: String {
        "\(name)+\(NoteVerifier.hex(keyID))+\(Base64.encode([NoteVerifier.ed25519] + publicKey))"
    }

    /// The key id as 8 lowercase hex digits, as it appears in the verifier key.
    public var keyIDHex: String { NoteVerifier.hex(keyID) }

    /// Whether `signature` (64 bytes, without the key id) is this key's Ed25519 signature of `text`.
    public func isValidSignature(_ signature: [UInt8], for text: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: text)
    }

    /// The recommended key id: the first four bytes of SHA-256(name || 0x0A || 0x01 || public key).
    public static func keyID(name: String, publicKey: [UInt8]) -> UInt32 {
        var hasher = SHA256()
        hasher.update(data: Array(name.utf8) + [0x0A, ed25519] + publicKey)
        return hasher.finalize().prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Key names are non-empty, without Unicode spaces, `+` or control characters.
    static func checkName(_ name: some StringProtocol) throws(AuditError) {
        guard !name.isEmpty else { throw AuditError(.invalidKey, "a key name is not empty") }
        for scalar in name.unicodeScalars
        where scalar == "+" || scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F {
            throw AuditError(.invalidKey, "a key name has no spaces, '+' or control characters: \(name)")
        }
    }

    static func hex(_ id: UInt32) -> String {
        MerkleHash.hex((0..<4).map { UInt8(truncatingIfNeeded: id >> UInt32(24 - 8 * $0)) })
    }

    private static func parseKeyID(_ text: Substring) -> UInt32? {
        guard text.utf8.count == 8, text.allSatisfy(\.isHexDigit)
        else { return nil }
        return UInt32(text, radix: 16)
    }
}
