public import Foundation

extension UUID {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// The canonical text form: lowercase, hyphenated (`3f2a...-...`).
    public var lowercased: String {
        var out = [UInt8]()
        out.reserveCapacity(36)
        writeLowercased(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the canonical text form's bytes.
    public func writeLowercased(to out: inout [UInt8]) {
        withUnsafeBytes(of: uuid) { bytes in
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 { out.append(UInt8(ascii: "-")) }
                out.append(UUID.hex[Int(bytes[index] >> 4)])
                out.append(UUID.hex[Int(bytes[index] & 0x0F)])
            }
        }
    }

    /// The 16 bytes of the UUID (PostgreSQL's binary `uuid`).
    public var bytes: [UInt8] { withUnsafeBytes(of: uuid) { Array($0) } }

    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        let b = Array(bytes)
        self.init(
            uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15])
        )
    }

    /// Parses `8-4-4-4-12` hex (either case) without Foundation's general parser.
    public init?(text: some StringProtocol) {
        if let id = text.utf8.withContiguousStorageIfAvailable({ UUID(utf8: $0) }) {
            guard let id else { return nil }
            self = id
            return
        }
        guard let id = UUID(utf8: text.utf8) else { return nil }
        self = id
    }

    /// Parses `8-4-4-4-12` hex (either case) from UTF-8 code units.
    init?(utf8 units: some Sequence<UInt8>) {
        if let parsed = units.withContiguousStorageIfAvailable(UUID.parse) {
            guard let parsed else { return nil }
            self = parsed
            return
        }
        var bytes: (UInt64, UInt64) = (0, 0)
        var nibbles = 0
        var position = 0
        for unit in units {
            defer { position += 1 }
            if position == 8 || position == 13 || position == 18 || position == 23 {
                guard unit == UInt8(ascii: "-") else { return nil }
                continue
            }
            let nibble: UInt64
            switch unit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = UInt64(unit - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = UInt64(unit - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = UInt64(unit - UInt8(ascii: "A") + 10)
            default: return nil
            }
            guard nibbles < 32 else { return nil }
            if nibbles < 16 { bytes.0 = bytes.0 << 4 | nibble } else { bytes.1 = bytes.1 << 4 | nibble }
            nibbles += 1
        }
        guard position == 36, nibbles == 32 else { return nil }
        let (high, low) = (bytes.0.bigEndian, bytes.1.bigEndian)
        var value = uuid_t(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &value) { raw in
            raw.storeBytes(of: high, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: low, toByteOffset: 8, as: UInt64.self)
        }
        self.init(uuid: value)
    }

    /// `8-4-4-4-12` hex (either case) at fixed offsets: the hyphens checked, the 32 digits read
    /// by ``UnsafeBufferPointer/accumulateHex(_:into:uppercase:)``.
    private static func parse(_ text: UnsafeBufferPointer<UInt8>) -> UUID? {
        let hyphen = UInt8(ascii: "-")
        guard text.count == 36, text[8] == hyphen, text[13] == hyphen, text[18] == hyphen, text[23] == hyphen
        else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        guard text.accumulateHex(0..<8, into: &high, uppercase: true),
            text.accumulateHex(9..<13, into: &high, uppercase: true),
            text.accumulateHex(14..<18, into: &high, uppercase: true),
            text.accumulateHex(19..<23, into: &low, uppercase: true),
            text.accumulateHex(24..<36, into: &low, uppercase: true)
        else { return nil }
        var value = uuid_t(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &value) { raw in
            raw.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        return UUID(uuid: value)
    }
}
