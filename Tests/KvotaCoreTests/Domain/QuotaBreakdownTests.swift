import Foundation
import KvotaCore
import Testing

@Suite("The usage breakdown of a quota book")
struct QuotaBreakdownTests {
    @Test("sums every usage cell by region and category, by country and by sector, as plain sums do")
    func sums() throws {
        var random = SeededRandom(seed: 7)
        let countries = try ["AD", "CN", "KZ", "UZ", "ZW", "TR"].map { try #require(CountryCode($0)) }
        let sectors = try ["A", "F", "G", "U"].map { try #require(OKEDSection($0)) }
        var book = QuotaBook()
        for _ in 0..<500 {
            let key = UsageKey(
                region: Region.allCases[Int(random.next() % UInt64(Region.allCases.count))],
                category: PermitCategory.allCases[Int(random.next() % UInt64(PermitCategory.allCases.count))],
                country: countries[Int(random.next() % UInt64(countries.count))],
                sector: sectors[Int(random.next() % UInt64(sectors.count))])
            book.usage[key, default: 0] += Int64(random.next() % 5)  // zeros stay in the map: not counted
        }
        var byCell: [RegionCategory: Int64] = [:]
        var byCountry: [String: Int64] = [:]
        var bySector: [String: Int64] = [:]
        for (key, count) in book.usage where count > 0 {
            byCell[RegionCategory(region: key.region, category: key.category), default: 0] += count
            byCountry[key.country.code, default: 0] += count
            bySector[key.sector.letter, default: 0] += count
        }
        let breakdown = book.breakdown
        #expect(breakdown.regionCategories == byCell)
        #expect(breakdown.countries == byCountry)
        #expect(breakdown.sectors == bySector)
        #expect(breakdown.countries.keys.contains("AD") && breakdown.countries.keys.contains("ZW"))
        #expect(breakdown.sectors.keys.contains("A") && breakdown.sectors.keys.contains("U"))
        #expect(QuotaBook().breakdown.regionCategories.isEmpty)
    }
}
