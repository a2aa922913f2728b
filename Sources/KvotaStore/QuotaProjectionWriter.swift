import Foundation
import KvotaCore

/// Writes the quota projections (`quota_ceilings`, `quota_regions`, `quota_region_categories`,
/// `quota_origins`, `quota_sectors`) from the rules' state: inline, for the rows an append touched,
/// in its transaction; or whole, for a rebuild.
enum QuotaProjectionWriter {
    /// The rows a set of accepted events changes.
    struct Touched {
        var ceilings: Set<QuotaKey> = []
        var regions: Set<Cell<Region>> = []
        var categories: Set<Cell<RegionCategory>> = []
        var countries: Set<Cell<String>> = []
        var sectors: Set<Cell<String>> = []

        var isEmpty: Bool { ceilings.isEmpty && regions.isEmpty }
        var books: Set<QuotaKey> { ceilings.union(regions.map(\.key)) }

        mutating func permit(_ permit: QuotaTerms) {
            let key = permit.key
            regions.insert(Cell(key: key, row: permit.region))
            categories.insert(Cell(key: key, row: RegionCategory(region: permit.region, category: permit.category)))
            countries.insert(Cell(key: key, row: permit.countryOfOrigin.code))
            sectors.insert(Cell(key: key, row: permit.sector.letter))
        }
    }

    /// A row of a book's table.
    struct Cell<Row: Hashable & Comparable>: Hashable, Comparable {
        var key: QuotaKey
        var row: Row

        static func < (lhs: Cell, rhs: Cell) -> Bool { (lhs.key, lhs.row) < (rhs.key, rhs.row) }
    }

    static func touched(by accepted: [(position: Int64, event: DomainEvent)], in state: QuotaState) -> Touched {
        var touched = Touched()
        for (_, event) in accepted {
            switch event {
            case .ceilingSet(let key, _):
                touched.ceilings.insert(key)
            case .allocationSet(let key, let allocation):
                touched.regions.insert(Cell(key: key, row: allocation.region))
            case .reallocationApproved(let key, let approval):
                guard let request = state.books[key]?.requests[approval.requestId]?.request else { continue }
                touched.regions.insert(Cell(key: key, row: request.region))
                if let donor = request.fromRegion { touched.regions.insert(Cell(key: key, row: donor)) }
            case .permitIssued(let id, _), .permitRevoked(let id, _), .permitExpired(let id):
                if let permit = state.permits[id]?.permit { touched.permit(permit) }
            default:
                continue
            }
        }
        return touched
    }

    /// Every row of the state (for a rebuild).
    static func everything(in state: QuotaState) -> Touched {
        var all = Touched()
        for (key, book) in state.books {
            if book.ceiling != nil { all.ceilings.insert(key) }
            for region in Set(book.allocations.keys).union(book.inUse.keys) {
                all.regions.insert(Cell(key: key, row: region))
            }
            let breakdown = book.breakdown
            for cell in breakdown.regionCategories.keys { all.categories.insert(Cell(key: key, row: cell)) }
            for country in breakdown.countries.keys { all.countries.insert(Cell(key: key, row: country)) }
            for sector in breakdown.sectors.keys { all.sectors.insert(Cell(key: key, row: sector)) }
        }
        return all
    }

    static let upsertCeiling = """
        INSERT INTO quota_ceilings (year, line, units, percent, labor_force, basis) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (year, line) DO UPDATE SET units = EXCLUDED.units, percent = EXCLUDED.percent,
            labor_force = EXCLUDED.labor_force, basis = EXCLUDED.basis
        """
    static let upsertRegions = """
        INSERT INTO quota_regions (year, line, region, allocated, in_use)
        SELECT * FROM unnest($1::integer[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
        ON CONFLICT (year, line, region) DO UPDATE SET allocated = EXCLUDED.allocated, in_use = EXCLUDED.in_use
        """

    /// Upserts the counted rows of a breakdown table and deletes the rows that fell to zero: one
    /// statement (the table and its column names are fixed strings, never values).
    static func breakdownStatement(table: String, columns: [String]) -> String {
        let names = columns.joined(separator: ", ")
        let types = (["integer", "text"] + columns.map { _ in "text" } + ["bigint"]).enumerated()
            .map { "$\($0.offset + 1)::\($0.element)[]" }.joined(separator: ", ")
        let match = (["year", "line"] + columns).map { "t.\($0) = d.\($0)" }.joined(separator: " AND ")
        return """
            WITH d (year, line, \(names), active) AS (SELECT * FROM unnest(\(types))),
            gone AS (DELETE FROM \(table) t USING d WHERE d.active = 0 AND \(match))
            INSERT INTO \(table) (year, line, \(names), active) SELECT * FROM d WHERE d.active > 0
            ON CONFLICT (year, line, \(names)) DO UPDATE SET active = EXCLUDED.active
            """
    }

    static let categoryStatement = breakdownStatement(
        table: "quota_region_categories", columns: ["region", "category"])
    static let originStatement = breakdownStatement(table: "quota_origins", columns: ["country"])
    static let sectorStatement = breakdownStatement(table: "quota_sectors", columns: ["sector"])

    /// Writes the touched rows' values from `state`.
    static func write(_ touched: Touched, from state: QuotaState, on connection: PGConnection) throws {
        for key in touched.ceilings {
            guard let ceiling = state.books[key]?.ceiling else { continue }
            try connection.execute(
                "kvota_upsert_ceiling", upsertCeiling,
                [
                    .int(key.year), .text(key.line.rawValue), .int(ceiling.units),
                    ceiling.percent.map { .text(String($0)) } ?? .null, ceiling.laborForce.map { .int($0) } ?? .null,
                    .text(ceiling.basis),
                ])
        }
        if !touched.regions.isEmpty {
            let rows = touched.regions.sorted()
            try connection.execute(
                "kvota_upsert_regions", upsertRegions,
                keyColumns(rows) + [
                    .textArray(rows.map(\.row.rawValue)),
                    .textArray(rows.map { String(state.book($0.key).allocation($0.row)) }),
                    .textArray(rows.map { String(state.book($0.key).used($0.row)) }),
                ])
        }
        var breakdowns: [QuotaKey: QuotaBreakdown] = [:]
        for key in touched.books { breakdowns[key] = state.book(key).breakdown }
        if !touched.categories.isEmpty {
            let rows = touched.categories.sorted()
            try connection.execute(
                "kvota_write_categories", categoryStatement,
                keyColumns(rows) + [
                    .textArray(rows.map(\.row.region.rawValue)), .textArray(rows.map(\.row.category.rawValue)),
                    .textArray(rows.map { String(breakdowns[$0.key]?.regionCategories[$0.row] ?? 0) }),
                ])
        }
        if !touched.countries.isEmpty {
            let rows = touched.countries.sorted()
            try connection.execute(
                "kvota_write_origins", originStatement,
                keyColumns(rows) + [
                    .textArray(rows.map(\.row)),
                    .textArray(rows.map { String(breakdowns[$0.key]?.countries[$0.row] ?? 0) }),
                ])
        }
        if !touched.sectors.isEmpty {
            let rows = touched.sectors.sorted()
            try connection.execute(
                "kvota_write_sectors", sectorStatement,
                keyColumns(rows) + [
                    .textArray(rows.map(\.row)),
                    .textArray(rows.map { String(breakdowns[$0.key]?.sectors[$0.row] ?? 0) }),
                ])
        }
    }

    private static func keyColumns<Row>(_ rows: [Cell<Row>]) -> [PGParameter] {
        [.textArray(rows.map { String($0.key.year) }), .textArray(rows.map(\.key.line.rawValue))]
    }
}
