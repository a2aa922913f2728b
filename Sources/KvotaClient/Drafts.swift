public import Foundation
public import KvotaCore

/// The events a clerk records, built from a command's words into the contract's shapes. Nothing is
/// checked here beyond what is needed to name a stream: the checks are KvotaCore's, run on the draft
/// by ``LocalView/check(_:)`` exactly as the server will run them, so a wrong value is reported with
/// the field and rule the server would name.
public struct Drafts {
    public var view: LocalView
    public let occurredAt: Timestamp

    public init(view: LocalView, occurredAt: Timestamp = .now) {
        self.view = view
        self.occurredAt = occurredAt
    }

    /// Events drafted together on one stream expect the versions their predecessors create: the first
    /// keeps its expectation, each later one expects the version before it plus one.
    public static func chain(_ events: [PendingEvent]) -> [PendingEvent] {
        var expected: [String: ExpectedVersion] = [:]
        return events.map { event in
            var event = event
            if let previous = expected[event.stream] {
                switch previous {
                case .noStream: event.expectedVersion = .exact(0)
                case .exact(let version): event.expectedVersion = .exact(version + 1)
                case .any: event.expectedVersion = .any
                }
            }
            expected[event.stream] = event.expectedVersion
            return event
        }
    }

    typealias Fields = [(String, JSONValue?)]

    static func object(_ fields: Fields) -> JSONObject {
        JSONObject(fields.compactMap { key, value in value.map { JSONObject.Member(key, $0) } })
    }

    static func text(_ value: String?) -> JSONValue? { value.map(JSONValue.string) }
    static func number(_ value: Int64?) -> JSONValue? { value.map(JSONValue.int) }

    /// An event on a new stream.
    func new(_ stream: String, _ type: String, _ fields: Fields, causation: UUID? = nil) -> PendingEvent {
        PendingEvent(
            stream: stream, expectedVersion: .noStream, type: type, data: Drafts.object(fields), occurredAt: occurredAt,
            causationId: causation)
    }

    /// An event on a stream this device has seen, at the version it has seen (a concurrent writer makes it
    /// a `version` conflict, rebased when its intent still holds).
    func next(_ stream: String, _ type: String, _ fields: Fields, causation: UUID? = nil) throws(ClientError)
        -> PendingEvent
    {
        let version = view.version(of: stream)
        guard version >= 0 else {
            throw ClientError(
                .invalidInput,
                "\(stream) is not in this journal: sync first, or check the id (a region sees only its own streams)",
                field: "ID")
        }
        return PendingEvent(
            stream: stream, expectedVersion: .exact(version), type: type, data: Drafts.object(fields),
            occurredAt: occurredAt, causationId: causation)
    }

    static func quotaStream(year: Int64, line: String) -> String { "quota-\(year)-\(line)" }

    /// The stream of an application or permit given by id (or an unambiguous prefix of it).
    func stream(_ prefix: String, of kind: String) throws(ClientError) -> (String, UUID) {
        let wanted = prefix.lowercased()
        if let id = UUID(text: wanted) { return ("\(kind)-\(id.lowercased)", id) }
        let matches = view.planner.snapshot.streams.keys.filter { $0.hasPrefix("\(kind)-\(wanted)") }
        guard matches.count == 1, let stream = matches.first, let id = UUID(text: stream.dropFirst(kind.count + 1))
        else {
            throw ClientError(
                .invalidInput,
                matches.isEmpty ? "no \(kind) \(prefix) in this journal" : "\(prefix) names more than one \(kind)",
                field: "ID")
        }
        return (stream, id)
    }

    // MARK: - Regions

    public struct Application: Sendable {
        public var year: Int64
        public var line: String
        public var employerBin: String
        public var category: String
        public var workers: Int64
        public var sector: String
        public var countryOfOrigin: String
        public var vacancyRef: String
        public var vacancyPostedOn: String
        public var cat1Role: String?
        public var positionTitle: String?

        public init(
            year: Int64, line: String = QuotaLine.foreignLabour.rawValue, employerBin: String, category: String,
            workers: Int64, sector: String, countryOfOrigin: String, vacancyRef: String, vacancyPostedOn: String,
            cat1Role: String? = nil, positionTitle: String? = nil
        ) {
            self.year = year
            self.line = line
            self.employerBin = employerBin
            self.category = category
            self.workers = workers
            self.sector = sector
            self.countryOfOrigin = countryOfOrigin
            self.vacancyRef = vacancyRef
            self.vacancyPostedOn = vacancyPostedOn
            self.cat1Role = cat1Role
            self.positionTitle = positionTitle
        }
    }

    public func fileApplication(_ a: Application, region: String? = nil, id: UUID = .random()) -> PendingEvent {
        new(
            "application-\(id.lowercased)", "ApplicationFiled",
            [
                ("region", Drafts.text(region ?? view.principal.region?.rawValue)), ("year", .int(a.year)),
                ("line", .string(a.line)), ("employerBin", .string(a.employerBin)), ("category", .string(a.category)),
                ("workers", .int(a.workers)), ("sector", .string(a.sector)),
                ("countryOfOrigin", .string(a.countryOfOrigin)), ("vacancyRef", .string(a.vacancyRef)),
                ("vacancyPostedOn", .string(a.vacancyPostedOn)), ("cat1Role", Drafts.text(a.cat1Role)),
                ("positionTitle", Drafts.text(a.positionTitle)),
            ])
    }

    /// `ApplicationApproved`, `ApplicationRejected {reason}` or `ApplicationWithdrawn`.
    public func decideApplication(_ id: String, type: String, reason: String? = nil) throws(ClientError)
        -> PendingEvent
    {
        let (stream, _) = try stream(id, of: "application")
        return try next(stream, type, [("reason", Drafts.text(reason))])
    }

    public struct Permit: Sendable {
        public var application: String
        public var workerRef: String
        public var validFrom: String
        public var validUntil: String
        public var replaceBy: String?

        public init(application: String, workerRef: String, validFrom: String, validUntil: String, replaceBy: String?) {
            self.application = application
            self.workerRef = workerRef
            self.validFrom = validFrom
            self.validUntil = validUntil
            self.replaceBy = replaceBy
        }
    }

    /// `PermitIssued` against an application this device has seen: employer, category, year, line,
    /// sector, origin and cat1 details are the application's.
    public func issuePermit(_ p: Permit, id: UUID = .random()) throws(ClientError) -> PendingEvent {
        let (applicationStream, applicationId) = try stream(p.application, of: "application")
        guard let record = view.state.applications[applicationId] else {
            throw ClientError(
                .invalidInput, "application \(applicationId.lowercased) is not in this journal", field: "--application")
        }
        let filing = record.filing
        return new(
            "permit-\(id.lowercased)", "PermitIssued",
            [
                ("region", .string(filing.region.rawValue)), ("year", .int(filing.year)),
                ("line", .string(filing.line.rawValue)), ("applicationId", .string(applicationId.lowercased)),
                ("employerBin", .string(filing.employerBin.description)),
                ("category", .string(filing.category.rawValue)), ("workerRef", .string(p.workerRef)),
                ("sector", .string(filing.sector.description)),
                ("countryOfOrigin", .string(filing.countryOfOrigin.description)), ("validFrom", .string(p.validFrom)),
                ("validUntil", .string(p.validUntil)), ("replaceBy", Drafts.text(p.replaceBy)),
                ("cat1Role", Drafts.text(filing.cat1Role?.rawValue)),
                ("positionTitle", Drafts.text(filing.positionTitle)),
            ], causation: view.latestRecorded[applicationStream])
    }

    public func extendPermit(_ id: String, validUntil: String) throws(ClientError) -> PendingEvent {
        let (stream, _) = try stream(id, of: "permit")
        return try next(stream, "PermitExtended", [("validUntil", .string(validUntil))])
    }

    public func revokePermit(_ id: String, reason: String) throws(ClientError) -> PendingEvent {
        let (stream, _) = try stream(id, of: "permit")
        return try next(stream, "PermitRevoked", [("reason", .string(reason))])
    }

    /// `ReallocationRequested` on the quota stream (any version: requests of many regions interleave).
    public func requestReallocation(
        year: Int64, line: String, units: Int64, fromRegion: String?, justification: String,
        requestId: String = "req-" + UUID().uuidString.lowercased().prefix(8), region: String? = nil,
        causation: UUID? = nil
    ) -> PendingEvent {
        PendingEvent(
            stream: Drafts.quotaStream(year: year, line: line), expectedVersion: .any, type: "ReallocationRequested",
            data: Drafts.object([
                ("requestId", .string(requestId)), ("region", Drafts.text(region ?? view.principal.region?.rawValue)),
                ("units", .int(units)), ("fromRegion", Drafts.text(fromRegion)),
                ("justification", .string(justification)),
            ]), occurredAt: occurredAt, causationId: causation)
    }

    // MARK: - Ministry

    /// A quota-stream event at the version this device has seen (a new stream when there is none).
    func quota(year: Int64, line: String, _ type: String, _ fields: Fields) -> PendingEvent {
        let stream = Drafts.quotaStream(year: year, line: line)
        let version = view.version(of: stream)
        return PendingEvent(
            stream: stream, expectedVersion: version < 0 ? .noStream : .exact(version), type: type,
            data: Drafts.object(fields), occurredAt: occurredAt)
    }

    public func setCeiling(year: Int64, line: String, units: Int64, basis: String, percent: Double?, laborForce: Int64?)
        -> PendingEvent
    {
        quota(
            year: year, line: line, "CeilingSet",
            [
                ("units", .int(units)), ("basis", .string(basis)), ("percent", percent.map(JSONValue.double)),
                ("laborForce", Drafts.number(laborForce)),
            ])
    }

    public func setAllocation(year: Int64, line: String, region: String, units: Int64) -> PendingEvent {
        quota(year: year, line: line, "AllocationSet", [("region", .string(region)), ("units", .int(units))])
    }

    public func approveReallocation(year: Int64, line: String, requestId: String, units: Int64?) -> PendingEvent {
        quota(
            year: year, line: line, "ReallocationApproved",
            [("requestId", .string(requestId)), ("units", Drafts.number(units))])
    }

    public func rejectReallocation(year: Int64, line: String, requestId: String, reason: String) -> PendingEvent {
        quota(
            year: year, line: line, "ReallocationRejected",
            [("requestId", .string(requestId)), ("reason", .string(reason))])
    }

    public func barEmployer(bin: String, from: String, until: String, reason: String) -> PendingEvent {
        let stream = "employer-\(bin)"
        let version = view.version(of: stream)
        return PendingEvent(
            stream: stream, expectedVersion: version < 0 ? .noStream : .exact(version), type: "EmployerBarred",
            data: Drafts.object([("from", .string(from)), ("until", .string(until)), ("reason", .string(reason))]),
            occurredAt: occurredAt)
    }

    public func liftBar(bin: String, reason: String) throws(ClientError) -> PendingEvent {
        try next("employer-\(bin)", "EmployerBarLifted", [("reason", .string(reason))])
    }
}
