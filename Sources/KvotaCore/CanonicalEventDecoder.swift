import Foundation

/// Reads an event back from canonical bytes in the exact layout `CanonicalEvent.write` produces
/// (envelope and meta members in canonical order, no extra meta member but the operator import's
/// `import`), without building the envelope and meta as JSON objects. Returns nil when the bytes are laid out any other way; the
/// general reader then decides (and names what is wrong, if anything is).
enum CanonicalEventDecoder {
    /// With `exact`, also nil when an id or a time is not in the one form the writer makes of it
    /// (lowercase hex; `YYYY-MM-DDTHH:MM:SS.ffffffZ` of a real moment): with
    /// ``CanonicalJSON/isCanonical(_:)`` holding for the bytes, a decoded event is then exactly the
    /// event whose canonical encoding they are.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, exact: Bool = false) -> RecordedEvent? {
        var reader = Reader(bytes: bytes, exact: exact)
        guard reader.literal(#"{"data":"#), case .object(let data)? = reader.value(),
            reader.literal(#","eventId":"#), let eventId = reader.uuid(),
            reader.literal(#","meta":{"actor":"#), case .string(let actor)? = reader.value(),
            reader.literal(#","causationId":"#), let causation = reader.optionalUUID(),
            reader.literal(#","deviceId":"#), let deviceId = reader.optionalString(),
            let imported = reader.optionalMember(#","import":"#),
            reader.literal(#","occurredAt":"#), let occurredAt = reader.timestamp(),
            reader.literal(#","recordedAt":"#), let recordedAt = reader.optionalTimestamp(),
            reader.literal(#","region":"#), let region = reader.optionalString(),
            reader.literal(#","role":"#), case .string(let role)? = reader.value(),
            reader.literal(#"},"position":"#), case .int(let position)? = reader.value(), position >= 0,
            reader.literal(#","stream":"#), case .string(let stream)? = reader.value(),
            reader.literal(#","type":"#), case .string(let type)? = reader.value(),
            reader.literal(#","version":"#), case .int(let version)? = reader.value(), version >= 0,
            reader.literal("}"), reader.index == bytes.count
        else { return nil }
        let meta = EventMetadata(
            actor: actor, role: role, region: region, deviceId: deviceId, occurredAt: occurredAt,
            recordedAt: recordedAt,
            causationId: causation, extra: imported.map { JSONObject([.init("import", $0)]) } ?? JSONObject())
        return RecordedEvent(
            eventId: eventId, stream: stream, version: version, position: position, type: type, data: data, meta: meta)
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        let exact: Bool
        var index = 0

        mutating func literal(_ text: StaticString) -> Bool {
            guard bytes.hasLiteral(text, at: index) else { return false }
            index += text.utf8CodeUnitCount
            return true
        }

        mutating func value() -> JSONValue? {
            guard let (value, end) = try? JSONParser.value(in: bytes, at: index) else { return nil }
            index = end
            return value
        }

        mutating func null() -> Bool { literal("null") }

        /// `.some(nil)` when the member `key` is absent, `.some(value)` when present, nil when it does not read.
        mutating func optionalMember(_ key: StaticString) -> JSONValue?? {
            guard literal(key) else { return .some(nil) }
            return value().map { .some($0) }
        }

        /// A quoted canonical UUID.
        mutating func uuid() -> UUID? {
            guard index + 38 <= bytes.count, bytes[index] == 0x22, bytes[index + 37] == 0x22 else { return nil }
            let text = UnsafeBufferPointer(rebasing: bytes[(index + 1)..<(index + 37)])
            guard let id = UUID(utf8: text) else { return nil }
            if exact, text.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") }) { return nil }
            index += 38
            return id
        }

        /// `.some(nil)` for null, `.some(id)` for a UUID, nil for anything else.
        mutating func optionalUUID() -> UUID?? {
            if null() { return .some(nil) }
            return uuid().map { .some($0) }
        }

        mutating func optionalString() -> String?? {
            if null() { return .some(nil) }
            guard case .string(let text)? = value() else { return nil }
            return .some(text)
        }

        /// A quoted canonical timestamp (27 characters).
        mutating func timestamp() -> Timestamp? {
            guard index + 29 <= bytes.count, bytes[index] == 0x22, bytes[index + 28] == 0x22 else { return nil }
            let text = UnsafeBufferPointer(rebasing: bytes[(index + 1)..<(index + 28)])
            guard let time = Timestamp.parse(rfc3339: text) else { return nil }
            // The writer's one form: `T`, six fraction digits, `Z`, and no leap second (read as :59).
            // The parse has checked every other byte, so the text is what writing `time` gives.
            if exact {
                guard text[10] == UInt8(ascii: "T"), text[19] == UInt8(ascii: "."), text[26] == UInt8(ascii: "Z"),
                    text[17] != UInt8(ascii: "6")
                else { return nil }
            }
            index += 29
            return time
        }

        mutating func optionalTimestamp() -> Timestamp?? {
            if null() { return .some(nil) }
            return timestamp().map { .some($0) }
        }
    }
}
