/// A signed note, key or checkpoint that is refused, with a stable code and the reason.
public struct NoteError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
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
