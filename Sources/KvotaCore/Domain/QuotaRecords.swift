import Foundation

/// What the rules' state keeps of an application's filing or of a permit: the terms a permit must
/// share with its application, that the usage breakdown counts, and that a permit drafted against
/// an application copies. Packed (the employer as an integer, the year in 32 bits), because the state
/// holds one for every application and permit ever recorded, and their size is most of what kvotad
/// and a client keep in memory (`kvota-bench state-memory`). What the rules never read again (the
/// vacancy, the application a permit names, its first day) stays in the log.
public struct QuotaTerms: Sendable, Hashable {
    private let employer: UInt64
    private let year32: Int32
    public let countryOfOrigin: CountryCode
    public let region: Region
    public let line: QuotaLine
    public let category: PermitCategory
    public let sector: OKEDSection
    public let cat1Role: Cat1Role?
    public let positionTitle: String?

    public init(
        region: Region, year: Int64, line: QuotaLine, employerBin: BIN, category: PermitCategory,
        sector: OKEDSection, countryOfOrigin: CountryCode, cat1Role: Cat1Role?, positionTitle: String?
    ) {
        self.employer = employerBin.packed
        // Years are 2000...2100 (`QuotaKey.years`) in any event that parsed.
        self.year32 = Int32(clamping: year)
        self.countryOfOrigin = countryOfOrigin
        self.region = region
        self.line = line
        self.category = category
        self.sector = sector
        self.cat1Role = cat1Role
        self.positionTitle = positionTitle
    }

    public init(_ filing: ApplicationFiled) {
        self.init(
            region: filing.region, year: filing.year, line: filing.line, employerBin: filing.employerBin,
            category: filing.category, sector: filing.sector, countryOfOrigin: filing.countryOfOrigin,
            cat1Role: filing.cat1Role, positionTitle: filing.positionTitle)
    }

    public init(_ permit: PermitIssued) {
        self.init(
            region: permit.region, year: permit.year, line: permit.line, employerBin: permit.employerBin,
            category: permit.category, sector: permit.sector, countryOfOrigin: permit.countryOfOrigin,
            cat1Role: permit.cat1Role, positionTitle: permit.positionTitle)
    }

    public var year: Int64 { Int64(year32) }
    public var employerBin: BIN { BIN(packed: employer) }
    public var key: QuotaKey { QuotaKey(year: year, line: line) }
    public var usageKey: UsageKey {
        UsageKey(region: region, category: category, country: countryOfOrigin, sector: sector)
    }

    /// The `cat1` seat these terms are for; nil for other categories.
    public var cat1Seat: Cat1Seat? {
        cat1Role.map { Cat1Seat(employer: employerBin, role: $0, title: positionTitle) }
    }
}

/// An application as the rules know it: its terms, how many workers it is for, its status and the
/// permits issued against it.
public struct ApplicationRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable { case filed, approved, rejected, withdrawn }
    public let filing: QuotaTerms
    private let workers32: Int32
    private var issued32: Int32
    public var status: Status

    public init(filing: QuotaTerms, workers: Int64, status: Status, issued: Int64) {
        self.filing = filing
        // Workers are 1...10,000 in any filing that parsed; issued never passes them.
        self.workers32 = Int32(clamping: workers)
        self.issued32 = Int32(clamping: issued)
        self.status = status
    }

    /// The workers the application is for: the most permits it can be used for.
    public var workers: Int64 { Int64(workers32) }

    /// Permits issued against it (ended ones included: `workers` caps issuance, not active permits).
    public var issued: Int64 {
        get { Int64(issued32) }
        set { issued32 = Int32(clamping: newValue) }
    }
}

/// A permit as the rules know it: its terms, its worker, its status and last valid day, and the
/// `cat4` replacement deadline.
public struct PermitRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable { case active, revoked, expired }
    public let permit: QuotaTerms
    public let workerRef: WorkerRef
    private var validUntil32: Int32
    /// Days since 1970 of the replacement deadline, or `Int32.min` for none.
    private let deadline32: Int32
    public var status: Status

    public init(
        permit: QuotaTerms, workerRef: WorkerRef, status: Status, validUntil: CalendarDate,
        replacementDeadline: CalendarDate?
    ) {
        self.permit = permit
        self.workerRef = workerRef
        self.validUntil32 = Int32(clamping: validUntil.day)
        self.deadline32 = replacementDeadline.map { Int32(clamping: $0.day) } ?? .min
        self.status = status
    }

    public init(issued permit: PermitIssued) {
        self.init(
            permit: QuotaTerms(permit), workerRef: permit.workerRef, status: .active, validUntil: permit.validUntil,
            replacementDeadline: permit.replacementDeadline)
    }

    /// The last valid day, after extensions.
    public var validUntil: CalendarDate {
        get { CalendarDate(daysSinceEpoch: Int64(validUntil32)) }
        set { validUntil32 = Int32(clamping: newValue.day) }
    }

    /// The `cat4` replacement deadline (as given at issue, or 12 months after `validFrom`); nil for
    /// other categories.
    public var replacementDeadline: CalendarDate? {
        deadline32 == .min ? nil : CalendarDate(daysSinceEpoch: Int64(deadline32))
    }

    /// The worker's permit year this permit holds while it is active.
    public var workerYear: WorkerYear { WorkerYear(worker: workerRef, year: permit.year) }
}
