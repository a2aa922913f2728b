/// The 20 regions of Kazakhstan that hold a share of the quota (ISO 3166-2:KZ).
public enum Region: String, Sendable, Hashable, CaseIterable, Comparable {
    case abai = "KZ-10"
    case akmola = "KZ-11"
    case aktobe = "KZ-15"
    case almatyRegion = "KZ-19"
    case atyrau = "KZ-23"
    case westKazakhstan = "KZ-27"
    case zhambyl = "KZ-31"
    case zhetysu = "KZ-33"
    case karaganda = "KZ-35"
    case kostanay = "KZ-39"
    case kyzylorda = "KZ-43"
    case mangystau = "KZ-47"
    case pavlodar = "KZ-55"
    case northKazakhstan = "KZ-59"
    case turkistan = "KZ-61"
    case ulytau = "KZ-62"
    case eastKazakhstan = "KZ-63"
    case astana = "KZ-71"
    case almaty = "KZ-75"
    case shymkent = "KZ-79"

    public var code: String { rawValue }

    /// The region of a code, as `init(rawValue:)` reads it, without comparing the text to each code.
    public init?(code text: String) {
        guard let region = Region.parse(text) else { return nil }
        self = region
    }

    private static func parse(_ text: String) -> Region? {
        var number = 0
        var count = 0
        for byte in text.utf8 {
            switch count {
            case 0: guard byte == UInt8(ascii: "K") else { return general(text) }
            case 1: guard byte == UInt8(ascii: "Z") else { return general(text) }
            case 2: guard byte == UInt8(ascii: "-") else { return general(text) }
            case 3, 4:
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return general(text) }
                number = number * 10 + Int(byte - UInt8(ascii: "0"))
            default: return general(text)
            }
            count += 1
        }
        guard count == 5, let region = byNumber[number] else { return general(text) }
        return region
    }

    /// Text that is not `KZ-` and two digits: compared as Swift compares strings (canonical
    /// equivalence), as `init(rawValue:)` does.
    private static func general(_ text: String) -> Region? {
        text.utf8.allSatisfy({ $0 < 0x80 }) ? nil : Region(rawValue: text)
    }

    /// Regions by the number of their code (`KZ-75`: 75).
    private static let byNumber: [Region?] = {
        var table = [Region?](repeating: nil, count: 100)
        for region in Region.allCases { table[Int(region.rawValue.dropFirst(3))!] = region }
        return table
    }()

    /// The position in `allCases`: hashing by it (instead of the raw value's text) keeps the maps keyed by region cheap.
    var ordinal: Int {
        switch self {
        case .abai: return 0
        case .akmola: return 1
        case .aktobe: return 2
        case .almatyRegion: return 3
        case .atyrau: return 4
        case .westKazakhstan: return 5
        case .zhambyl: return 6
        case .zhetysu: return 7
        case .karaganda: return 8
        case .kostanay: return 9
        case .kyzylorda: return 10
        case .mangystau: return 11
        case .pavlodar: return 12
        case .northKazakhstan: return 13
        case .turkistan: return 14
        case .ulytau: return 15
        case .eastKazakhstan: return 16
        case .astana: return 17
        case .almaty: return 18
        case .shymkent: return 19
        }
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
    public static func == (lhs: Region, rhs: Region) -> Bool { lhs.ordinal == rhs.ordinal }

    public var name: String {
        switch self {
        case .abai: return "Abai"
        case .akmola: return "Akmola"
        case .aktobe: return "Aktobe"
        case .almatyRegion: return "Almaty Region"
        case .atyrau: return "Atyrau"
        case .westKazakhstan: return "West Kazakhstan"
        case .zhambyl: return "Zhambyl"
        case .zhetysu: return "Zhetysu"
        case .karaganda: return "Karaganda"
        case .kostanay: return "Kostanay"
        case .kyzylorda: return "Kyzylorda"
        case .mangystau: return "Mangystau"
        case .pavlodar: return "Pavlodar"
        case .northKazakhstan: return "North Kazakhstan"
        case .turkistan: return "Turkistan"
        case .ulytau: return "Ulytau"
        case .eastKazakhstan: return "East Kazakhstan"
        case .astana: return "Astana"
        case .almaty: return "Almaty"
        case .shymkent: return "Shymkent"
        }
    }

    public static func < (lhs: Region, rhs: Region) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The two quota lines.
public enum QuotaLine: String, Sendable, Hashable, CaseIterable {
    /// Permits issued by regional bodies to employers: the main line.
    case foreignLabour = "foreign-labour"
    /// Labour immigrants hired by households: ceiling and allocations only.
    case householdImmigrant = "household-immigrant"

    // By case, not by the raw value's text (the default for a raw-value enum): books are keyed by line.
    public func hash(into hasher: inout Hasher) { hasher.combine(self == .foreignLabour) }
    public static func == (lhs: QuotaLine, rhs: QuotaLine) -> Bool {
        switch (lhs, rhs) {
        case (.foreignLabour, .foreignLabour), (.householdImmigrant, .householdImmigrant): return true
        default: return false
        }
    }
}

/// Permit categories; all count against the `foreign-labour` line.
public enum PermitCategory: String, Sendable, Hashable, CaseIterable, Comparable {
    case cat1, cat2, cat3, cat4, seasonal, ict

    /// The position in `allCases`.
    var ordinal: Int {
        switch self {
        case .cat1: return 0
        case .cat2: return 1
        case .cat3: return 2
        case .cat4: return 3
        case .seasonal: return 4
        case .ict: return 5
        }
    }

    // By case, not by the raw value's text (the default for a raw-value enum): usage is keyed by category.
    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }
    public static func == (lhs: PermitCategory, rhs: PermitCategory) -> Bool { lhs.ordinal == rhs.ordinal }

    public static func < (lhs: PermitCategory, rhs: PermitCategory) -> Bool {
        lhs.ordinal < rhs.ordinal
    }
}

/// The two `cat1` positions an employer may fill with a foreign worker.
public enum Cat1Role: String, Sendable, Hashable, CaseIterable {
    case firstHead = "first-head"
    case deputy
}
