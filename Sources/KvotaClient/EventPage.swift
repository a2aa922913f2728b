import Crypto
import Dispatch
public import Foundation
import KvotaAudit
import KvotaCore
public import NIOCore

/// One pulled event as the journal keeps it: the stored canonical bytes (what the leaf hash covers)
/// and the envelope members the journal indexes.
public struct PulledEvent: Sendable {
    public var position: Int64
    public var eventId: UUID
    public var stream: String
    public var version: Int64
    public var type: String
    /// The event's canonical bytes (`schema/canonical-encoding.md`), without `leafHash`: a slice of
    /// the page's bytes (no copy per event).
    public var body: ArraySlice<UInt8>
    /// SHA-256(0x00 || body), checked against the server's `leafHash`.
    var digest: SHA256Digest
    public var leafHash: [UInt8] { Array(digest) }
}

/// A page of `GET /v1/events`, read without building a JSON tree of the whole page: each element of
/// `events` is cut out of the body, its canonical bytes recovered in place (the server sends them as
/// stored, with `leafHash` as one more, last member: that member is cut off by writing the closing
/// brace over its comma), checked against its leaf hash, and its envelope members read by
/// ``EnvelopeScanner`` (or, for anything laid out otherwise, by the full reader), on all cores.
public struct EventPage: Sendable {
    public var events: [PulledEvent]
    public var next: Int64
    public var head: Int64

    public init(_ body: ByteBuffer) throws(ClientError) {
        var bytes = Array(body.readableBytesView)
        let scan = try EventPage.split(bytes)
        let count = scan.elements.count
        var parsed = [Result<Scanned, ClientError>](repeating: .failure(ClientError(.server, "")), count: count)
        let parts = count >= 512 ? ProcessInfo.processInfo.activeProcessorCount : 1
        bytes.withUnsafeMutableBufferPointer { bytes in
            parsed.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let out = out
                nonisolated(unsafe) let bytes = bytes
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    // Each element writes only inside its own byte range.
                    for index in (count * part / parts)..<(count * (part + 1) / parts) {
                        out[index] = Result { () throws(ClientError) in
                            try EventPage.event(bytes, scan.elements[index])
                        }
                    }
                }
            }
        }
        var events: [PulledEvent] = []
        events.reserveCapacity(count)
        for result in parsed {
            let scanned = try result.get()
            let envelope = scanned.envelope
            let body: ArraySlice<UInt8>
            switch scanned.body {
            case .inPage(let range): body = bytes[range]
            case .owned(let owned): body = owned[...]
            }
            events.append(
                PulledEvent(
                    position: envelope.position, eventId: envelope.eventId, stream: envelope.stream,
                    version: envelope.version, type: envelope.type, body: body, digest: scanned.digest))
        }
        self.events = events
        self.next = scan.next
        self.head = scan.head
    }

    /// One element read: where its canonical bytes are, their hash, its envelope.
    struct Scanned {
        enum Body {
            /// In the page's bytes (the fast path).
            case inPage(Range<Int>)
            /// Written again canonically (the server put `leafHash` elsewhere than last).
            case owned([UInt8])
        }
        var body: Body
        var digest: SHA256Digest
        var envelope: EventEnvelope
    }

    private static let suffix = Array(#","leafHash":""#.utf8)

    /// One element: canonical bytes recovered, leaf hash checked, envelope read.
    static func event(_ page: UnsafeMutableBufferPointer<UInt8>, _ element: Range<Int>) throws(ClientError) -> Scanned {
        let tail = suffix.count + 64 + 2
        if element.count > tail {
            let start = element.upperBound - tail
            let sent = (start + suffix.count)..<(element.upperBound - 2)
            if page[start..<(start + suffix.count)].elementsEqual(suffix),
                page[element.upperBound - 1] == UInt8(ascii: "}"),
                page[element.upperBound - 2] == UInt8(ascii: "\"")
            {
                page[start] = UInt8(ascii: "}")
                let canonical = element.lowerBound..<(start + 1)
                return try checked(
                    UnsafeBufferPointer(rebasing: page[canonical]), sent: UnsafeBufferPointer(rebasing: page[sent]),
                    body: .inPage(canonical))
            }
        }
        let slice = UnsafeBufferPointer(rebasing: page[element])
        guard case .object(let object)? = try? JSONParser.parse(slice) else {
            throw ClientError(.server, "an event of the page is not a JSON object")
        }
        let envelope = JSONObject(object.members.filter { $0.key != "leafHash" })
        let canonical = CanonicalJSON.encode(.object(envelope))
        let sent = object["leafHash"]?.stringValue.map { Array($0.utf8) }
        return try canonical.withUnsafeBufferPointer { canonicalBytes throws(ClientError) in
            guard let sent else { return try checked(canonicalBytes, sent: nil, body: .owned(canonical)) }
            return try sent.withUnsafeBufferPointer { sent throws(ClientError) in
                try checked(canonicalBytes, sent: sent, body: .owned(canonical))
            }
        }
    }

    /// Hashes the canonical bytes, compares with the sent lowercase hex (if any), reads the envelope.
    static func checked(
        _ canonical: UnsafeBufferPointer<UInt8>, sent: UnsafeBufferPointer<UInt8>?, body: Scanned.Body
    ) throws(ClientError) -> Scanned {
        var hasher = SHA256()
        hasher.update(data: [UInt8(0)])
        hasher.update(bufferPointer: UnsafeRawBufferPointer(canonical))
        let digest = hasher.finalize()
        if let sent, !EventPage.hex(digest, equals: sent) {
            throw ClientError(
                .server,
                "an event's leafHash does not match its bytes (sent \(String(decoding: sent, as: UTF8.self)), computed \(MerkleHash.hex(Array(digest))))"
            )
        }
        if let envelope = EnvelopeScanner.scan(canonical) {
            return Scanned(body: body, digest: digest, envelope: envelope)
        }
        let recorded: RecordedEvent
        do { recorded = try RecordedEvent(canonicalBytes: canonical) } catch {
            throw ClientError(.server, "a pulled event cannot be read: \(error)")
        }
        return Scanned(
            body: body, digest: digest,
            envelope: EventEnvelope(
                position: recorded.position, eventId: recorded.eventId, stream: recorded.stream,
                version: recorded.version, type: recorded.type))
    }

    private static let digits = Array("0123456789abcdef".utf8)

    /// Whether `text` is the lowercase hex of `digest`.
    static func hex(_ digest: SHA256Digest, equals text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.count == 64 else { return false }
        var index = 0
        for byte in digest {
            guard text[index] == digits[Int(byte >> 4)], text[index + 1] == digits[Int(byte & 0x0F)] else {
                return false
            }
            index += 2
        }
        return true
    }

    /// Byte ranges of the `events` elements, and `next` / `head`.
    static func split(_ bytes: [UInt8]) throws(ClientError) -> (elements: [Range<Int>], next: Int64, head: Int64) {
        var scanner = PageScanner(bytes: bytes)
        return try scanner.scan()
    }
}

/// A small scanner over the page's top-level object: strings (with escapes) skipped, depth counted.
private struct PageScanner {
    let bytes: [UInt8]
    var index = 0

    mutating func scan() throws(ClientError) -> (elements: [Range<Int>], next: Int64, head: Int64) {
        var elements: [Range<Int>] = []
        var next: Int64?
        var head: Int64?
        skipSpace()
        try expect(UInt8(ascii: "{"))
        while true {
            skipSpace()
            if peek == UInt8(ascii: "}") { break }
            let key = try string()
            skipSpace()
            try expect(UInt8(ascii: ":"))
            skipSpace()
            switch key {
            case "events":
                try expect(UInt8(ascii: "["))
                skipSpace()
                while peek != UInt8(ascii: "]") {
                    let start = index
                    try value()
                    elements.append(start..<index)
                    skipSpace()
                    if peek == UInt8(ascii: ",") { index += 1; skipSpace() }
                }
                index += 1
            case "next", "head":
                let start = index
                try value()
                let number = Int64(String(decoding: bytes[start..<index], as: UTF8.self))
                if key == "next" { next = number } else { head = number }
            default:
                try value()
            }
            skipSpace()
            if peek == UInt8(ascii: ",") { index += 1 }
        }
        guard let next, let head else { throw ClientError(.server, "an events page lacks next or head") }
        return (elements, next, head)
    }

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipSpace() {
        while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    mutating func expect(_ byte: UInt8) throws(ClientError) {
        guard peek == byte else { throw malformed() }
        index += 1
    }

    func malformed() -> ClientError {
        ClientError(.server, "the events page is not the JSON the contract describes (at byte \(index))")
    }

    mutating func string() throws(ClientError) -> String {
        let start = index
        try skipString()
        return String(decoding: bytes[(start + 1)..<(index - 1)], as: UTF8.self)
    }

    mutating func skipString() throws(ClientError) {
        try expect(UInt8(ascii: "\""))
        while let byte = peek {
            index += 1
            if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { return }
        }
        throw malformed()
    }

    /// Skips one JSON value of any kind.
    mutating func value() throws(ClientError) {
        guard let first = peek else { throw malformed() }
        if first == UInt8(ascii: "\"") { return try skipString() }
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            var depth = 0
            while let byte = peek {
                if byte == UInt8(ascii: "\"") {
                    try skipString()
                    continue
                }
                index += 1
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    depth += 1
                } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { return }
                }
            }
            throw malformed()
        }
        while let byte = peek, byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), byte != UInt8(ascii: "]"),
            byte != 0x20, byte != 0x0A
        {
            index += 1
        }
    }
}
