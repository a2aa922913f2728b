public import Crypto
import Foundation

/// An Ed25519 private key that signs notes under a key name (C2SP signed-note).
///
/// Its text form is Go's signer key, `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>`, which
/// is what a key file holds: the name and id travel with the key, so a server cannot sign under a
/// name its key was not made for.
public struct NoteSigner: Sendable {
    public let name: String
    public let privateKey: Curve25519.Signing.PrivateKey

    public init(name: String, privateKey: Curve25519.Signing.PrivateKey) throws(AuditError) {
        try NoteVerifier.checkName(name)
        self.name = name
        self.privateKey = privateKey
    }

    /// A new random key under `name`.
    public static func generate(name: String) throws(AuditError) -> NoteSigner {
        try NoteSigner(name: name, privateKey: Curve25519.Signing.PrivateKey())
    }

    private static let prefix = "PRIVATE+KEY+"

    /// Parses a signer key; the key id must match the name and the key.
    public init(signerKey: String) throws(AuditError) {
        guard signerKey.hasPrefix(NoteSigner.prefix) else {
            throw AuditError(.invalidKey, "a signer key starts with \(NoteSigner.prefix)")
        }
        let parts = signerKey.dropFirst(NoteSigner.prefix.count)
            .split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].utf8.count == 8, parts[1].allSatisfy(\.isHexDigit),
            let id = UInt32(parts[1], radix: 16)
        else { throw AuditError(.invalidKey, "a signer key is PRIVATE+KEY+<name>+<8 hex digits>+<base64 key>") }
        guard let key = Base64.decode(parts[2]), key.count == 33, key[0] == NoteVerifier.ed25519,
            let privateKey = try? Curve25519.Signing.PrivateKey(rawRepresentation: key.dropFirst())
        else { throw AuditError(.invalidKey, "the key is base64 of 0x01 and a 32-byte Ed25519 seed") }
        try self.init(name: String(parts[0]), privateKey: privateKey)
        guard verifier.keyID == id else { throw AuditError(.invalidKey, "the key id does not match the name and key") }
    }

    /// The signer key text, as ``init(signerKey:)`` reads it. A secret: for key files only.
    public var signerKey: String {
        let seed = [NoteVerifier.ed25519] + [UInt8](privateKey.rawRepresentation)
        return "\(NoteSigner.prefix)\(name)+\(verifier.keyIDHex)+\(Base64.encode(seed))"
    }

    /// The public half, to publish (`GET /v1/audit/key`).
    public var verifier: NoteVerifier {
        let publicKey = [UInt8](privateKey.publicKey.rawRepresentation)
        // The name was checked when this signer was made, and the key is a valid Ed25519 key.
        guard let verifier = try? NoteVerifier(name: name, publicKey: publicKey) else {
            preconditionFailure("a signer's own name and public key always make a verifier")
        }
        return verifier
    }

    /// The signature of `text`: the key id (4 bytes, big-endian) then the 64-byte Ed25519 signature.
    public func signature(for text: String) throws(AuditError) -> NoteSignature {
        let signature: Data
        do {
            signature = try privateKey.signature(for: Array(text.utf8))
        } catch {
            throw AuditError(.signingFailed, "Ed25519 signing failed: \(error)")
        }
        return NoteSignature(name: name, keyID: verifier.keyID, signature: [UInt8](signature))
    }
}
