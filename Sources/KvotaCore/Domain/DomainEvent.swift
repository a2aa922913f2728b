public import Foundation

/// `CeilingSet`: the national ceiling of a year and line, in units; percent and labour force are its stated basis.
public struct CeilingSet: Sendable, Hashable {
    public var units: Int64
    public var percent: Double?
    public var laborForce: Int64?
    public var basis: String

    public init(units: Int64, percent: Double? = nil, laborForce: Int64? = nil, basis: String) {
        self.units = units
        self.percent = percent
        self.laborForce = laborForce
        self.basis = basis
    }
}

/// `AllocationSet`: a region's share of the ceiling.
public struct AllocationSet: Sendable, Hashable {
    public var region: Region
    public var units: Int64
}

/// `ReallocationRequested`: a region asks for more units, from a named donor region or the reserve.
public struct ReallocationRequested: Sendable, Hashable {
    public var requestId: String
    public var region: Region
    public var units: Int64
    public var fromRegion: Region?
    public var justification: String
}

/// `ReallocationApproved`: the ministry moves `units` (default: all requested).
public struct ReallocationApproved: Sendable, Hashable {
    public var requestId: String
    public var units: Int64?
}

public struct ApplicationFiled: Sendable, Hashable {
    public var region: Region
    public var year: Int64
    public var line: QuotaLine
    public var employerBin: BIN
    public var category: PermitCategory
    public var workers: Int64
    public var sector: OKEDSection
    public var countryOfOrigin: CountryCode
    public var vacancyRef: String
    public var vacancyPostedOn: CalendarDate
    public var cat1Role: Cat1Role?
    public var positionTitle: String?
}

public struct PermitIssued: Sendable, Hashable {
    public var region: Region
    public var year: Int64
    public var line: QuotaLine
    public var applicationId: UUID
    public var employerBin: BIN
    public var category: PermitCategory
    public var workerRef: WorkerRef
    public var sector: OKEDSection
    public var countryOfOrigin: CountryCode
    public var validFrom: CalendarDate
    public var validUntil: CalendarDate
    public var replaceBy: CalendarDate?
    public var cat1Role: Cat1Role?
    public var positionTitle: String?

    /// The `cat4` replacement deadline: as given, or 12 months after `validFrom`.
    public var replacementDeadline: CalendarDate? {
        category == .cat4 ? (replaceBy ?? validFrom.adding(months: 12)) : nil
    }
}

public struct EmployerBarred: Sendable, Hashable {
    public var from: CalendarDate
    public var until: CalendarDate
    public var reason: String
}

/// Every event of the contract's vocabulary, typed and validated, with the entity its stream names.
public enum DomainEvent: Sendable, Hashable {
    case ceilingSet(QuotaKey, CeilingSet)
    case allocationSet(QuotaKey, AllocationSet)
    case reallocationRequested(QuotaKey, ReallocationRequested)
    case reallocationApproved(QuotaKey, ReallocationApproved)
    case reallocationRejected(QuotaKey, requestId: String, reason: String)
    case applicationFiled(UUID, ApplicationFiled)
    case applicationApproved(UUID)
    case applicationRejected(UUID, reason: String)
    case applicationWithdrawn(UUID)
    case permitIssued(UUID, PermitIssued)
    case permitExtended(UUID, validUntil: CalendarDate)
    case permitRevoked(UUID, reason: String)
    case permitExpired(UUID)
    case employerBarred(BIN, EmployerBarred)
    case employerBarLifted(BIN, reason: String)

    /// The event types of the vocabulary, by the stream category they belong in.
    public static let typesByCategory: [String: Set<String>] = [
        "quota": [
            "CeilingSet", "AllocationSet", "ReallocationRequested", "ReallocationApproved", "ReallocationRejected",
        ],
        "application": ["ApplicationFiled", "ApplicationApproved", "ApplicationRejected", "ApplicationWithdrawn"],
        "permit": ["PermitIssued", "PermitExtended", "PermitRevoked", "PermitExpired"],
        "employer": ["EmployerBarred", "EmployerBarLifted"],
    ]

    public static let allTypes: Set<String> = typesByCategory.values.reduce(into: []) { $0.formUnion($1) }
}
