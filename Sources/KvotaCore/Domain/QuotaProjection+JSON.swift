/// Reading the contract's JSON shape back (a client's cached `GET /v1/quota/<year>/<line>`).
extension QuotaProjection {
    public init(json: JSONValue) throws(EnvelopeError) {
        func fail(_ field: String) -> EnvelopeError {
            EnvelopeError(field: field, message: "a quota projection has \(field) of the contract's shape")
        }
        guard let year = json["year"]?.intValue else { throw fail("year") }
        guard let lineName = json["line"]?.stringValue, let line = QuotaLine(rawValue: lineName) else {
            throw fail("line")
        }
        func categories(_ value: JSONValue?) -> [PermitCategory: Int64] {
            var counts: [PermitCategory: Int64] = [:]
            for category in PermitCategory.allCases { counts[category] = value?[category.rawValue]?.intValue ?? 0 }
            return counts
        }
        func counts(_ value: JSONValue?) -> [String: Int64] {
            var counts: [String: Int64] = [:]
            for member in value?.objectValue?.members ?? [] { counts[member.key] = member.value.intValue ?? 0 }
            return counts
        }
        var regions: [RegionUsage] = []
        for item in json["regions"]?.arrayValue ?? [] {
            guard let code = item["region"]?.stringValue, let region = Region(rawValue: code) else {
                throw fail("regions[].region")
            }
            regions.append(
                RegionUsage(
                    region: region, allocated: item["allocated"]?.intValue ?? 0, inUse: item["inUse"]?.intValue ?? 0,
                    byCategory: categories(item["byCategory"])))
        }
        self.init(
            key: QuotaKey(year: year, line: line), position: json["position"]?.intValue ?? -1,
            ceiling: json["ceiling"]?.intValue ?? 0, allocated: json["allocated"]?.intValue ?? 0,
            inUse: json["inUse"]?.intValue ?? 0, regions: regions, byCountry: counts(json["byCountry"]),
            bySector: counts(json["bySector"]), byCategory: categories(json["byCategory"]))
    }
}
