import Foundation
import KvotaAudit
import Testing

/// The example key and note of Go's `golang.org/x/mod/sumdb/note` (its `note_test.go` and package
/// documentation), the reference implementation of C2SP signed notes.
enum GoNoteVector {
    static let verifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let signerKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let text =
        "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let note =
        text
        + "\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
}

@Suite("C2SP signed notes and tlog checkpoints")
struct SignedNoteTests {
    @Test("Go's reference key parses, and its note verifies")
    func goVector() throws {
        let verifier = try NoteVerifier(verifierKey: GoNoteVector.verifierKey)
        #expect(verifier.name == "PeterNeumann")
        #expect(verifier.keyID == 0xC74F_20A3)
        #expect(verifier.verifierKey == GoNoteVector.verifierKey)
        #expect(try SignedNote.open(GoNoteVector.note, verifiers: [verifier]) == GoNoteVector.text)
        let signer = try NoteSigner(signerKey: GoNoteVector.signerKey)
        #expect(signer.signerKey == GoNoteVector.signerKey)
        #expect(signer.verifier == verifier)
    }

    #if !canImport(Darwin)
        /// Ed25519 (RFC 8032) is deterministic; Apple's CryptoKit randomises its signatures, BoringSSL does not.
        @Test("signing Go's text with Go's key gives Go's note byte for byte")
        func goVectorSigned() throws {
            let signer = try NoteSigner(signerKey: GoNoteVector.signerKey)
            #expect(try SignedNote(signing: GoNoteVector.text, with: [signer]).encoded == GoNoteVector.note)
        }
    #endif

    @Test("the key id is the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key)")
    func keyID() throws {
        let signer = try NoteSigner.generate(name: "kvota.example/log")
        let publicKey = signer.verifier.publicKey
        let digest = Digest.sha256(Array("kvota.example/log".utf8) + [0x0A, 0x01] + publicKey)
        #expect(signer.verifier.keyID == digest.prefix(4).reduce(0) { $0 << 8 | UInt32($1) })
        #expect(signer.verifier.verifierKey.hasPrefix("kvota.example/log+\(MerkleHash.hex(Array(digest.prefix(4))))+"))
        #expect(try NoteVerifier(verifierKey: signer.verifier.verifierKey) == signer.verifier)
        #expect(try NoteSigner(signerKey: signer.signerKey).verifier == signer.verifier)
    }

    @Test("a checkpoint signs and opens, with the exact body of tlog-checkpoint")
    func checkpointRoundTrip() throws {
        let signer = try NoteSigner.generate(name: "kvota.example/log")
        let root = MerkleTree.root(of: RFC6962Vectors.leafHashes)
        let checkpoint = Checkpoint(origin: "kvota.example/log", size: 8, rootHash: root)
        #expect(checkpoint.body == "kvota.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")
        let note = try checkpoint.signed(by: signer)
        #expect(note.hasPrefix(checkpoint.body + "\n\u{2014} kvota.example/log "))
        #expect(note.hasSuffix("\n"))
        #expect(try Checkpoint.open(note, verifiers: [signer.verifier]) == checkpoint)
        let empty = Checkpoint(origin: "kvota.example/log", size: 0, rootHash: TreeHash.emptyRoot)
        #expect(try Checkpoint(body: empty.body) == empty)
    }

    @Test("a note from another key, a changed text or a bad signature is refused")
    func refusesWrongKeysAndSignatures() throws {
        let signer = try NoteSigner.generate(name: "kvota.example/log")
        let other = try NoteSigner.generate(name: "kvota.example/log")
        let note = try Checkpoint(origin: "kvota.example/log", size: 1, rootHash: TreeHash.leaf([])).signed(by: signer)
        // Same name, other key: the key id differs, so the signature is unknown.
        #expect(throws: AuditError.self) { try Checkpoint.open(note, verifiers: [other.verifier]) }
        #expect(throws: AuditError.self) { try Checkpoint.open(note, verifiers: []) }
        // The text changed under the signature.
        let changed = note.replacingFirst("\n1\n", with: "\n2\n")
        #expect(changed != note)
        #expect(throws: AuditError(.invalidSignature, "the signature by kvota.example/log does not verify")) {
            try Checkpoint.open(changed, verifiers: [signer.verifier])
        }
        // A signature from a known key that fails refuses the note even when another verifies.
        var parsed = try SignedNote(parsing: note)
        var broken = parsed.signatures[0]
        broken.signature[0] ^= 1
        parsed.signatures.append(broken)
        #expect(throws: AuditError.self) { try SignedNote.open(parsed.encoded, verifiers: [signer.verifier]) }
        // Unknown signatures beside a good one are ignored.
        let cosigned = try SignedNote(signing: parsed.text, with: [other, signer])
        #expect(try cosigned.verify(with: [signer.verifier]) == [signer.verifier])
    }

    @Test(
        "malformed notes are refused",
        arguments: [
            ("no blank line", GoNoteVector.note.replacingFirst("problem is.\n\n", with: "problem is.\n")),
            ("no final newline", String(GoNoteVector.note.dropLast())),
            ("trailing garbage", GoNoteVector.note + "garbage\n"),
            ("trailing blank line", GoNoteVector.note + "\n"),
            ("no signatures", GoNoteVector.text + "\n"),
            ("hyphen for em dash", GoNoteVector.note.replacingFirst("\u{2014} ", with: "- ")),
            ("two spaces", GoNoteVector.note.replacingFirst("PeterNeumann ", with: "PeterNeumann  ")),
            ("non-canonical base64", GoNoteVector.note.replacingFirst("AM=\n", with: "AN=\n")),
            (
                "truncated signature",
                GoNoteVector.note.replacingFirst("x08go/ZJ", with: "").replacingFirst("AM=", with: "")
            ),
            ("control character", GoNoteVector.note.replacingFirst("If you", with: "If\tyou")),
            ("carriage return", GoNoteVector.note.replacingFirst("problem,\n", with: "problem,\r\n")),
        ])
    func malformed(what: String, note: String) throws {
        let verifier = try NoteVerifier(verifierKey: GoNoteVector.verifierKey)
        #expect(throws: AuditError.self, "\(what)") { try SignedNote.open(note, verifiers: [verifier]) }
    }

    @Test(
        "malformed verifier and signer keys are refused",
        arguments: [
            "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // wrong key id
            "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // short key id
            "PeterNeumann+c74f20a3+Alpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // other algorithm byte
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",  // short key
            "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // space in name
            "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  // empty name
            "PeterNeumann+c74f20a3",
        ])
    func malformedKeys(key: String) {
        #expect(throws: AuditError.self) { try NoteVerifier(verifierKey: key) }
        #expect(throws: AuditError.self) { try NoteSigner(signerKey: "PRIVATE+KEY+" + key) }
    }

    @Test(
        "malformed checkpoint bodies are refused",
        arguments: [
            "kvota.example/log\n8\n", "\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
            "kvota.example/log\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
            "kvota.example/log\n-8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
            "kvota.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQ=\n",
            "kvota.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=",
            "kvota.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n",
            "kvota.example/log\n18446744073709551616\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n",
        ])
    func malformedCheckpoint(body: String) {
        #expect(throws: AuditError.self) { try Checkpoint(body: body) }
    }

    @Test("extension lines are kept and signed")
    func extensionLines() throws {
        let body = "kvota.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\nextra line\n"
        let checkpoint = try Checkpoint(body: body)
        #expect(checkpoint.extensions == ["extra line"])
        #expect(checkpoint.body == body)
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced (the test's mutations are single edits).
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
