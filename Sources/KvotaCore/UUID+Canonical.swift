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
        self.init(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}
