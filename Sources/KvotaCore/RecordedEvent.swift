public import Foundation

/// An event as stored in the log: positioned, versioned, with the server's `recordedAt`.
public struct RecordedEvent: Sendable, Hashable {
    public var eventId: UUID
    public var stream: String
    /// 0-based version inside its stream.
    public var version: Int64
    /// Global position: 0, 1, 2, ... dense, in commit order.
    public var position: Int64
    public var type: String
    public var data: JSONObject
    public var meta: EventMetadata

    public init(
        eventId: UUID, stream: String, version: Int64, position: Int64, type: String, data: JSONObject,
        meta: EventMetadata
    ) {
        self.eventId = eventId
        self.stream = stream
        self.version = version
        self.position = position
        self.type = type
        self.data = data
        self.meta = meta
    }

    public var recordedAt: Timestamp { meta.recordedAt ?? Timestamp(microsecondsSinceEpoch: 0) }

    /// The envelope as a JSON object, without `leafHash` (the canonical form's fields).
    public var envelope: JSONObject {
        JSONObject([
            .init("data", .object(data)),
            .init("eventId", .string(eventId.lowercased)),
            .init("meta", .object(meta.json)),
            .init("position", .int(position)),
            .init("stream", .string(stream)),
            .init("type", .string(type)),
            .init("version", .int(version)),
        ])
    }

    /// The canonical bytes of the event (`schema/canonical-encoding.md`): what its leaf hash covers.
    public var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(768)
        CanonicalJSON.writeObject(envelope, to: &out)
        return out
    }

    /// Reads an event back from its envelope (canonical bytes, or a pulled envelope: `leafHash`
    /// and unknown top-level members are ignored).
    public init(envelope json: JSONObject) throws(EnvelopeError) {
        guard case .string(let idText)? = json["eventId"], let eventId = UUID(text: idText) else {
            throw EnvelopeError(field: "eventId", message: "must be a UUID")
        }
        guard case .string(let stream)? = json["stream"] else {
            throw EnvelopeError(field: "stream", message: "must be a string")
        }
        guard case .int(let version)? = json["version"], version >= 0 else {
            throw EnvelopeError(field: "version", message: "must be a non-negative integer")
        }
        guard case .int(let position)? = json["position"], position >= 0 else {
            throw EnvelopeError(field: "position", message: "must be a non-negative integer")
        }
        guard case .string(let type)? = json["type"] else {
            throw EnvelopeError(field: "type", message: "must be a string")
        }
        guard case .object(let data)? = json["data"] else {
            throw EnvelopeError(field: "data", message: "must be an object")
        }
        guard case .object(let meta)? = json["meta"] else {
            throw EnvelopeError(field: "meta", message: "must be an object")
        }
        self.init(
            eventId: eventId, stream: stream, version: version, position: position, type: type, data: data,
            meta: try EventMetadata(json: meta)
        )
    }

    /// Parses canonical bytes as stored.
    /// The event whose canonical encoding `bytes` are exactly, read in one pass and without writing
    /// it again; nil when they are anything else (not an event, or not in canonical form): what
    /// `try? RecordedEvent(canonicalBytes:)` and comparing its ``canonicalBytes`` would answer.
    public init?(exactCanonicalBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard CanonicalJSON.isCanonical(bytes), let event = CanonicalEventDecoder.decode(bytes, exact: true) else {
            return nil
        }
        self = event
    }

    public init(canonicalBytes: UnsafeBufferPointer<UInt8>) throws {
        if let event = CanonicalEventDecoder.decode(canonicalBytes) {
            self = event
            return
        }
        guard case .object(let json) = try JSONParser.parse(canonicalBytes) else {
            throw EnvelopeError(field: "event", message: "must be a JSON object")
        }
        try self.init(envelope: json)
    }
}
