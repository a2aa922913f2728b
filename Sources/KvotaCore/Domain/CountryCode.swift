/// An ISO 3166-1 alpha-2 country code (officially assigned codes only).
public struct CountryCode: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let code: String

    public init?(_ text: String) {
        guard text.utf8.count == 2, CountryCode.assigned.contains(text) else { return nil }
        code = text
    }

    public var description: String { code }
    public static func < (lhs: CountryCode, rhs: CountryCode) -> Bool { lhs.code < rhs.code }

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
    public let letter: String

    public init?(_ text: String) {
        guard text.utf8.count == 1, let byte = text.utf8.first, byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "U")
        else { return nil }
        letter = text
    }

    public var description: String { letter }
    public static func < (lhs: OKEDSection, rhs: OKEDSection) -> Bool { lhs.letter < rhs.letter }
}

/// A worker's keyed pseudonym: lowercase hex HMAC-SHA256 (64 characters), never raw identity.
public struct WorkerRef: Sendable, Hashable, CustomStringConvertible {
    public let hex: String

    public init?(_ text: String) {
        guard text.utf8.count == 64,
            text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) })
        else { return nil }
        hex = text
    }

    public var description: String { hex }
}
