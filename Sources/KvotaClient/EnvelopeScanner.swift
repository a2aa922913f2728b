public import Foundation
import KvotaCore

/// The envelope members the journal indexes.
public struct EventEnvelope: Sendable, Hashable {
    public var position: Int64
    public var eventId: UUID
    public var stream: String
    public var version: Int64
    public var type: String
}

/// Reads the envelope members of an event's canonical bytes (`schema/canonical-encoding.md`) in one
/// pass, without building JSON values, and checks on the way everything the full reader
/// (`RecordedEvent(canonicalBytes:)`) checks: well-formed JSON as KvotaCore's strict parser takes it
/// (valid UTF-8, escapes, no lone surrogates, no duplicate keys, safe integers), `data` an object,
/// `meta` with the members `EventMetadata` requires and of the kinds it requires.
///
/// Sound, not complete: it answers nil for anything it does not read exactly as the canonical
/// encoding lays it out (whitespace, escaped keys, keys not in ascending byte order, escapes in
/// `stream`, `type` or the timestamps, fractional numbers, nesting deeper than 32), and the caller
/// then asks the full reader, which reads the event or says what is wrong. So whenever it answers,
/// the full reader succeeds with the same members.
enum EnvelopeScanner {
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> EventEnvelope? {
        var reader = Reader(bytes: bytes)
        guard reader.literal(#"{"data":"#), reader.peek == UInt8(ascii: "{"), reader.skipValue(depth: 0),
            reader.literal(#","eventId":""#), let eventId = reader.uuid(), reader.literal(#"","meta":"#),
            reader.meta(),
            reader.literal(#","position":"#), let position = reader.natural(),
            reader.literal(#","stream":"#), let stream = reader.plainString(),
            reader.literal(#","type":"#), let type = reader.plainString(),
            reader.literal(#","version":"#), let version = reader.natural(),
            reader.literal("}"), reader.index == bytes.count
        else { return nil }
        return EventEnvelope(
            position: position, eventId: eventId, stream: String(decoding: stream, as: UTF8.self), version: version,
            type: String(decoding: type, as: UTF8.self))
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        static let maxDepth = 32

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func literal(_ text: StaticString) -> Bool {
            guard bytes.hasLiteral(text, at: index) else { return false }
            index += text.utf8CodeUnitCount
            return true
        }

        /// A non-negative integer in plain digits (no sign, no leading zero, at most 2^53 − 1).
        mutating func natural() -> Int64? {
            let start = index
            var value: Int64 = 0
            while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                index += 1
                if index - start > 16 { return nil }
            }
            guard index > start, !(bytes[start] == UInt8(ascii: "0") && index - start > 1),
                value <= JSONValue.maxSafeInteger, !endsInFraction
            else { return nil }
            return value
        }

        var endsInFraction: Bool {
            guard let byte = peek else { return false }
            return byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        }

        /// A string without escapes, valid UTF-8: its bytes between the quotes.
        mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
            guard peek == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            guard skipString(escapes: false) else { return nil }
            return UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)])
        }

        /// A quoted UUID (`8-4-4-4-12` hex of either case, as `UUID(text:)` takes it) after its opening quote.
        mutating func uuid() -> UUID? {
            guard index + 36 <= bytes.count else { return nil }
            var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let valid = withUnsafeMutableBytes(of: &raw) { raw in
                var nibble = 0
                for offset in 0..<36 {
                    let byte = bytes[index + offset]
                    if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                        guard byte == UInt8(ascii: "-") else { return false }
                        continue
                    }
                    let digit: UInt8
                    switch byte {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                    case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                    default: return false
                    }
                    raw[nibble / 2] |= nibble % 2 == 0 ? digit << 4 : digit
                    nibble += 1
                }
                return true
            }
            guard valid else { return nil }
            index += 36
            return UUID(uuid: raw)
        }

        /// `meta`: an object whose keys ascend; `actor`, `role` strings and `occurredAt` a timestamp,
        /// all three present; `region`, `deviceId` string or null; `recordedAt` timestamp or null;
        /// `causationId` UUID or null; any other member any value.
        mutating func meta() -> Bool {
            guard literal("{") else { return false }
            var required = 0
            var previous: UnsafeBufferPointer<UInt8>?
            if literal("}") { return false }
            while true {
                guard let key = plainString(), Reader.ascending(previous, key), literal(":") else { return false }
                previous = key
                switch String(decoding: key, as: UTF8.self) {
                case "actor", "role":
                    guard plainOrEscapedString() else { return false }
                    required += 1
                case "region", "deviceId":
                    guard literal("null") || plainOrEscapedString() else { return false }
                case "occurredAt":
                    guard timestamp() else { return false }
                    required += 1
                case "recordedAt":
                    guard literal("null") || timestamp() else { return false }
                case "causationId":
                    guard literal("null") || (literal("\"") && uuid() != nil && literal("\"")) else { return false }
                default:
                    guard skipValue(depth: 1) else { return false }
                }
                if literal(",") { continue }
                guard literal("}") else { return false }
                return required == 3
            }
        }

        mutating func plainOrEscapedString() -> Bool { peek == UInt8(ascii: "\"") && skipString(escapes: true) }

        /// A timestamp string (no escapes) that `Timestamp(rfc3339:)` reads.
        mutating func timestamp() -> Bool {
            guard let text = plainString() else { return false }
            return Timestamp(rfc3339: String(decoding: text, as: UTF8.self)) != nil
        }

        /// Whether `key` sorts strictly after `previous` byte by byte (so no two keys are equal).
        static func ascending(_ previous: UnsafeBufferPointer<UInt8>?, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
            guard let previous else { return true }
            let common = min(previous.count, key.count)
            if common > 0 {
                let order = memcmp(previous.baseAddress!, key.baseAddress!, common)
                if order != 0 { return order < 0 }
            }
            return previous.count < key.count
        }

        /// Skips one value, checking it; `depth` is the nesting it sits in.
        mutating func skipValue(depth: Int) -> Bool {
            guard let byte = peek else { return false }
            switch byte {
            case UInt8(ascii: "{"):
                guard depth < Reader.maxDepth else { return false }
                index += 1
                if literal("}") { return true }
                var previous: UnsafeBufferPointer<UInt8>?
                while true {
                    guard let key = plainString(), Reader.ascending(previous, key), literal(":"),
                        skipValue(depth: depth + 1)
                    else { return false }
                    previous = key
                    if literal(",") { continue }
                    return literal("}")
                }
            case UInt8(ascii: "["):
                guard depth < Reader.maxDepth else { return false }
                index += 1
                if literal("]") { return true }
                while true {
                    guard skipValue(depth: depth + 1) else { return false }
                    if literal(",") { continue }
                    return literal("]")
                }
            case UInt8(ascii: "\""):
                return skipString(escapes: true)
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            case UInt8(ascii: "-"):
                index += 1
                return natural() != nil
            default:
                return natural() != nil
            }
        }

        /// Skips a string from its opening quote: valid UTF-8, no raw control characters, valid escapes
        /// (when allowed) with surrogates in pairs.
        mutating func skipString(escapes: Bool) -> Bool {
            index += 1
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return true
                }
                if byte < 0x20 { return false }
                if byte == UInt8(ascii: "\\") {
                    guard escapes, escape() else { return false }
                    continue
                }
                if byte < 0x80 {
                    index += 1
                    continue
                }
                guard multibyte() else { return false }
            }
            return false
        }

        /// One escape from its backslash.
        mutating func escape() -> Bool {
            guard index + 1 < bytes.count else { return false }
            let kind = bytes[index + 1]
            index += 2
            switch kind {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                return true
            case UInt8(ascii: "u"):
                guard let code = hex4() else { return false }
                if (0xDC00...0xDFFF).contains(code) { return false }
                guard (0xD800...0xDBFF).contains(code) else { return true }
                guard literal("\\u"), let low = hex4() else { return false }
                return (0xDC00...0xDFFF).contains(low)
            default:
                return false
            }
        }

        mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: return nil
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        /// One well-formed UTF-8 sequence of two to four bytes (RFC 3629: no overlong forms, no
        /// surrogates, nothing above U+10FFFF).
        mutating func multibyte() -> Bool {
            let lead = bytes[index]
            func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
                index + offset < bytes.count && bytes[index + offset] >= low && bytes[index + offset] <= high
            }
            let length: Int
            switch lead {
            case 0xC2...0xDF:
                guard continuation(1) else { return false }
                length = 2
            case 0xE0:
                guard continuation(1, 0xA0), continuation(2) else { return false }
                length = 3
            case 0xE1...0xEC, 0xEE...0xEF:
                guard continuation(1), continuation(2) else { return false }
                length = 3
            case 0xED:
                guard continuation(1, 0x80, 0x9F), continuation(2) else { return false }
                length = 3
            case 0xF0:
                guard continuation(1, 0x90), continuation(2), continuation(3) else { return false }
                length = 4
            case 0xF1...0xF3:
                guard continuation(1), continuation(2), continuation(3) else { return false }
                length = 4
            case 0xF4:
                guard continuation(1, 0x80, 0x8F), continuation(2), continuation(3) else { return false }
                length = 4
            default:
                return false
            }
            index += length
            return true
        }
    }
}
