/// Rules for stream names and event types, and the region a stream belongs to.
public enum StreamName {
    /// Longest stream name, in bytes.
    public static let maxLength = 200

    /// A stream name is `<category>-<id>`: a lowercase category, a hyphen, then letters, digits and hyphens.
    public static func validate(_ stream: String) throws(EnvelopeError) {
        let bytes = Array(stream.utf8)
        guard !bytes.isEmpty, bytes.count <= maxLength else {
            throw EnvelopeError(field: "stream", message: "must be 1 to \(maxLength) characters")
        }
        guard let hyphen = bytes.firstIndex(of: UInt8(ascii: "-")), hyphen > 0, hyphen < bytes.count - 1,
            bytes[..<hyphen].allSatisfy({ $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }),
            bytes[(hyphen + 1)...].allSatisfy({ isIdentifierByte($0) })
        else {
            throw EnvelopeError(
                field: "stream",
                message: "must be <category>-<id>: lowercase letters, '-', then letters, digits and '-'"
            )
        }
    }

    /// The part before the first hyphen (`permit` for `permit-3f2a...`).
    public static func category(of stream: String) -> Substring {
        stream.split(separator: "-", maxSplits: 1).first ?? Substring(stream)
    }

    /// Event types are UpperCamelCase names of at most 64 letters and digits.
    public static func validateType(_ type: String) throws(EnvelopeError) {
        let bytes = Array(type.utf8)
        guard (1...64).contains(bytes.count), bytes[0] >= UInt8(ascii: "A"), bytes[0] <= UInt8(ascii: "Z"),
            bytes.allSatisfy({ isAlphanumeric($0) })
        else { throw EnvelopeError(field: "type", message: "must be 1 to 64 letters and digits, starting uppercase") }
    }

    /// The region whose tokens may read the stream: for `application-` and `permit-` streams, the
    /// `data.region` of the stream's first event; nil (visible to every region) for all others.
    public static func scopeRegion(stream: String, firstEventData data: JSONValue) -> String? {
        switch category(of: stream) {
        case "application", "permit": return data["region"]?.stringValue
        default: return nil
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == UInt8(ascii: "-") }
}
