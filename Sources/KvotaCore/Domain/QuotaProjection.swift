/// The quota picture of one year and line at a position of the log, as ministry staff and regional
/// offices look at it (contract, `GET /v1/quota/<year>/<line>`): every region listed.
public struct QuotaProjection: Sendable, Hashable {
    public struct RegionUsage: Sendable, Hashable {
        public var region: Region
        public var allocated: Int64
        public var inUse: Int64
        public var available: Int64 { allocated - inUse }
        /// Active permits by category (every category listed).
        public var byCategory: [PermitCategory: Int64]

        public init(region: Region, allocated: Int64, inUse: Int64, byCategory: [PermitCategory: Int64]) {
            self.region = region
            self.allocated = allocated
            self.inUse = inUse
            self.byCategory = byCategory
        }
    }

    public var key: QuotaKey
    /// The last position the projection includes (-1: none).
    public var position: Int64
    public var ceiling: Int64
    public var allocated: Int64
    public var inUse: Int64
    public var regions: [RegionUsage]
    /// National active permits by country of origin, OKED section and category.
    public var byCountry: [String: Int64]
    public var bySector: [String: Int64]
    public var byCategory: [PermitCategory: Int64]

    public init(
        key: QuotaKey, position: Int64, ceiling: Int64, allocated: Int64, inUse: Int64, regions: [RegionUsage],
        byCountry: [String: Int64], bySector: [String: Int64], byCategory: [PermitCategory: Int64]
    ) {
        self.key = key
        self.position = position
        self.ceiling = ceiling
        self.allocated = allocated
        self.inUse = inUse
        self.regions = regions
        self.byCountry = byCountry
        self.bySector = bySector
        self.byCategory = byCategory
    }

    /// The projection of a book (replays, snapshots).
    public init(key: QuotaKey, book: QuotaBook, position: Int64) {
        self.init(key: key, book: book, breakdown: book.breakdown, position: position)
    }

    /// The projection of a book's ceiling and allocations with a breakdown of active permits (the
    /// inline tables hold exactly these); a book's own usage is ignored.
    public init(key: QuotaKey, book: QuotaBook, breakdown: QuotaBreakdown, position: Int64) {
        self.key = key
        self.position = position
        ceiling = book.ceilingUnits
        allocated = book.allocated
        inUse = book.totalInUse
        var national: [PermitCategory: Int64] = Dictionary(
            uniqueKeysWithValues: PermitCategory.allCases.map { ($0, 0) })
        for (cell, count) in breakdown.regionCategories { national[cell.category, default: 0] += count }
        regions = Region.allCases.map { region in
            var byCategory: [PermitCategory: Int64] = [:]
            for category in PermitCategory.allCases {
                byCategory[category] =
                    breakdown.regionCategories[RegionCategory(region: region, category: category)] ?? 0
            }
            return RegionUsage(
                region: region, allocated: book.allocation(region), inUse: book.used(region), byCategory: byCategory)
        }
        byCountry = breakdown.countries
        bySector = breakdown.sectors
        byCategory = national
    }

    /// The contract's JSON shape.
    public var json: JSONValue {
        func counts<K>(_ map: [K: Int64], _ name: (K) -> String) -> JSONValue {
            .object(JSONObject(map.map { JSONObject.Member(name($0.key), .int($0.value)) }))
        }
        return .object([
            "year": .int(key.year), "line": .string(key.line.rawValue), "position": .int(position),
            "ceiling": .int(ceiling), "allocated": .int(allocated), "inUse": .int(inUse),
            "regions": .array(
                regions.map { usage in
                    .object([
                        "region": .string(usage.region.rawValue), "name": .string(usage.region.name),
                        "allocated": .int(usage.allocated), "inUse": .int(usage.inUse),
                        "available": .int(usage.available),
                        "byCategory": counts(usage.byCategory, \.rawValue),
                    ])
                }),
            "byCategory": counts(byCategory, \.rawValue), "byCountry": counts(byCountry, { $0 }),
            "bySector": counts(bySector, { $0 }),
        ])
    }
}

/// A region and a permit category.
public struct RegionCategory: Sendable, Hashable, Comparable {
    public var region: Region
    public var category: PermitCategory

    public init(region: Region, category: PermitCategory) {
        self.region = region
        self.category = category
    }

    public static func < (lhs: RegionCategory, rhs: RegionCategory) -> Bool {
        (lhs.region, lhs.category) < (rhs.region, rhs.category)
    }
}

/// Active permits by region and category, and nationally by country of origin and by OKED section
/// (no zero entries): what the inline projection tables hold.
public struct QuotaBreakdown: Sendable, Hashable {
    public var regionCategories: [RegionCategory: Int64] = [:]
    public var countries: [String: Int64] = [:]
    public var sectors: [String: Int64] = [:]

    public init() {}
}

extension QuotaBook {
    /// The book's usage summed into the projection's breakdowns.
    /// Counted in arrays by the codes' ordinals, then named once per code: hashing three keys for every
    /// usage cell was most of the time of the projection writer, which asks at every append.
    public var breakdown: QuotaBreakdown {
        let categories = PermitCategory.allCases.count
        var regionCategories = [Int64](repeating: 0, count: Region.allCases.count * categories)
        var countries = [Int64](repeating: 0, count: CountryCode.ordinals)
        var sectors = [Int64](repeating: 0, count: OKEDSection.ordinals)
        for (usage, count) in usage where count > 0 {
            regionCategories[usage.region.ordinal * categories + usage.category.ordinal] += count
            countries[usage.country.ordinal] += count
            sectors[usage.sector.ordinal] += count
        }
        var breakdown = QuotaBreakdown()
        for (index, count) in regionCategories.enumerated() where count > 0 {
            let cell = RegionCategory(
                region: Region.allCases[index / categories],
                category: PermitCategory.allCases[index % categories])
            breakdown.regionCategories[cell] = count
        }
        for (ordinal, count) in countries.enumerated() where count > 0 {
            breakdown.countries[CountryCode(ordinal: ordinal).code] = count
        }
        for (ordinal, count) in sectors.enumerated() where count > 0 {
            breakdown.sectors[OKEDSection(ordinal: ordinal).letter] = count
        }
        return breakdown
    }
}
