/// A C2SP tlog-checkpoint: the log's origin, tree size and root hash, as the text of a signed note.
///
/// ```
/// kvota.example/log
/// 41853
/// <base64 root hash>
/// ```
public struct Checkpoint: Sendable, Hashable {
    /// Identifies the log; by convention a schema-less URL, and the signing key's name.
    public var origin: String
    public var size: UInt64
    public var rootHash: TreeHash
    /// Optional further lines, opaque; Kvota writes none.
    public var extensions: [String]

    public init(origin: String, size: UInt64, rootHash: TreeHash, extensions: [String] = []) {
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
        self.extensions = extensions
    }

    /// The note text: `<origin>\n<size>\n<base64 root>\n`, then any extension lines.
    public var body: String {
        ([origin, String(size), Base64.encode(rootHash.bytes)] + extensions).map { $0 + "\n" }.joined()
    }

    /// Parses a checkpoint from note text (without signatures).
    public init(body: String) throws(AuditError) {
        guard body.hasSuffix("\n") else {
            throw AuditError(.malformedCheckpoint, "checkpoint text ends with a newline")
        }
        let lines = body.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3 else {
            throw AuditError(.malformedCheckpoint, "a checkpoint has origin, size and root hash lines")
        }
        guard !lines[0].isEmpty else { throw AuditError(.malformedCheckpoint, "the origin line is empty") }
        let sizeLine = lines[1]
        guard !sizeLine.isEmpty, sizeLine.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            sizeLine == "0" || !sizeLine.hasPrefix("0"), let size = UInt64(sizeLine)
        else { throw AuditError(.malformedCheckpoint, "the size is decimal digits without leading zeros") }
        guard let rootBytes = Base64.decode(lines[2]), let root = TreeHash(rootBytes) else {
            throw AuditError(.malformedCheckpoint, "the root hash is the base64 of 32 bytes")
        }
        let extensions = lines.dropFirst(3)
        guard extensions.allSatisfy({ !$0.isEmpty }) else {
            throw AuditError(.malformedCheckpoint, "extension lines are not empty")
        }
        self.init(origin: String(lines[0]), size: size, rootHash: root, extensions: extensions.map(String.init))
    }

    /// The signed note of this checkpoint, as `GET /v1/audit/checkpoint` sends it.
    public func signed(by signer: NoteSigner) throws(AuditError) -> String {
        try SignedNote(signing: body, with: [signer]).encoded
    }

    /// Parses and verifies a signed checkpoint note.
    public static func open(_ note: String, verifiers: [NoteVerifier]) throws(AuditError) -> Checkpoint {
        try Checkpoint(body: SignedNote.open(note, verifiers: verifiers))
    }
}
