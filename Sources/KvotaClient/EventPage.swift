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
    /// The event's canonical bytes (`schema/canonical-encoding.md`), without `leafHash`.
    public var body: [UInt8]
    public var leafHash: [UInt8]
}

/// A page of `GET /v1/events`, read without building a JSON tree of the whole page: each element of
/// `events` is cut out of the body, its canonical bytes recovered (the server sends them as stored,
/// with `leafHash` as one more member) and checked against its leaf hash, on all cores.
public struct EventPage: Sendable {
    public var events: [PulledEvent]
    public var next: Int64
    public var head: Int64

    public init(_ body: ByteBuffer) throws(ClientError) {
        let bytes = Array(body.readableBytesView)
        let scan = try EventPage.split(bytes)
        var parsed = [Result<PulledEvent, ClientError>](
            repeating: .failure(ClientError(.server, "")), count: scan.elements.count)
        let parts = scan.elements.count >= 512 ? ProcessInfo.processInfo.activeProcessorCount : 1
        parsed.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let lower = scan.elements.count * part / parts
                let upper = scan.elements.count * (part + 1) / parts
                for index in lower..<upper {
                    out[index] = Result { () throws(ClientError) in
                        try EventPage.event(bytes[scan.elements[index]])
                    }
                }
            }
        }
        var events: [PulledEvent] = []
        events.reserveCapacity(parsed.count)
        for result in parsed { events.append(try result.get()) }
        self.events = events
        self.next = scan.next
        self.head = scan.head
    }

    /// One element: canonical bytes, leaf hash checked, envelope read.
    static func event(_ element: ArraySlice<UInt8>) throws(ClientError) -> PulledEvent {
        let (canonical, sentHash) = try canonicalBytes(element)
        let hash = MerkleHash.leaf(canonical)
        if let sentHash, sentHash != MerkleHash.hex(hash) {
            throw ClientError(
                .server,
                "an event's leafHash does not match its bytes (sent \(sentHash), computed \(MerkleHash.hex(hash)))")
        }
        let recorded: RecordedEvent
        do { recorded = try canonical.withUnsafeBufferPointer { try RecordedEvent(canonicalBytes: $0) } } catch {
            throw ClientError(.server, "a pulled event cannot be read: \(error)")
        }
        return PulledEvent(
            position: recorded.position, eventId: recorded.eventId, stream: recorded.stream,
            version: recorded.version, type: recorded.type, body: canonical, leafHash: hash)
    }

    private static let suffix = Array(#","leafHash":""#.utf8)

    /// The element without its `leafHash` member: the fast path when the server put it last (it does),
    /// else parsed and written again canonically.
    static func canonicalBytes(_ element: ArraySlice<UInt8>) throws(ClientError) -> ([UInt8], String?) {
        let tail = suffix.count + 64 + 2
        if element.count > tail {
            let start = element.endIndex - tail
            if element[start..<(start + suffix.count)].elementsEqual(suffix), element.last == UInt8(ascii: "}"),
                element[element.endIndex - 2] == UInt8(ascii: "\"")
            {
                var canonical = Array(element[element.startIndex..<start])
                canonical.append(UInt8(ascii: "}"))
                let hash = String(decoding: element[(start + suffix.count)..<(element.endIndex - 2)], as: UTF8.self)
                return (canonical, hash)
            }
        }
        guard case .object(let object)? = try? JSONParser.parse(element) else {
            throw ClientError(.server, "an event of the page is not a JSON object")
        }
        let hash = object["leafHash"]?.stringValue
        let envelope = JSONObject(object.members.filter { $0.key != "leafHash" })
        return (CanonicalJSON.encode(.object(envelope)), hash)
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
