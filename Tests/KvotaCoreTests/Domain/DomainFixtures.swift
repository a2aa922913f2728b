import Foundation
import KvotaCore
import Testing

/// Builders for the domain rule tests: fixed identifiers and dates, event payloads that parse (every
/// event is built through `DomainEvent(stream:type:data:)`, the public path), and decision contexts.
enum DomainFixtures {
    static let year: Int64 = 2025
    static let quota = QuotaKey(year: 2025, line: .foreignLabour)
    static let quotaStream = "quota-2025-foreign-labour"

    /// BINs that are valid by the check-digit algorithm (the arithmetic is in `BINTests`).
    static let binA = "040740001129"
    static let binB = "987654321090"
    static let binC = "123456789013"
    static let binD = "000000000101"

    /// The server's clock of most scenarios: 11:00 on 1 Dec 2025 in Almaty.
    static let now = "2025-12-01T06:00:00Z"

    // MARK: Values

    /// A fixed UUID ending in `n` (`00000000-0000-4000-8000-00000000000n` in hex).
    static func id(_ n: Int) -> UUID {
        let hex = String(n, radix: 16)
        guard let uuid = UUID(text: "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex)
        else { fatalError("bad fixture uuid \(n)") }
        return uuid
    }

    /// A worker pseudonym: 64 lowercase hex digits ending in `n` in hex.
    static func worker(_ n: Int) -> String {
        let hex = String(n, radix: 16)
        return String(repeating: "0", count: 64 - hex.count) + hex
    }

    static func bin(_ text: String) -> BIN {
        guard let bin = BIN(text) else { fatalError("bad fixture BIN \(text)") }
        return bin
    }

    static func date(_ text: String) -> CalendarDate {
        guard let date = CalendarDate(text) else { fatalError("bad fixture date \(text)") }
        return date
    }

    static func time(_ text: String) -> Timestamp {
        guard let time = Timestamp(rfc3339: text) else { fatalError("bad fixture timestamp \(text)") }
        return time
    }

    // MARK: Streams

    static func applicationStream(_ id: UUID) -> String { "application-\(id.lowercased)" }
    static func permitStream(_ id: UUID) -> String { "permit-\(id.lowercased)" }
    static func employerStream(_ bin: String) -> String { "employer-\(bin)" }

    // MARK: Payloads

    static func filingData(
        region: Region = .almaty, year: Int64 = 2025, bin: String = binA, category: PermitCategory = .cat3,
        workers: Int64 = 3, postedOn: String = "2025-11-01", cat1Role: Cat1Role? = nil, title: String? = nil,
        sector: String = "F", country: String = "CN"
    ) -> JSONObject {
        var data: JSONObject = [
            "region": .string(region.rawValue), "year": .int(year), "line": "foreign-labour",
            "employerBin": .string(bin),
            "category": .string(category.rawValue), "workers": .int(workers), "sector": .string(sector),
            "countryOfOrigin": .string(country), "vacancyRef": "enbek-2025-000123",
            "vacancyPostedOn": .string(postedOn),
        ]
        if let cat1Role { data["cat1Role"] = .string(cat1Role.rawValue) }
        if let title { data["positionTitle"] = .string(title) }
        return data
    }

    static func permitData(
        application: UUID, region: Region = .almaty, year: Int64 = 2025, bin: String = binA,
        category: PermitCategory = .cat3, worker: Int = 1, validFrom: String = "2025-12-01",
        validUntil: String = "2026-05-31",
        replaceBy: String? = nil, cat1Role: Cat1Role? = nil, title: String? = nil, sector: String = "F",
        country: String = "CN"
    ) -> JSONObject {
        var data: JSONObject = [
            "region": .string(region.rawValue), "year": .int(year), "line": "foreign-labour",
            "applicationId": .string(application.lowercased), "employerBin": .string(bin),
            "category": .string(category.rawValue), "workerRef": .string(self.worker(worker)),
            "sector": .string(sector),
            "countryOfOrigin": .string(country), "validFrom": .string(validFrom), "validUntil": .string(validUntil),
        ]
        if let replaceBy { data["replaceBy"] = .string(replaceBy) }
        if let cat1Role { data["cat1Role"] = .string(cat1Role.rawValue) }
        if let title { data["positionTitle"] = .string(title) }
        return data
    }

    // MARK: Events

    static func event(_ stream: String, _ type: String, _ data: JSONObject = JSONObject()) throws -> DomainEvent {
        try DomainEvent(stream: stream, type: type, data: data)
    }

    static func ceiling(_ units: Int64, key: QuotaKey = quota) throws -> DomainEvent {
        try event(key.stream, "CeilingSet", ["units": .int(units), "basis": "ministerial order"])
    }

    static func allocation(_ region: Region, _ units: Int64, key: QuotaKey = quota) throws -> DomainEvent {
        try event(key.stream, "AllocationSet", ["region": .string(region.rawValue), "units": .int(units)])
    }

    static func request(
        _ requestId: String, _ region: Region, _ units: Int64, from donor: Region? = nil, key: QuotaKey = quota
    ) throws -> DomainEvent {
        var data: JSONObject = [
            "requestId": .string(requestId), "region": .string(region.rawValue), "units": .int(units),
            "justification": "seasonal harvest",
        ]
        if let donor { data["fromRegion"] = .string(donor.rawValue) }
        return try event(key.stream, "ReallocationRequested", data)
    }

    static func approveRequest(_ requestId: String, units: Int64? = nil, key: QuotaKey = quota) throws -> DomainEvent {
        var data: JSONObject = ["requestId": .string(requestId)]
        if let units { data["units"] = .int(units) }
        return try event(key.stream, "ReallocationApproved", data)
    }

    static func rejectRequest(_ requestId: String, key: QuotaKey = quota) throws -> DomainEvent {
        try event(key.stream, "ReallocationRejected", ["requestId": .string(requestId), "reason": "no spare units"])
    }

    static func file(
        _ app: UUID, region: Region = .almaty, year: Int64 = 2025, bin: String = binA, category: PermitCategory = .cat3,
        workers: Int64 = 3, postedOn: String = "2025-11-01", cat1Role: Cat1Role? = nil, title: String? = nil
    ) throws -> DomainEvent {
        try event(
            applicationStream(app), "ApplicationFiled",
            filingData(
                region: region, year: year, bin: bin, category: category, workers: workers, postedOn: postedOn,
                cat1Role: cat1Role, title: title))
    }

    static func approveApplication(_ app: UUID) throws -> DomainEvent {
        try event(applicationStream(app), "ApplicationApproved")
    }

    static func rejectApplication(_ app: UUID) throws -> DomainEvent {
        try event(applicationStream(app), "ApplicationRejected", ["reason": "incomplete documents"])
    }

    static func withdrawApplication(_ app: UUID) throws -> DomainEvent {
        try event(applicationStream(app), "ApplicationWithdrawn")
    }

    static func issue(
        _ permit: UUID, application: UUID, region: Region = .almaty, year: Int64 = 2025, bin: String = binA,
        category: PermitCategory = .cat3, worker: Int = 1, validFrom: String = "2025-12-01",
        validUntil: String = "2026-05-31",
        replaceBy: String? = nil, cat1Role: Cat1Role? = nil, title: String? = nil, sector: String = "F",
        country: String = "CN"
    ) throws -> DomainEvent {
        try event(
            permitStream(permit), "PermitIssued",
            permitData(
                application: application, region: region, year: year, bin: bin, category: category, worker: worker,
                validFrom: validFrom, validUntil: validUntil, replaceBy: replaceBy, cat1Role: cat1Role, title: title,
                sector: sector, country: country))
    }

    static func extend(_ permit: UUID, to validUntil: String) throws -> DomainEvent {
        try event(permitStream(permit), "PermitExtended", ["validUntil": .string(validUntil)])
    }

    static func revoke(_ permit: UUID) throws -> DomainEvent {
        try event(permitStream(permit), "PermitRevoked", ["reason": "worker left"])
    }

    static func expire(_ permit: UUID) throws -> DomainEvent {
        try event(permitStream(permit), "PermitExpired")
    }

    static func bar(_ bin: String, from: String, until: String) throws -> DomainEvent {
        try event(
            employerStream(bin), "EmployerBarred",
            ["from": .string(from), "until": .string(until), "reason": "illegal employment"])
    }

    static func lift(_ bin: String) throws -> DomainEvent {
        try event(employerStream(bin), "EmployerBarLifted", ["reason": "court decision"])
    }

    // MARK: Contexts

    static func asRegion(_ region: Region = .almaty, at recordedAt: String = now, occurredAt: String? = nil)
        -> DecisionContext
    {
        DecisionContext(
            role: "region", region: region, recordedAt: time(recordedAt), occurredAt: time(occurredAt ?? recordedAt))
    }

    static func asMinistry(at recordedAt: String = now) -> DecisionContext {
        DecisionContext(role: "ministry", region: nil, recordedAt: time(recordedAt), occurredAt: time(recordedAt))
    }

    static func asSystem(at recordedAt: String = now) -> DecisionContext {
        DecisionContext(role: "system", region: nil, recordedAt: time(recordedAt), occurredAt: time(recordedAt))
    }

    // MARK: Worlds

    /// A 2025 `foreign-labour` quota with a ceiling and allocations already accepted.
    static func world(ceiling: Int64 = 100, allocations: KeyValuePairs<Region, Int64> = [.almaty: 10]) throws
        -> QuotaWorld
    {
        var world = QuotaWorld()
        try world.accept(self.ceiling(ceiling), asMinistry())
        for (region, units) in allocations { try world.accept(allocation(region, units), asMinistry()) }
        return world
    }
}

/// A quota state and the events accepted into it, in order: each event is decided first and folded in
/// only when the rules allow it.
struct QuotaWorld {
    var state = QuotaState()
    private(set) var accepted: [DomainEvent] = []

    var book: QuotaBook { state.book(DomainFixtures.quota) }

    func decide(_ event: DomainEvent, _ context: DecisionContext) -> AppendStatus? {
        state.decide(event, context: context)
    }

    /// Decides and, when allowed, folds in. Returns the refusal, or nil when accepted.
    @discardableResult
    mutating func submit(_ event: DomainEvent, _ context: DecisionContext) -> AppendStatus? {
        let status = state.decide(event, context: context)
        if status == nil { force(event) }
        return status
    }

    /// Submits an event that the scenario needs accepted, recording an issue when it is refused.
    mutating func accept(
        _ event: DomainEvent, _ context: DecisionContext, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let status = submit(event, context)
        #expect(status == nil, "expected acceptance, got \(String(describing: status))", sourceLocation: sourceLocation)
    }

    /// Folds an event in without deciding (an event accepted in the past under other rules).
    mutating func force(_ event: DomainEvent) {
        state.evolve(event, position: Int64(accepted.count))
        accepted.append(event)
    }

    /// Files and approves an application in `region`.
    mutating func approvedApplication(
        _ app: UUID, region: Region = .almaty, year: Int64 = 2025, bin: String = DomainFixtures.binA,
        category: PermitCategory = .cat3, workers: Int64 = 3, cat1Role: Cat1Role? = nil, title: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        accept(
            try DomainFixtures.file(
                app, region: region, year: year, bin: bin, category: category, workers: workers, cat1Role: cat1Role,
                title: title),
            DomainFixtures.asRegion(region), sourceLocation: sourceLocation)
        accept(
            try DomainFixtures.approveApplication(app), DomainFixtures.asRegion(region), sourceLocation: sourceLocation)
    }

    /// The active permit of fixture worker `n` in `year`, as the state indexes it.
    func activePermit(ofWorker n: Int, year: Int64) -> UUID? {
        state.activeWorkers.entries.first { $0.key.worker.hex == DomainFixtures.worker(n) && $0.key.year == year }?
            .value
    }

    /// Active permits of `region` counted against `key`, from the permit records.
    func activePermits(_ region: Region, _ key: QuotaKey = DomainFixtures.quota) -> Int64 {
        Int64(
            state.permits.entries.filter {
                $0.value.status == .active && $0.value.permit.region == region && $0.value.permit.year == key.year
                    && $0.value.permit.line == key.line
            }.count)
    }
}

extension AppendStatus {
    var asConflict: Conflict? {
        if case .conflict(let conflict) = self { return conflict }
        return nil
    }

    var asRejection: Rejection? {
        if case .rejected(let rejection) = self { return rejection }
        return nil
    }
}

/// Expects a conflict `code` whose `current` holds the given members (exactly those when `exactly`).
func expectConflict(
    _ status: AppendStatus?, _ code: String, _ current: KeyValuePairs<String, JSONValue> = [:], exactly: Bool = false,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let conflict = status?.asConflict else {
        Issue.record("expected conflict \(code), got \(String(describing: status))", sourceLocation: sourceLocation)
        return
    }
    #expect(conflict.code == code, "\(conflict)", sourceLocation: sourceLocation)
    for (key, value) in current {
        #expect(conflict.current[key] == value, "current.\(key) of \(conflict.current)", sourceLocation: sourceLocation)
    }
    if exactly {
        #expect(
            Set(conflict.current.keys) == Set(current.map(\.key)), "\(conflict.current)", sourceLocation: sourceLocation
        )
    }
}

/// Expects a rejection `code`, naming `field` when given.
func expectRejection(
    _ status: AppendStatus?, _ code: String, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let rejection = status?.asRejection else {
        Issue.record("expected rejection \(code), got \(String(describing: status))", sourceLocation: sourceLocation)
        return
    }
    #expect(rejection.code == code, "\(rejection)", sourceLocation: sourceLocation)
    if let field { #expect(rejection.field == field, "\(rejection)", sourceLocation: sourceLocation) }
}

/// Expects `body` to throw a rejection with `code` naming `field`.
func expectParseRejection(
    _ code: String, field: String?, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected \(code) on \(field ?? "-"), but it parsed", sourceLocation: sourceLocation)
    } catch let error as Rejection {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(error.field == field, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a Rejection, got \(error)", sourceLocation: sourceLocation)
    }
}
