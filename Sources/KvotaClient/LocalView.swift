public import Foundation
public import KvotaCore

/// The quota state as this device knows it: the pulled log replayed through KvotaCore's `evolve`,
/// then the events recorded here and not yet pulled back planned on top of it by the server's own
/// planner and rules. A new event is checked by planning it after them, so an offline check gives
/// the answer the server would give against the same log.
public struct LocalView {
    /// The pulled log and the recorded events that still apply, with stream heads for the planner.
    public private(set) var planner: AppendPlanner<QuotaPolicy>
    /// The last pulled position.
    public let pulledPosition: Int64
    /// The statuses of the recorded events when planned on the pulled log (by eventId).
    public private(set) var recordedStatuses: [UUID: AppendStatus] = [:]
    /// The latest recorded (not yet pulled) event of each stream (for causation links).
    public private(set) var latestRecorded: [String: UUID] = [:]
    public let principal: Principal
    public let deviceId: String

    /// The pulled log replayed through `evolve`, up to the last event recorded at or before `asOf`.
    public struct Pulled {
        public var state = QuotaState()
        public var streams: [String: LogSnapshot.StreamHead] = [:]
        /// The last replayed event's position and recordedAt.
        public var position: Int64 = -1
        public var last: Timestamp?
        public var events = 0
    }

    /// The pulled log alone (for views, replays and audits). The whole log (`asOf` nil) starts from
    /// the journal's saved state when there is one (``Pulled/load(_:)``) and saves a new one when
    /// many events were folded past it; a past moment is always replayed from position 0.
    public static func pulledState(
        _ journal: Journal, asOf: Timestamp? = nil, saveAfter: Int = Pulled.saveAfter
    ) throws(ClientError) -> Pulled {
        let saved = asOf == nil ? Pulled.load(journal) : nil
        var pulled = saved ?? Pulled()
        // Read in chunks, each read as typed events across the cores, then folded in order.
        var chunk: [(position: Int64, bytes: [UInt8])] = []
        var reachedAsOf = false
        func fold() throws {
            let events = chunk
            chunk.removeAll(keepingCapacity: true)
            let read = try AcrossCores.map(count: events.count, minimumPerPart: 512) { range in
                try events[range].map { entry -> (RecordedEvent, DomainEvent?) in
                    let event = try entry.bytes.withUnsafeBufferPointer { try RecordedEvent(canonicalBytes: $0) }
                    return (event, try? DomainEvent(stream: event.stream, type: event.type, data: event.data))
                }
            }
            for (entry, (event, domain)) in zip(events, read) {
                if let asOf, event.recordedAt > asOf {
                    reachedAsOf = true
                    return
                }
                let region =
                    pulled.streams[event.stream]?.region
                    ?? StreamName.scopeRegion(stream: event.stream, firstEventData: .object(event.data))
                pulled.streams[event.stream] = LogSnapshot.StreamHead(version: event.version, region: region)
                if let domain { pulled.state.evolve(domain, position: entry.position) }
                pulled.position = entry.position
                pulled.last = event.meta.recordedAt
                pulled.events += 1
            }
        }
        do {
            try journal.forEachPulled(after: pulled.position) { position, bytes in
                chunk.append((position, Array(bytes.bindMemory(to: UInt8.self))))
                if chunk.count == 8_192 { try fold() }
                return !reachedAsOf
            }
            if !reachedAsOf { try fold() }
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(.journal, "a pulled event cannot be read: \(error)")
        }
        if asOf == nil, pulled.events - (saved?.events ?? 0) >= saveAfter {
            // A cache: a state that cannot be saved is replayed again next time.
            try? pulled.save(journal)
        }
        return pulled
    }

    /// Builds the view: the pulled log, then the recorded events in `pending` or `sent` state, in order.
    public init(journal: Journal, principal: Principal, deviceId: String, now: Timestamp = .now) throws(ClientError) {
        let pulled = try LocalView.pulledState(journal)
        self.principal = principal
        self.deviceId = deviceId
        pulledPosition = try journal.cursor()
        let recorded = try journal.recorded([.pending, .sent])
        // The pulled events that recorded events name as their cause, as the server reads the stored
        // events a batch names: an event waiting for a resolution may follow one pulled since.
        let waiting = try journal.recorded([.conflict, .rejected, .blocked, .held])
        let recordedIds = Set((recorded + waiting).map(\.eventId))
        let causes = Set((recorded + waiting).compactMap(\.causationId)).subtracting(recordedIds)
        let snapshot = LogSnapshot(
            stored: try journal.pulledEvents(ids: causes), streams: pulled.streams, nextPosition: pulledPosition + 1,
            recordedAt: now, lastRecordedAt: pulled.last)
        planner = AppendPlanner(snapshot: snapshot, policy: QuotaPolicy(state: pulled.state, recordedAt: now))
        let statuses = planner.plan(recorded.map { $0.proposed(by: principal, deviceId: deviceId) })
        for (event, status) in zip(recorded, statuses) {
            recordedStatuses[event.eventId] = status
            if status.isApplied { latestRecorded[event.stream] = event.eventId }
        }
    }

    /// The state with every applying recorded event folded in.
    public var state: QuotaState { planner.policy.state }

    /// The version a stream is at locally (-1: no such stream).
    public func version(of stream: String) -> Int64 { planner.snapshot.streams[stream]?.version ?? -1 }

    /// Checks new events in order after everything recorded; each is folded in when it applies.
    /// Returns one status per event (the server's vocabulary).
    public mutating func check(_ events: [PendingEvent]) -> [AppendStatus] {
        let statuses = planner.plan(events.map { $0.proposed(by: principal, deviceId: deviceId) })
        for (event, status) in zip(events, statuses) where status.isApplied {
            latestRecorded[event.stream] = event.eventId
        }
        return statuses
    }
}

extension AppendStatus {
    /// The refusal as a clerk reads it: `code (field): message`.
    public var refusal: String? {
        switch self {
        case .accepted, .duplicate: return nil
        case .rejected(let rejection):
            return "rejected, \(rejection.code)\(rejection.field.map { " (\($0))" } ?? ""): \(rejection.message)"
        case .blocked(let cause): return "blocked: waits for \(cause.lowercased)"
        case .conflict(let conflict): return "conflict, \(conflict.code): \(conflict.message)"
        }
    }
}
