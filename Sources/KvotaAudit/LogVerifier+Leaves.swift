import Crypto
import Foundation
import KvotaCore

/// Events handed to the verifier at once: separate byte arrays, or lines of one export buffer.
struct EventChunk: Sendable {
    enum Storage: Sendable {
        case separate([[UInt8]])
        /// One buffer and the byte range of each event in it.
        case lines([UInt8], [Range<Int>])
    }

    var storage: Storage
    /// The leaf hashes the log claims, one per event, when it claims any.
    var claimed: [TreeHash]?

    static func separate(_ events: [[UInt8]], claimed: [TreeHash]?) -> EventChunk {
        EventChunk(storage: .separate(events), claimed: claimed)
    }

    var count: Int {
        switch storage {
        case .separate(let events): return events.count
        case .lines(_, let ranges): return ranges.count
        }
    }

    /// Calls `body` with the bytes of event `index`.
    func withEvent<Result>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        switch storage {
        case .separate(let events):
            return events[index].withUnsafeBufferPointer(body)
        case .lines(let buffer, let ranges):
            return buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[ranges[index]])) }
        }
    }
}

/// An event whose bytes passed: what the replay needs of it, its leaf hash, and its typed reading
/// (or the rules' refusal of its stream, type and data).
/// A class, not a struct: each stage takes events out of its batch, and a copy is then one retain
/// instead of one per string and record inside.
final class CheckedEvent: Sendable {
    let eventId: UUID
    let stream: StreamKey
    let version: Int64
    let type: String
    let meta: EventMetadata
    let leafHash: TreeHash
    let domain: Result<DomainEvent, Rejection>

    init(
        eventId: UUID, stream: StreamKey, version: Int64, type: String, meta: EventMetadata, leafHash: TreeHash,
        domain: Result<DomainEvent, Rejection>
    ) {
        self.eventId = eventId
        self.stream = stream
        self.version = version
        self.type = type
        self.meta = meta
        self.leafHash = leafHash
        self.domain = domain
    }
}

/// A stream name with its hash computed beforehand (by the checkers, on every core), so that the
/// in-order replay's lookup of the stream's last version does not hash the name again.
struct StreamKey: Hashable, Sendable, CustomStringConvertible {
    let name: String
    private let hash: Int

    init(_ name: String) {
        self.name = name
        hash = name.hashValue
    }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    static func == (lhs: StreamKey, rhs: StreamKey) -> Bool { lhs.hash == rhs.hash && lhs.name == rhs.name }
    var description: String { name }
}

extension LogVerifier {
    /// Read once: on Linux `activeProcessorCount` reads cgroup files on every call.
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    /// Reusable buffers for re-encoding events.
    struct Scratch {
        var data: [UInt8] = []
        var event: [UInt8] = []
    }

    /// Reads one event, requires its position and canonical bytes, hashes it and reads it as a typed event.
    static func check(
        _ bytes: UnsafeBufferPointer<UInt8>, position: Int64, claimed: TreeHash?, scratch: inout Scratch
    ) -> Result<CheckedEvent, Failure> {
        // Canonical bytes (the log's own, always) are read in one pass; anything else is read again
        // the long way, which names what is wrong.
        let exact = RecordedEvent(exactCanonicalBytes: bytes)
        let event: RecordedEvent
        do {
            event = try exact ?? RecordedEvent(canonicalBytes: bytes)
        } catch {
            return .failure(Failure(.unreadable, position: position, "the bytes are not an event: \(error)"))
        }
        guard event.position == position else {
            let why =
                event.position > position
                ? "an event is missing before it, or the order was changed"
                : "an event was inserted before it, or the order was changed"
            return .failure(
                Failure(
                    .positionMismatch, position: position,
                    "expected position \(position), found \(event.position) (\(why))"))
        }
        if exact == nil, let failure = nonCanonical(event, bytes, position: position, scratch: &scratch) {
            return .failure(failure)
        }
        let leafHash = leafHash(bytes)
        if let claimed, claimed != leafHash {
            return .failure(
                Failure(
                    .leafHashMismatch, position: position,
                    "leaf hash differs: the log claims \(claimed.hex), the bytes hash to \(leafHash.hex)"))
        }
        let domain = Result { () throws(Rejection) in
            try DomainEvent(stream: event.stream, type: event.type, data: event.data)
        }
        return .success(
            CheckedEvent(
                eventId: event.eventId, stream: StreamKey(event.stream), version: event.version, type: event.type,
                meta: event.meta, leafHash: leafHash, domain: domain))
    }

    /// The failure of bytes that read as `event` but are not its canonical encoding; nil when they are.
    static func nonCanonical(
        _ event: RecordedEvent, _ bytes: UnsafeBufferPointer<UInt8>, position: Int64, scratch: inout Scratch
    ) -> Failure? {
        scratch.data.removeAll(keepingCapacity: true)
        CanonicalJSON.writeObject(event.data, to: &scratch.data)
        scratch.event.removeAll(keepingCapacity: true)
        CanonicalEvent.write(
            data: scratch.data, eventId: event.eventId, meta: event.meta, position: event.position,
            stream: event.stream, type: event.type, version: event.version, to: &scratch.event)
        guard let offset = firstDifference(scratch.event, bytes) else { return nil }
        return Failure(
            .nonCanonical, position: position,
            "the stored bytes are not the event's canonical encoding (they differ from byte \(offset) on)")
    }

    /// RFC 6962 leaf hash: SHA-256(0x00 || bytes).
    static func leafHash(_ bytes: UnsafeBufferPointer<UInt8>) -> TreeHash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(bytes))
        return hasher.finalize().withUnsafeBytes { TreeHash($0)! }
    }

    /// The first offset where the two byte strings differ, or nil when they are equal.
    static func firstDifference(_ expected: [UInt8], _ actual: UnsafeBufferPointer<UInt8>) -> Int? {
        expected.withUnsafeBufferPointer { expected in
            if expected.count == actual.count,
                expected.count == 0 || memcmp(expected.baseAddress!, actual.baseAddress!, expected.count) == 0
            {
                return nil
            }
            for (offset, pair) in zip(expected, actual).enumerated() where pair.0 != pair.1 { return offset }
            return min(expected.count, actual.count)
        }
    }
}
