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

    /// The projection of a book; the inline tables, a rebuild and a replay all come through here.
    public init(key: QuotaKey, book: QuotaBook, position: Int64) {
        self.key = key
        self.position = position
        ceiling = book.ceilingUnits
        allocated = book.allocated
        inUse = book.totalInUse
        var categories: [Region: [PermitCategory: Int64]] = [:]
        var countries: [String: Int64] = [:]
        var sectors: [String: Int64] = [:]
        var national: [PermitCategory: Int64] = Dictionary(
            uniqueKeysWithValues: PermitCategory.allCases.map { ($0, 0) })
        for (usage, count) in book.usage {
            categories[usage.region, default: [:]][usage.category, default: 0] += count
            countries[usage.country.code, default: 0] += count
            sectors[usage.sector.letter, default: 0] += count
            national[usage.category, default: 0] += count
        }
        regions = Region.allCases.map { region in
            var byCategory = categories[region] ?? [:]
            for category in PermitCategory.allCases where byCategory[category] == nil { byCategory[category] = 0 }
            return RegionUsage(
                region: region, allocated: book.allocation(region), inUse: book.used(region), byCategory: byCategory)
        }
        byCountry = countries
        bySector = sectors
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
