public import Foundation
import KvotaCore

/// The ways out of a conflict, and carrying them out (`kvota conflicts resolve`).
public struct Resolver: Sendable {
    public let journal: Journal
    public let profile: Profile

    public init(journal: Journal, profile: Profile) {
        self.journal = journal
        self.profile = profile
    }

    /// Events waiting for a clerk (or, held, for a reallocation), in recorded order.
    public func open() throws(ClientError) -> [PendingEvent] {
        try journal.recorded([.conflict, .rejected, .blocked, .held])
    }

    /// The resolutions that make sense for an event's outcome.
    public static func options(for event: PendingEvent) -> [String] {
        guard let outcome = event.outcome else { return [] }
        switch (outcome.status, outcome.code) {
        case ("blocked", _):
            return ["follows its cause (resolve \(outcome.blockedBy?.lowercased ?? "it") first)", "--drop"]
        case ("rejected", _): return ["--amend FIELD=VALUE", "--drop"]
        case (_, "version"): return ["--rebase", "--drop"]
        case (_, "quota-exhausted"):
            return event.type == "PermitIssued" && event.state != .held
                ? ["--request-reallocation UNITS", "--drop"] : ["--drop", "wait: retried by every sync"]
        case (_, "ceiling-exceeded"): return ["--amend units=N", "--drop"]
        case (_, "duplicate-worker"): return ["--amend workerRef=REF", "--drop"]
        case (_, "application-exhausted"): return ["--amend applicationId=ID", "--drop"]
        case (_, "employer-barred"), (_, "invalid-state"): return ["--drop"]
        default: return ["--amend FIELD=VALUE", "--rebase", "--drop"]
        }
    }

    /// What a resolution did.
    public struct Outcome: Sendable {
        public var message: String
        public var dropped: [UUID] = []
        public var recorded: [PendingEvent] = []
    }

    /// Sets the event's expectation to the stream's version in this journal and checks it again.
    public func rebase(_ id: String) throws(ClientError) -> Outcome {
        var event = try journal.recorded(id: id)
        try requireOpen(event)
        var view = try LocalView(journal: journal, principal: profile.principal, deviceId: profile.deviceId)
        let current = view.version(of: event.stream)
        let before = event.expectedVersion
        event.expectedVersion = current < 0 ? .noStream : .exact(current)
        try check(&view, event)
        try journal.rewrite(event)
        try journal.note(event.eventId, action: "rebase", detail: "expected \(before), now \(event.expectedVersion)")
        return Outcome(
            message:
                "\(event.eventId.lowercased) rebased onto \(event.stream) at \(event.expectedVersion); it goes with the next sync"
        )
    }

    /// Drops the event and everything that depends on it (later events of its stream, its dependents).
    public func drop(_ id: String) throws(ClientError) -> Outcome {
        let event = try journal.recorded(id: id)
        try requireOpen(event)
        var dropped: [UUID] = [event.eventId]
        var droppedIds: Set<UUID> = [event.eventId]
        var streams: Set<String> = [event.stream]
        for later in try journal.recorded([.pending, .conflict, .rejected, .blocked, .held], after: event.sequence) {
            let depends =
                streams.contains(later.stream) || later.causationId.map(droppedIds.contains) == true
                || later.outcome?.blockedBy.map(droppedIds.contains) == true
            guard depends else { continue }
            dropped.append(later.eventId)
            droppedIds.insert(later.eventId)
            streams.insert(later.stream)
        }
        try journal.drop(dropped, note: "dropped with \(event.eventId.lowercased) (\(event.type) on \(event.stream))")
        let extra = dropped.count - 1
        return Outcome(
            message: "dropped \(event.type) \(event.eventId.lowercased)"
                + (extra > 0 ? " and \(extra) event(s) that depended on it" : ""), dropped: dropped)
    }

    /// Changes fields of the event's data (`FIELD=VALUE`; a number where the field holds a number) and
    /// checks it again.
    public func amend(_ id: String, _ assignments: [String]) throws(ClientError) -> Outcome {
        var event = try journal.recorded(id: id)
        try requireOpen(event)
        var members = event.data.members
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw ClientError(.invalidInput, "expected FIELD=VALUE, got '\(assignment)'", field: "--amend")
            }
            let field = String(assignment[..<equals])
            let text = String(assignment[assignment.index(after: equals)...])
            let value: JSONValue
            switch event.data[field] {
            case .int?:
                guard let number = Int64(text) else {
                    throw ClientError(.invalidInput, "\(field) is a whole number, got '\(text)'", field: field)
                }
                value = .int(number)
            case .double?:
                guard let number = Double(text) else {
                    throw ClientError(.invalidInput, "\(field) is a number, got '\(text)'", field: field)
                }
                value = .double(number)
            default:
                value = .string(text)
            }
            members.removeAll { $0.key == field }
            members.append(.init(field, value))
        }
        event.data = JSONObject(members)
        var view = try LocalView(journal: journal, principal: profile.principal, deviceId: profile.deviceId)
        if event.outcome?.code == "version", case .exact = event.expectedVersion {
            event.expectedVersion = .exact(view.version(of: event.stream))
        }
        try check(&view, event)
        try journal.rewrite(event)
        try journal.note(event.eventId, action: "amend", detail: assignments.joined(separator: " "))
        return Outcome(
            message:
                "\(event.eventId.lowercased) amended (\(assignments.joined(separator: ", "))); it goes with the next sync"
        )
    }

    /// For a permit refused `quota-exhausted`: records a reallocation request for the permit's region and
    /// holds the permit, to be tried again by every sync until the approved units let it through.
    public func requestReallocation(_ id: String, units: Int64, fromRegion: String?, justification: String?)
        throws(ClientError) -> Outcome
    {
        let event = try journal.recorded(id: id)
        try requireOpen(event)
        guard event.outcome?.code == "quota-exhausted", event.type == "PermitIssued" else {
            throw ClientError(
                .invalidInput, "a reallocation request resolves a permit refused quota-exhausted",
                field: "--request-reallocation")
        }
        guard let year = event.data["year"]?.intValue, let line = event.data["line"]?.stringValue,
            let region = event.data["region"]?.stringValue
        else { throw ClientError(.journal, "the permit has no year, line or region") }
        var view = try LocalView(journal: journal, principal: profile.principal, deviceId: profile.deviceId)
        let request = Drafts(view: view).requestReallocation(
            year: year, line: line, units: units, fromRegion: fromRegion,
            justification: justification ?? "permit \(event.eventId.lowercased) held: \(event.outcome?.message ?? "")",
            region: region)
        try check(&view, request)
        try journal.record([request])
        try journal.update([(event.eventId, .held, event.outcome, position: nil)])
        try journal.note(
            event.eventId, action: "request-reallocation",
            detail: "\(units) unit(s) requested by \(request.data["requestId"]?.stringValue ?? "")")
        return Outcome(
            message: """
                reallocation \(request.data["requestId"]?.stringValue ?? "") of \(units) unit(s) recorded for \(region); \
                the permit is held and goes through on the first sync after the ministry approves
                """, recorded: [request])
    }

    private func requireOpen(_ event: PendingEvent) throws(ClientError) {
        guard [.conflict, .rejected, .blocked, .held].contains(event.state) else {
            throw ClientError(
                .invalidInput, "\(event.eventId.lowercased) is \(event.state.rawValue), not a conflict", field: "ID")
        }
    }

    private func check(_ view: inout LocalView, _ event: PendingEvent) throws(ClientError) {
        if let refusal = view.check([event]).first?.refusal {
            throw ClientError(.refused, "still refused by the rules against the last synced state: \(refusal)")
        }
    }
}
