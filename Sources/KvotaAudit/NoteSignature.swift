/// One signature line of a signed note: `— <key name> <base64(key id || signature)>`.
public struct NoteSignature: Sendable, Hashable {
    public var name: String
    public var keyID: UInt32
    /// The signature itself, without the key id (64 bytes for Ed25519).
    public var signature: [UInt8]

    public init(name: String, keyID: UInt32, signature: [UInt8]) {
        self.name = name
        self.keyID = keyID
        self.signature = signature
    }

    /// The line, with its final newline.
    public var line: String {
        let id = (0..<4).map { UInt8(truncatingIfNeeded: keyID >> UInt32(24 - 8 * $0)) }
        return "\(SignedNote.dash) \(name) \(Base64.encode(id + signature))\n"
    }

    /// Parses one line without its newline; nil when it is not a signature line.
    init?(line: Substring) {
        guard line.hasPrefix(SignedNote.dash + " ") else { return nil }
        let rest = line.dropFirst(2)
        let parts = rest.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, (try? NoteVerifier.checkName(parts[0])) != nil,
            let bytes = Base64.decode(parts[1]), bytes.count > 4
        else { return nil }
        self.name = String(parts[0])
        self.keyID = bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
        self.signature = Array(bytes.dropFirst(4))
    }
}
