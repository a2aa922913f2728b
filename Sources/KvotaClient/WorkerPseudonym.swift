import Crypto
import Foundation

/// The contract's keyed worker pseudonym: lowercase hex HMAC-SHA256(key, `<ISO country>:<document
/// number uppercased, spaces and dashes removed>`). Raw identity never reaches the journal.
public enum WorkerPseudonym {
    /// The pseudonym of a document given as `CC:NUMBER` (the ISO country of the document, a colon,
    /// its number); nil when it is not of that form.
    public static func ref(document: String, key: [UInt8]) -> String? {
        let parts = document.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let country = parts[0].trimmingCharacters(in: .whitespaces).uppercased()
        let number = parts[1].uppercased().filter { $0 != " " && $0 != "-" }
        guard country.count == 2, country.allSatisfy({ $0.isASCII && $0.isLetter }), !number.isEmpty else {
            return nil
        }
        return ref(country: country, number: number, key: key)
    }

    /// The pseudonym of a document number issued by `country` (ISO 3166-1 alpha-2).
    public static func ref(country: String, number: String, key: [UInt8]) -> String {
        let normalized = country.uppercased() + ":" + number.uppercased().filter { $0 != " " && $0 != "-" }
        let mac = HMAC<SHA256>.authenticationCode(for: Array(normalized.utf8), using: SymmetricKey(data: key))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// The key from a profile's hex.
    public static func key(hex: String) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
