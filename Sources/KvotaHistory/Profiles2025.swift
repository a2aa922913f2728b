import KvotaCore

/// Plausible structure behind the published totals: which sectors hire which categories, where
/// workers come from, where employers sit, and how big they are. Weights only: the exact figures
/// come from ``Published2025``.
enum Profiles2025 {
    static let sectorLetters = Published2025.sectors.map(\.0)
    static let countryCodes = Published2025.countries.map(\.0)

    /// Category (rows, in ``Published2025/categories`` order) by sector (columns, F A B C G M H J N D I K E Q).
    static let categoryBySector: [[Double]] = [
        [3, 0.5, 2, 2, 3, 3, 1.5, 3, 2, 1, 1, 3, 0.5, 1],  // cat1
        [3, 0.5, 2, 2, 2, 2, 1.5, 2, 1.5, 1.5, 1.5, 2, 1, 1],  // cat2
        [3, 0.5, 2, 2, 1, 3, 1.5, 2.5, 1.5, 2, 1, 1.5, 1.5, 2],  // cat3
        [3, 0.6, 1.5, 2, 0.5, 0.3, 1.5, 0.2, 1, 1.5, 1.5, 0.1, 1, 0.5],  // cat4
        [0.4, 10, 0.05, 0.1, 0.3, 0.01, 0.2, 0.01, 0.2, 0.01, 1, 0.01, 0.1, 0.01],  // seasonal
        [2.5, 0.1, 3, 2.5, 1, 1, 1, 1.5, 0.8, 1.5, 0.3, 0.5, 0.5, 0.2],  // ict
    ]

    /// Country of origin by category (cat1, cat2, cat3, cat4, seasonal, ict).
    static let countryByCategory: [String: [Double]] = [
        "CN": [1, 1, 1, 1.3, 0.15, 1.6], "UZ": [0.4, 0.6, 0.8, 1.3, 3, 0.3], "TR": [1, 1.2, 1, 1.2, 0.3, 0.8],
        "IN": [0.8, 1, 1.5, 0.8, 0.1, 1.3], "RU": [1.5, 1.3, 1.1, 0.8, 0.3, 0.9], "KG": [0.3, 0.5, 0.7, 1.4, 2.5, 0.2],
        "TJ": [0.2, 0.4, 0.6, 1.4, 2.5, 0.2], "KR": [1.2, 1, 1, 0.6, 0.1, 1.5], "BY": [1, 1, 1.2, 1, 0.2, 0.7],
        "AZ": [1, 1, 1, 1, 0.6, 0.8], "UA": [0.8, 1, 1.2, 1, 0.3, 0.6], "DE": [2, 1.5, 1.4, 0.3, 0.05, 1.5],
        "GB": [2.2, 1.5, 1.4, 0.2, 0.02, 1.6], "US": [2.2, 1.5, 1.4, 0.2, 0.02, 1.6],
        "IT": [2, 1.5, 1.3, 0.4, 0.05, 1.5],
        "PK": [0.5, 0.6, 1, 1.3, 1, 0.5], "VN": [0.4, 0.5, 0.8, 1.3, 1.2, 0.5], "TM": [0.3, 0.5, 0.8, 1.2, 2, 0.3],
        "FR": [2, 1.5, 1.4, 0.3, 0.05, 1.5], "PH": [0.4, 0.6, 1, 1.2, 0.6, 0.6], "GE": [1, 1, 1, 1, 0.6, 0.7],
    ]

    /// Country of origin by sector: a default and the sectors that differ from it.
    static let countryBySector: [String: (Double, [String: Double])] = [
        "CN": (0.8, ["F": 1.6, "A": 0.3, "B": 1.3, "C": 1.4, "D": 1.5, "E": 1.2, "I": 0.6, "K": 0.5, "Q": 0.4]),
        "UZ": (0.8, ["F": 1.1, "A": 2.0, "B": 0.6, "G": 1.1, "I": 1.4, "N": 1.0, "H": 1.0, "K": 0.4]),
        "TR": (0.9, ["F": 1.5, "A": 0.3, "B": 0.7, "G": 1.3, "I": 1.8, "C": 1.0]),
        "IN": (0.9, ["F": 0.6, "A": 0.2, "B": 1.1, "C": 1.1, "M": 1.5, "J": 2.2, "K": 1.5, "Q": 1.8, "H": 0.6]),
        "RU": (1.0, ["A": 0.6, "J": 1.3, "K": 1.3, "Q": 1.3]),
        "KG": (0.7, ["F": 1.2, "A": 1.8, "G": 1.2, "I": 1.2]),
        "TJ": (0.6, ["F": 1.3, "A": 1.8, "G": 1.0, "I": 1.0]),
        "KR": (0.7, ["C": 1.6, "J": 1.3, "B": 1.0, "F": 0.9, "G": 1.0, "M": 1.0, "A": 0.3]),
        "BY": (0.9, ["C": 1.4, "D": 1.2, "A": 0.5]),
        "AZ": (0.8, ["B": 1.3, "G": 1.2, "F": 1.0, "H": 1.0, "A": 0.5]),
        "UA": (0.9, ["C": 1.2, "J": 1.2, "A": 0.5]),
        "DE": (0.8, ["B": 1.4, "M": 1.6, "K": 1.4, "J": 1.2, "C": 1.3, "D": 1.1, "A": 0.2]),
        "GB": (0.8, ["B": 1.8, "M": 1.6, "K": 1.5, "J": 1.2, "A": 0.2]),
        "US": (0.8, ["B": 1.8, "M": 1.6, "K": 1.4, "J": 1.4, "A": 0.2]),
        "IT": (0.8, ["B": 1.6, "F": 1.2, "C": 1.1, "A": 0.2]),
        "PK": (0.8, ["F": 1.2, "A": 1.0, "G": 1.0]),
        "VN": (0.8, ["A": 1.3, "C": 1.1, "F": 1.0]),
        "TM": (0.8, ["A": 1.5, "F": 1.3]),
        "FR": (0.8, ["B": 1.5, "M": 1.5, "K": 1.3, "C": 1.1, "A": 0.2]),
        "PH": (0.7, ["H": 1.0, "I": 1.5, "N": 1.3, "Q": 1.5, "A": 0.8]),
        "GE": (0.8, ["F": 1.0, "G": 1.2, "I": 1.3]),
    ]

    static func countryWeight(_ country: String, category: Int, sector: String) -> Double {
        let (base, overrides) = countryBySector[country]!
        return countryByCategory[country]![category] * (overrides[sector] ?? base)
    }

    /// Planned shares of the `foreign-labour` allocation (the oil regions and the three cities first).
    static let regionShare: [Region: Double] = [
        .atyrau: 15, .almaty: 12, .astana: 11, .mangystau: 9, .shymkent: 6, .karaganda: 6, .aktobe: 6,
        .westKazakhstan: 7, .turkistan: 3.5, .almatyRegion: 3.5, .pavlodar: 3, .eastKazakhstan: 2.5, .zhambyl: 2.5,
        .kyzylorda: 2.5, .akmola: 2.5, .kostanay: 2, .abai: 2, .zhetysu: 2, .northKazakhstan: 1.5, .ulytau: 1.5,
    ]

    /// Shares of the `household-immigrant` allocation (the south and the cities).
    static let householdShare: [Region: Double] = [
        .turkistan: 16, .almatyRegion: 14, .shymkent: 12, .almaty: 12, .zhambyl: 8, .astana: 7, .zhetysu: 5,
        .kyzylorda: 4, .mangystau: 3, .atyrau: 3, .aktobe: 2.5, .karaganda: 2.5, .westKazakhstan: 2, .akmola: 2,
        .kostanay: 1.5, .pavlodar: 1.5, .eastKazakhstan: 1.5, .abai: 1, .northKazakhstan: 1, .ulytau: 0.5,
    ]

    /// How strongly a sector's employers sit in a region, on top of the region's share.
    static func regionAffinity(_ region: Region, sector: String) -> Double {
        switch sector {
        case "A":
            let farming: [Region: Double] = [
                .turkistan: 8, .almatyRegion: 8, .zhambyl: 6, .zhetysu: 6, .kyzylorda: 3, .kostanay: 4, .akmola: 4,
                .northKazakhstan: 5, .shymkent: 2, .atyrau: 0.1, .mangystau: 0.1, .almaty: 0.1, .astana: 0.1,
            ]
            return farming[region] ?? 0.6
        case "B":
            let mining: [Region: Double] = [
                .atyrau: 3, .mangystau: 3, .westKazakhstan: 3, .aktobe: 2, .karaganda: 2, .ulytau: 5, .pavlodar: 1.5,
                .eastKazakhstan: 2.5, .kyzylorda: 2.5, .abai: 2, .kostanay: 1.5, .almaty: 0.2, .astana: 0.2,
                .shymkent: 0.2,
            ]
            return mining[region] ?? 0.4
        case "F":
            let building: [Region: Double] = [
                .atyrau: 1.5, .astana: 1.5, .almaty: 1.3, .mangystau: 1.2, .westKazakhstan: 1.3,
            ]
            return building[region] ?? 1
        case "C", "D", "E":
            let industry: [Region: Double] = [
                .karaganda: 1.8, .pavlodar: 2.2, .eastKazakhstan: 1.6, .aktobe: 1.3, .almaty: 1.2, .shymkent: 1.3,
                .kostanay: 1.3,
            ]
            return industry[region] ?? 0.9
        case "H":
            let transport: [Region: Double] = [.atyrau: 1.3, .aktobe: 1.3, .westKazakhstan: 1.2, .almaty: 1.3]
            return transport[region] ?? 1
        case "I":
            let hospitality: [Region: Double] = [.almaty: 2, .astana: 2, .almatyRegion: 1.5, .shymkent: 1.2]
            return hospitality[region] ?? 0.7
        default:
            let services: [Region: Double] = [.almaty: 3, .astana: 3, .shymkent: 1.5, .atyrau: 1.2]
            return services[region] ?? 0.5
        }
    }

    /// Average active permits per employer, by sector (big contractors, farms and mines hire many).
    static let averageWorkforce: [String: Double] = [
        "F": 12, "A": 10, "B": 12, "C": 6, "G": 4, "M": 3, "H": 5, "J": 3, "N": 4, "D": 6, "I": 3, "K": 2.5, "E": 4,
        "Q": 2.5,
    ]

    /// The largest application (workers) and the mean size of one, by category.
    static func applicationSize(_ category: PermitCategory) -> (mean: Double, max: Int) {
        switch category {
        case .cat1: return (1, 1)
        case .cat2: return (1.6, 4)
        case .cat3: return (2.5, 8)
        case .cat4: return (5, 20)
        case .seasonal: return (9, 40)
        case .ict: return (3, 12)
        }
    }

    /// Months (January ... November) in which applications behind active permits were served.
    static func issueMonthWeights(_ category: PermitCategory) -> [Double] {
        switch category {
        case .seasonal: return [0.5, 3, 10, 16, 13, 8, 6, 15, 12, 8, 2.5]
        case .ict: return [9, 9, 11, 11, 10, 9, 8, 8, 9, 8, 2.5]
        default: return [8, 9, 12, 12, 11, 9, 8, 8, 9, 8, 2.5]
        }
    }

    static let firstHeadTitles = [
        "General Director", "Chairman of the Management Board", "Director", "Managing Director",
    ]
    static let deputyTitles = [
        "Deputy General Director for Production", "Deputy General Director for Finance",
        "Deputy General Director for Construction", "Deputy General Director for Commercial Affairs",
        "Deputy General Director for Engineering", "Deputy General Director for HSE",
        "Deputy General Director for Operations", "Deputy General Director for Legal Affairs",
        "Deputy Chairman of the Management Board", "Deputy General Director for Information Technology",
    ]

    static let revocationReasons = [
        "employment contract terminated early by agreement of the parties",
        "the worker left Kazakhstan before the end of the permit",
        "employer's request: the project phase was completed",
        "the worker moved to another employer",
        "breach of the permit's conditions found by the labour inspection",
        "the worker's residence permit was cancelled by the migration service",
    ]

    static let rejectionReasons = [
        "the vacancy was posted on enbek.kz for less than the required period",
        "the share of citizens in the employer's staff is below the required level",
        "documents confirming the foreign specialist's qualification are incomplete",
        "the position is not in the list of professions for this category",
        "the employer did not show a search for candidates among citizens",
    ]
}
