import Foundation
import KvotaCore

/// Writes the quota projections (`schema/migrations/0002_quota_projections.sql`) from the rules'
/// state: inline, for the rows an append touched, in its transaction; or whole, for a rebuild.
enum QuotaProjectionWriter {
    /// The rows a set of accepted events changes.
    struct Touched {
        var ceilings: Set<QuotaKey> = []
        var regions: Set<RegionRow> = []
        var usage: Set<UsageRow> = []

        var isEmpty: Bool { ceilings.isEmpty && regions.isEmpty && usage.isEmpty }
    }

    struct RegionRow: Hashable {
        var key: QuotaKey
        var region: Region
    }

    struct UsageRow: Hashable {
        var key: QuotaKey
        var usage: UsageKey
    }

    static func touched(by accepted: [(position: Int64, event: DomainEvent)], in state: QuotaState) -> Touched {
        var touched = Touched()
        func permit(_ id: UUID) {
            guard let permit = state.permits[id]?.permit else { return }
            let key = QuotaKey(year: permit.year, line: permit.line)
            touched.regions.insert(RegionRow(key: key, region: permit.region))
            touched.usage.insert(UsageRow(key: key, usage: permit.usageKey))
        }
        for (_, event) in accepted {
            switch event {
            case .ceilingSet(let key, _):
                touched.ceilings.insert(key)
            case .allocationSet(let key, let allocation):
                touched.regions.insert(RegionRow(key: key, region: allocation.region))
            case .reallocationApproved(let key, let approval):
                guard let request = state.books[key]?.requests[approval.requestId]?.request else { continue }
                touched.regions.insert(RegionRow(key: key, region: request.region))
                if let donor = request.fromRegion { touched.regions.insert(RegionRow(key: key, region: donor)) }
            case .permitIssued(let id, _), .permitRevoked(let id, _), .permitExpired(let id):
                permit(id)
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
                all.regions.insert(RegionRow(key: key, region: region))
            }
            for usage in book.usage.keys { all.usage.insert(UsageRow(key: key, usage: usage)) }
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
    static let upsertUsage = """
        INSERT INTO quota_usage (year, line, region, category, country, sector, active)
        SELECT * FROM unnest($1::integer[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
        ON CONFLICT (year, line, region, category, country, sector) DO UPDATE SET active = EXCLUDED.active
        """
    static let deleteUsage = """
        DELETE FROM quota_usage u
        USING unnest($1::integer[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
            AS d(year, line, region, category, country, sector)
        WHERE u.year = d.year AND u.line = d.line AND u.region = d.region AND u.category = d.category
          AND u.country = d.country AND u.sector = d.sector
        """

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
            let rows = touched.regions.sorted { ($0.key, $0.region) < ($1.key, $1.region) }
            let books = rows.map { state.book($0.key) }
            try connection.execute(
                "kvota_upsert_regions", upsertRegions,
                [
                    .textArray(rows.map { String($0.key.year) }), .textArray(rows.map(\.key.line.rawValue)),
                    .textArray(rows.map(\.region.rawValue)),
                    .textArray(zip(rows, books).map { String($1.allocation($0.region)) }),
                    .textArray(zip(rows, books).map { String($1.used($0.region)) }),
                ])
        }
        if !touched.usage.isEmpty {
            let rows = touched.usage.sorted { ($0.key, $0.usage) < ($1.key, $1.usage) }
            let counts = rows.map { state.books[$0.key]?.usage[$0.usage] ?? 0 }
            let present = zip(rows, counts).filter { $0.1 > 0 }
            let gone = zip(rows, counts).filter { $0.1 == 0 }.map(\.0)
            if !present.isEmpty {
                try connection.execute(
                    "kvota_upsert_usage", upsertUsage,
                    usageColumns(present.map(\.0)) + [.textArray(present.map { String($0.1) })])
            }
            if !gone.isEmpty {
                try connection.execute("kvota_delete_usage", deleteUsage, usageColumns(gone))
            }
        }
    }

    private static func usageColumns(_ rows: [UsageRow]) -> [PGParameter] {
        [
            .textArray(rows.map { String($0.key.year) }), .textArray(rows.map(\.key.line.rawValue)),
            .textArray(rows.map(\.usage.region.rawValue)), .textArray(rows.map(\.usage.category.rawValue)),
            .textArray(rows.map(\.usage.country.code)), .textArray(rows.map(\.usage.sector.letter)),
        ]
    }
}
