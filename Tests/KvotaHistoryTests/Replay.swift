import Foundation
import KvotaCore
import KvotaHistory

/// Replays a history through the rules, as the server would: each event parsed, decided against
/// the state the events before it left, and folded in.
struct Replay {
    /// The first event the rules refuse: its index, type, stream and the refusal.
    struct Failure: CustomStringConvertible {
        var index: Int
        var type: String
        var stream: String
        var refusal: String
        var description: String { "event \(index) (\(type) on \(stream)) refused: \(refusal)" }
    }

    var state = QuotaState()
    var failure: Failure?
    /// The state after the last event recorded at or before each requested instant.
    var snapshots: [Timestamp: QuotaState] = [:]
    /// For each `PermitExpired`: days from the permit's last valid day to the server's Almaty day.
    var expiryDelays: [Int64] = []

    init(_ events: [HistoricalEvent], snapshotsAt instants: [Timestamp] = []) {
        let pending = instants.sorted()
        var next = 0
        for (index, historical) in events.enumerated() {
            while next < pending.count && historical.recordedAt > pending[next] {
                snapshots[pending[next]] = state
                next += 1
            }
            let event = historical.event
            let domain: DomainEvent
            do {
                domain = try DomainEvent(stream: event.stream, type: event.type, data: event.data)
            } catch {
                failure = Failure(index: index, type: event.type, stream: event.stream, refusal: "\(error)")
                return
            }
            if let refusal = state.decide(
                domain, context: DecisionContext(meta: event.meta, recordedAt: historical.recordedAt))
            {
                failure = Failure(index: index, type: event.type, stream: event.stream, refusal: "\(refusal)")
                return
            }
            if case .permitExpired(let id) = domain, let record = state.permits[id] {
                expiryDelays.append(CalendarDate(almatyDayOf: historical.recordedAt).day - record.validUntil.day)
            }
            state.evolve(domain, position: Int64(index))
        }
        while next < pending.count {
            snapshots[pending[next]] = state
            next += 1
        }
    }
}

/// The active `foreign-labour` permits of a year in a state, counted the ways the reports count them.
struct ActiveFigures {
    var total = 0
    var byCategory: [PermitCategory: Int] = [:]
    var byCountry: [String: Int] = [:]
    var bySector: [String: Int] = [:]
    var employers = Set<String>()

    init(_ state: QuotaState, year: Int64 = 2025) {
        for (_, record) in state.permits.entries
        where record.status == .active && record.permit.year == year && record.permit.line == .foreignLabour {
            total += 1
            byCategory[record.permit.category, default: 0] += 1
            byCountry[record.permit.countryOfOrigin.code, default: 0] += 1
            bySector[record.permit.sector.letter, default: 0] += 1
            employers.insert(record.permit.employerBin.digits)
        }
    }
}

/// Checks every history must pass, whatever its rules: order, ids, clocks and stream versions.
enum EnvelopeChecks {
    /// Problems found (empty when none), at most a few of each kind.
    static func problems(_ events: [HistoricalEvent]) -> [String] {
        var problems: [String] = []
        var ids = Set<UUID>()
        var versions: [String: Int64] = [:]
        var previous: Timestamp?
        for (index, historical) in events.enumerated() where problems.count < 10 {
            let event = historical.event
            if let previous, historical.recordedAt < previous {
                problems.append("event \(index): recordedAt goes back")
            }
            previous = historical.recordedAt
            if !ids.insert(event.eventId).inserted {
                problems.append("event \(index): eventId \(event.eventId) repeated")
            }
            if event.meta.occurredAt > historical.recordedAt {
                problems.append("event \(index): occurredAt after recordedAt")
            }
            let count = versions[event.stream, default: 0]
            let expected: ExpectedVersion = count == 0 ? .noStream : .exact(count - 1)
            if event.expectedVersion != expected {
                problems.append(
                    "event \(index) on \(event.stream): expectedVersion \(event.expectedVersion), stream at \(expected)"
                )
            }
            versions[event.stream] = count + 1
        }
        return problems
    }
}
