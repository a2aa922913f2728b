/// A proof that cannot be made or does not verify, with a stable code and what was wrong.
public struct MerkleProofError: Error, Sendable, Hashable, CustomStringConvertible {
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
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
