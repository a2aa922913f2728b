/// Something the audit code refuses, with a stable code and what was wrong: a proof that cannot be
/// made or does not verify, a frontier that does not parse, a signed note, key or checkpoint refused.
public struct AuditError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes for programs; an HTTP layer maps the request errors to 400s.
    public enum Code: String, Sendable, Hashable {
        /// A leaf index at or beyond the tree size.
        case indexOutOfRange = "index-out-of-range"
        /// A consistency request or proof whose first size exceeds the second.
        case invalidSizes = "invalid-sizes"
        /// The node source lacks a node the proof needs.
        case missingNode = "missing-node"
        /// The proof has more or fewer hashes than the sizes call for.
        case wrongLength = "wrong-length"
        /// The proof hashes to a different root (or first root) than the one given.
        case rootMismatch = "root-mismatch"
        /// A stored frontier that does not parse or does not fit its size.
        case invalidFrontier = "invalid-frontier"
        /// The note breaks the signed-note format (control characters, no signature block, a bad line).
        case malformedNote = "malformed-note"
        /// A key name, verifier key or signer key that does not parse or whose key id does not match.
        case invalidKey = "invalid-key"
        /// No signature on the note is from a key the verifier knows.
        case unknownKey = "unknown-key"
        /// A signature from a known key does not verify: the note is refused whole.
        case invalidSignature = "invalid-signature"
        /// The note text is not a tlog checkpoint (origin, size, root hash lines).
        case malformedCheckpoint = "malformed-checkpoint"
        /// The signing library refused to sign.
        case signingFailed = "signing-failed"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
