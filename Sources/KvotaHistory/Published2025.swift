public import KvotaCore

/// The published 2025 figures the generated history reproduces (see `domain.md`): the ceilings of
/// both lines and the breakdown of permits active on 1 December 2025.
public enum Published2025 {
    /// 2025-12-01 00:00 in Almaty: the snapshot is the state after the last event recorded by then.
    public static let snapshot = Timestamp(rfc3339: "2025-11-30T19:00:00Z")!
    /// 2025-11-01 00:00 in Almaty (the "31 Oct 2025" report).
    public static let october31 = Timestamp(rfc3339: "2025-10-31T19:00:00Z")!

    /// The `foreign-labour` ceilings of 2025, in the order they were set.
    public static let foreignLabourCeilings: [Int64] = [14_800, 16_500, 19_400, 16_700]
    /// The `household-immigrant` ceiling of 2025 (2.9% of the labour force).
    public static let householdCeiling: Int64 = 237_800

    /// Active `foreign-labour` permits on 1 Dec 2025 by category (they sum to ``activeTotal``).
    public static let activeByCategory: [PermitCategory: Int] = [
        .cat1: 537, .cat2: 2_244, .cat3: 3_784, .cat4: 1_271, .seasonal: 2_299, .ict: 3_970,
    ]
    /// All active permits on 1 Dec 2025 (the sum of the category figures).
    public static let activeTotal = 14_105
    /// The four countries of origin the report names (the rest spread over other countries).
    public static let activeByCountry: [String: Int] = ["CN": 5_604, "UZ": 2_110, "TR": 1_036, "IN": 943]
    /// The four OKED sections the report names (the rest spread over other sections).
    public static let activeBySector: [String: Int] = ["F": 4_993, "A": 2_316, "B": 1_235, "C": 1_155]
    /// Employers with at least one active permit on 1 Dec 2025.
    public static let activeEmployers = 1_817

    // MARK: Full splits used by the generator (named figures first, then the rest)

    static let categories: [(PermitCategory, Int)] = [
        (.cat1, 537), (.cat2, 2_244), (.cat3, 3_784), (.cat4, 1_271), (.seasonal, 2_299), (.ict, 3_970),
    ]

    /// Countries of origin: the four published, then 4,412 others.
    static let countries: [(String, Int)] = [
        ("CN", 5_604), ("UZ", 2_110), ("TR", 1_036), ("IN", 943),
        ("RU", 1_100), ("KG", 600), ("TJ", 450), ("KR", 380), ("BY", 280), ("AZ", 240), ("UA", 230), ("DE", 190),
        ("GB", 170), ("US", 160), ("IT", 120), ("PK", 110), ("VN", 100), ("TM", 90), ("FR", 80), ("PH", 62),
        ("GE", 50),
    ]

    /// OKED sections: the four published, then 4,406 others.
    static let sectors: [(String, Int)] = [
        ("F", 4_993), ("A", 2_316), ("B", 1_235), ("C", 1_155),
        ("G", 900), ("M", 700), ("H", 620), ("J", 560), ("N", 480), ("D", 420), ("I", 226), ("K", 200), ("E", 180),
        ("Q", 120),
    ]
}
