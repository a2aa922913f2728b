import Foundation

/// Standard base64 (RFC 4648 section 4), decoded strictly: the text must be exactly what encoding
/// the bytes gives back, so a signature or root hash has one spelling and cannot be varied.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        guard let data = Data(base64Encoded: String(text)) else { return nil }
        let bytes = [UInt8](data)
        guard encode(bytes) == text else { return nil }
        return bytes
    }
}
