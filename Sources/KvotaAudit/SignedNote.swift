/// A C2SP signed note: text ending in a newline, a blank line, then one or more signature lines.
///
/// Parsing is strict (anything but the exact format is refused) because a note is the one thing an
/// auditor trusts from the server; verification follows the spec: signatures from unknown keys are
/// ignored, one from a known key that fails refuses the whole note, and at least one must verify.
public struct SignedNote: Sendable, Hashable {
    /// U+2014 EM DASH, which opens every signature line.
    static let dash = "\u{2014}"
    /// More signatures than this refuse the note (the spec asks verifiers to accept at least 16).
    public static let maxSignatures = 100

    /// The signed text, including its final newline.
    public var text: String
    public var signatures: [NoteSignature]

    public init(text: String, signatures: [NoteSignature]) {
        self.text = text
        self.signatures = signatures
    }

    /// Signs `text` (which must end in a newline and hold no control characters but newlines).
    public init(signing text: String, with signers: [NoteSigner]) throws(AuditError) {
        try SignedNote.checkText(text)
        guard !signers.isEmpty else { throw AuditError(.malformedNote, "a signed note has at least one signature") }
        var signatures: [NoteSignature] = []
        for signer in signers { signatures.append(try signer.signature(for: text)) }
        self.init(text: text, signatures: signatures)
    }

    /// The note as sent: text, blank line, signature lines.
    public var encoded: String { text + "\n" + signatures.map(\.line).joined() }

    /// Parses a note without verifying it.
    public init(parsing note: String) throws(AuditError) {
        for scalar in note.unicodeScalars where scalar.value < 0x20 && scalar != "\n" {
            throw AuditError(.malformedNote, "a note has no control characters but newlines")
        }
        guard note.hasSuffix("\n") else { throw AuditError(.malformedNote, "a note ends with a newline") }
        // The text ends at the last blank line; everything after it must be signature lines.
        let utf8 = Array(note.utf8)
        var split: Int?
        for offset in stride(from: utf8.count - 2, through: 0, by: -1)
        where utf8[offset] == 0x0A && utf8[offset + 1] == 0x0A {
            split = offset
            break
        }
        guard let split, split > 0 else {
            throw AuditError(.malformedNote, "a note has text, a blank line, then signatures")
        }
        let text = String(decoding: utf8[...split], as: UTF8.self)
        let block = String(decoding: utf8[(split + 2)...], as: UTF8.self)
        var signatures: [NoteSignature] = []
        for line in block.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            guard let signature = NoteSignature(line: line) else {
                throw AuditError(.malformedNote, "not a signature line: \(line.prefix(80))")
            }
            signatures.append(signature)
        }
        guard !signatures.isEmpty else { throw AuditError(.malformedNote, "a note has at least one signature") }
        guard signatures.count <= SignedNote.maxSignatures else {
            throw AuditError(.malformedNote, "more than \(SignedNote.maxSignatures) signatures")
        }
        self.init(text: text, signatures: signatures)
    }

    /// The verifiers whose signatures on the note verify; throws unless at least one does and every
    /// signature from a known key does.
    public func verify(with verifiers: [NoteVerifier]) throws(AuditError) -> [NoteVerifier] {
        let message = Array(text.utf8)
        var verifiedBy: [NoteVerifier] = []
        for signature in signatures {
            // A signature counts only when both the name and the key id match a known key.
            guard let verifier = verifiers.first(where: { $0.name == signature.name && $0.keyID == signature.keyID })
            else { continue }
            guard verifier.isValidSignature(signature.signature, for: message) else {
                throw AuditError(.invalidSignature, "the signature by \(verifier.name) does not verify")
            }
            if !verifiedBy.contains(verifier) { verifiedBy.append(verifier) }
        }
        guard !verifiedBy.isEmpty else { throw AuditError(.unknownKey, "no signature from a known key") }
        return verifiedBy
    }

    /// Parses and verifies a note; returns its text.
    public static func open(_ note: String, verifiers: [NoteVerifier]) throws(AuditError) -> String {
        let parsed = try SignedNote(parsing: note)
        _ = try parsed.verify(with: verifiers)
        return parsed.text
    }

    static func checkText(_ text: String) throws(AuditError) {
        guard text.hasSuffix("\n") else { throw AuditError(.malformedNote, "note text ends with a newline") }
        guard !text.hasSuffix("\n\n"), text != "\n" else {
            throw AuditError(.malformedNote, "note text does not end with a blank line")
        }
        for scalar in text.unicodeScalars where scalar.value < 0x20 && scalar != "\n" {
            throw AuditError(.malformedNote, "note text has no control characters but newlines")
        }
    }
}
