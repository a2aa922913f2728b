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
}

/// Permit categories; all count against the `foreign-labour` line.
public enum PermitCategory: String, Sendable, Hashable, CaseIterable, Comparable {
    case cat1, cat2, cat3, cat4, seasonal, ict

    public static func < (lhs: PermitCategory, rhs: PermitCategory) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The two `cat1` positions an employer may fill with a foreign worker.
public enum Cat1Role: String, Sendable, Hashable, CaseIterable {
    case firstHead = "first-head"
    case deputy
}
