public import Foundation

/// Writes an event's canonical bytes (`schema/canonical-encoding.md`) from its parts, with the
/// payload's canonical bytes computed beforehand (the payload is most of the event, and it is known
/// before the append takes its lock).
public enum CanonicalEvent {
    public static func write(
        data: [UInt8], eventId: UUID, meta: EventMetadata, position: Int64, stream: String, type: String,
        version: Int64, to out: inout [UInt8]
    ) {
        out.append(contentsOf: #"{"data":"#.utf8)
        out.append(contentsOf: data)
        out.append(contentsOf: #","eventId":""#.utf8)
        eventId.writeLowercased(to: &out)
        out.append(contentsOf: #"","meta":"#.utf8)
        writeMeta(meta, to: &out)
        out.append(contentsOf: #","position":"#.utf8)
        CanonicalJSON.writeInteger(position, to: &out)
        out.append(contentsOf: #","stream":"#.utf8)
        CanonicalJSON.writeString(stream, to: &out)
        out.append(contentsOf: #","type":"#.utf8)
        CanonicalJSON.writeString(type, to: &out)
        out.append(contentsOf: #","version":"#.utf8)
        CanonicalJSON.writeInteger(version, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The canonical `meta` object; the seven standard members are written directly in key order.
    public static func writeMeta(_ meta: EventMetadata, to out: inout [UInt8]) {
        guard meta.extra.isEmpty else {
            CanonicalJSON.writeObject(meta.json, to: &out)
            return
        }
        /// `"<what write writes>"`, or `null`.
        func quotedOrNull(_ write: ((inout [UInt8]) -> Void)?) {
            guard let write else { return out.append(contentsOf: "null".utf8) }
            out.append(UInt8(ascii: "\""))
            write(&out)
            out.append(UInt8(ascii: "\""))
        }
        func optionalString(_ value: String?) {
            if let value { CanonicalJSON.writeString(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
        }
        out.append(contentsOf: #"{"actor":"#.utf8)
        CanonicalJSON.writeString(meta.actor, to: &out)
        out.append(contentsOf: #","causationId":"#.utf8)
        quotedOrNull(meta.causationId.map { id in { id.writeLowercased(to: &$0) } })
        out.append(contentsOf: #","deviceId":"#.utf8)
        optionalString(meta.deviceId)
        out.append(contentsOf: #","occurredAt":""#.utf8)
        meta.occurredAt.writeRFC3339(to: &out)
        out.append(contentsOf: #"","recordedAt":"#.utf8)
        quotedOrNull(meta.recordedAt.map { time in { time.writeRFC3339(to: &$0) } })
        out.append(contentsOf: #","region":"#.utf8)
        optionalString(meta.region)
        out.append(contentsOf: #","role":"#.utf8)
        CanonicalJSON.writeString(meta.role, to: &out)
        out.append(UInt8(ascii: "}"))
    }
}

extension RecordedEvent {
    /// Canonical bytes using a payload encoded beforehand (must be `CanonicalJSON.encode(.object(data))`).
    public func canonicalBytes(encodedData: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encodedData.count + 400)
        CanonicalEvent.write(
            data: encodedData, eventId: eventId, meta: meta, position: position, stream: stream, type: type,
            version: version, to: &out)
        return out
    }
}
