/// An ISO 3166-1 alpha-2 country code (officially assigned codes only).
public struct CountryCode: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The two ASCII letters, the first in the high byte (so that the integers sort as the codes do).
    private let letters: UInt16

    public init?(_ text: String) {
        guard text.utf8.count == 2, let index = CountryCode.index(text), CountryCode.isAssigned[index] else {
            return nil
        }
        letters = UInt16(index / 26 + 65) << 8 | UInt16(index % 26 + 65)
    }

    public var code: String {
        String(decoding: [UInt8(truncatingIfNeeded: letters >> 8), UInt8(truncatingIfNeeded: letters)], as: UTF8.self)
    }

    public var description: String { code }
    public static func < (lhs: CountryCode, rhs: CountryCode) -> Bool { lhs.letters < rhs.letters }

    /// `AA` = 0 ... `ZZ` = 675, as ``index(_:)`` numbers the text: for counting in an array.
    var ordinal: Int { (Int(letters >> 8) - 65) * 26 + Int(letters & 0xFF) - 65 }
    /// The code of an ordinal that an assigned code gave (``ordinal``).
    init(ordinal: Int) { letters = UInt16(ordinal / 26 + 65) << 8 | UInt16(ordinal % 26 + 65) }
    /// How many ordinals there are.
    static let ordinals = 26 * 26

    /// `AA` = 0 ... `ZZ` = 675 for two uppercase ASCII letters, else nil.
    private static func index(_ text: String) -> Int? {
        var index = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") else { return nil }
            index = index * 26 + Int(byte - UInt8(ascii: "A"))
        }
        return index
    }

    /// ``assigned`` by ``index(_:)``: a table instead of hashing the code.
    private static let isAssigned: [Bool] = {
        var table = [Bool](repeating: false, count: 26 * 26)
        for code in assigned { table[index(code)!] = true }
        return table
    }()

    static let assigned: Set<String> = Set(
        """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO
        FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE
        JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO
        MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
        PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM
        TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
}

/// An OKED section: the letter of the economic activity (F construction, A agriculture, B mining, ...).
public struct OKEDSection: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The ASCII letter.
    private let byte: UInt8

    public init?(_ text: String) {
        guard text.utf8.count == 1, let byte = text.utf8.first, byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "U")
        else { return nil }
        self.byte = byte
    }

    public var letter: String { String(UnicodeScalar(byte)) }
    public var description: String { letter }
    public static func < (lhs: OKEDSection, rhs: OKEDSection) -> Bool { lhs.byte < rhs.byte }

    /// `A` = 0 ... `U` = 20: for counting in an array.
    var ordinal: Int { Int(byte) - 65 }
    /// The section of an ordinal (``ordinal``).
    init(ordinal: Int) { byte = UInt8(ordinal + 65) }
    /// How many ordinals there are.
    static let ordinals = 21
}

/// A worker's keyed pseudonym: lowercase hex HMAC-SHA256 (64 characters), never raw identity.
public struct WorkerRef: Sendable, Hashable, CustomStringConvertible {
    /// The 32 bytes, as four big-endian words: hashed and compared as integers, not as 64 characters.
    private let words: (UInt64, UInt64, UInt64, UInt64)

    public init?(_ text: String) {
        var text = text
        guard let words = text.withUTF8({ WorkerRef.words(hex: $0) }) else { return nil }
        self.words = words
    }

    /// The four big-endian words of 64 lowercase hex digits, or nil.
    private static func words(hex: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64, UInt64, UInt64)? {
        guard hex.count == 64 else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        guard hex.accumulateHex(0..<16, into: &words.0, uppercase: false),
            hex.accumulateHex(16..<32, into: &words.1, uppercase: false),
            hex.accumulateHex(32..<48, into: &words.2, uppercase: false),
            hex.accumulateHex(48..<64, into: &words.3, uppercase: false)
        else { return nil }
        return words
    }

    /// The 64 lowercase hex digits.
    public var hex: String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for word in [words.0, words.1, words.2, words.3] {
            for shift in stride(from: 60, through: 0, by: -4) {
                let nibble = UInt8(truncatingIfNeeded: word >> UInt64(shift)) & 0x0F
                out.append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }

    /// The low bits of the pseudonym (an HMAC: as good as random), for spreading workers over shards.
    var lowBits: Int { Int(truncatingIfNeeded: words.3) }

    public static func == (lhs: WorkerRef, rhs: WorkerRef) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}
