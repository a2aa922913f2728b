import Foundation

/// The quota of one year and line: its ceiling, the regions' allocations and units in use, the
/// breakdown of active permits, and reallocation requests.
public struct QuotaBook: Sendable, Hashable {
    public var ceiling: CeilingSet?
    public var allocations: [Region: Int64] = [:]
    public var inUse: [Region: Int64] = [:]
    /// Active permits by region, category, country of origin and sector.
    public var usage: [UsageKey: Int64] = [:]
    public var requests: [String: ReallocationRecord] = [:]

    public init() {}

    public var ceilingUnits: Int64 { ceiling?.units ?? 0 }
    public var allocated: Int64 { allocations.values.reduce(0, +) }
    public var totalInUse: Int64 { inUse.values.reduce(0, +) }
    public func allocation(_ region: Region) -> Int64 { allocations[region] ?? 0 }
    public func used(_ region: Region) -> Int64 { inUse[region] ?? 0 }
    public func available(_ region: Region) -> Int64 { allocation(region) - used(region) }
}

/// A permit's place in the usage breakdown.
public struct UsageKey: Sendable, Hashable, Comparable {
    public var region: Region
    public var category: PermitCategory
    public var country: CountryCode
    public var sector: OKEDSection

    public init(region: Region, category: PermitCategory, country: CountryCode, sector: OKEDSection) {
        self.region = region
        self.category = category
        self.country = country
        self.sector = sector
    }

    public static func < (lhs: UsageKey, rhs: UsageKey) -> Bool {
        (lhs.region.rawValue, lhs.category.rawValue, lhs.country.code, lhs.sector.letter)
            < (rhs.region.rawValue, rhs.category.rawValue, rhs.country.code, rhs.sector.letter)
    }
}

public struct ReallocationRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable { case pending, approved, rejected }
    public var request: ReallocationRequested
    public var status: Status
    public var approvedUnits: Int64?
}

public struct BarRecord: Sendable, Hashable {
    public var bar: EmployerBarred
    public var lifted: Bool

    /// Whether the bar covers `day` (from its first day up to, not including, `until`).
    public func covers(_ day: CalendarDate) -> Bool { !lifted && bar.from <= day && day < bar.until }
}

/// A worker's permit year: one active permit per worker ref per year.
public struct WorkerYear: Sendable, Hashable {
    public var worker: WorkerRef
    public var year: Int64
}

/// A `cat1` seat of an employer: the first head, or a deputy for a position title.
public struct Cat1Seat: Sendable, Hashable {
    public var employer: BIN
    public var role: Cat1Role
    /// Nil for the first head (one per employer); the position title for a deputy.
    public var title: String?

    /// Deputy titles are compared trimmed and case-folded: "Deputy for Finance" and "deputy for
    /// finance " are one seat.
    public init(employer: BIN, role: Cat1Role, title: String?) {
        self.employer = employer
        self.role = role
        self.title =
            role == .deputy ? title.map { $0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() } : nil
    }
}
