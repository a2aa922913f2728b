public import Foundation

/// What the log holds that a batch of appends must be checked against, read under the head lock.
public struct LogSnapshot: Sendable {
    public struct StoredEvent: Sendable, Hashable {
        public var position: Int64
        public var version: Int64
        public init(position: Int64, version: Int64) {
            self.position = position
            self.version = version
        }
    }

    public struct StreamHead: Sendable, Hashable {
        /// Last version, -1 when the stream does not exist.
        public var version: Int64
        /// The stream's scope region (see ``StreamName/scopeRegion(stream:firstEventData:)``).
        public var region: String?
        public init(version: Int64, region: String?) {
            self.version = version
            self.region = region
        }
    }

    /// Events already stored, by eventId (only those the batch names as eventId or causationId).
    public var stored: [UUID: StoredEvent]
    /// Heads of the streams the batch writes to (absent: the stream does not exist).
    public var streams: [String: StreamHead]
    /// The position the next appended event gets.
    public var nextPosition: Int64
    /// The `recordedAt` of this append: the database clock, never before the last one stored.
    public var recordedAt: Timestamp
    /// The latest `recordedAt` in the log (and, during planning, of the events planned so far).
    public var lastRecordedAt: Timestamp?

    public init(
        stored: [UUID: StoredEvent], streams: [String: StreamHead], nextPosition: Int64, recordedAt: Timestamp,
        lastRecordedAt: Timestamp? = nil
    ) {
        self.stored = stored
        self.streams = streams
        self.nextPosition = nextPosition
        self.recordedAt = recordedAt
        self.lastRecordedAt = lastRecordedAt
    }
}

/// An event to insert, with its scope region.
public struct PlannedEvent: Sendable {
    public var event: RecordedEvent
    public var scopeRegion: String?
}

/// Decides, for several submitted batches appended in one transaction, what happens to each item
/// (contract, Push: duplicate, rejected, blocked, conflict, accepted, in that precedence), and which
/// events to insert at which positions and versions. Pure: the store runs it under the head lock.
public struct AppendPlanner<Policy: AppendPolicy> {
    public private(set) var snapshot: LogSnapshot
    public private(set) var planned: [PlannedEvent] = []
    /// The policy, with every accepted event applied.
    public private(set) var policy: Policy

    /// Lends the policy out for changing in place (for example, to move its state elsewhere).
    public mutating func withPolicy<R>(_ body: (inout Policy) -> R) -> R { body(&policy) }

    public init(snapshot: LogSnapshot, policy: Policy) {
        self.snapshot = snapshot
        self.policy = policy
    }

    /// Decides one submitted batch, items in order, each against the state the items before it left.
    ///
    /// With `historical`, items carry their own `meta.recordedAt` (the operator's import of a past
    /// history): it must not precede the log's last one. Otherwise an item that sets it is refused:
    /// the server's clock decides.
    public mutating func plan(_ batch: [ProposedEvent], historical: Bool = false) -> [AppendStatus] {
        var statuses: [AppendStatus] = []
        statuses.reserveCapacity(batch.count)
        // eventId of items of this batch that were not applied, by stream and by id.
        var failedStream: [String: UUID] = [:]
        var failedIds: Set<UUID> = []
        var batchIds: Set<UUID> = []
        for item in batch {
            let status = decide(
                item, historical: historical, failedStream: failedStream, failedIds: failedIds, batchIds: batchIds)
            batchIds.insert(item.eventId)
            if !status.isApplied {
                failedIds.insert(item.eventId)
                if failedStream[item.stream] == nil { failedStream[item.stream] = item.eventId }
            }
            statuses.append(status)
        }
        return statuses
    }

    private mutating func decide(
        _ item: ProposedEvent, historical: Bool, failedStream: [String: UUID], failedIds: Set<UUID>, batchIds: Set<UUID>
    ) -> AppendStatus {
        if let stored = snapshot.stored[item.eventId] {
            return .duplicate(position: stored.position, version: stored.version)
        }
        if let malformed = item.malformed { return .rejected(malformed) }
        do {
            try item.validateEnvelope()
        } catch {
            return .rejected(Rejection(error))
        }
        var recordedAt = snapshot.recordedAt
        if let given = item.meta.recordedAt {
            guard historical else {
                return .rejected(
                    Rejection(
                        code: "invalid-field", message: "meta.recordedAt is set by the server", field: "meta.recordedAt"
                    ))
            }
            if let last = snapshot.lastRecordedAt, given < last {
                return .rejected(
                    Rejection(
                        code: "invalid-field",
                        message: "meta.recordedAt \(given) precedes the log's last recordedAt \(last)",
                        field: "meta.recordedAt"))
            }
            recordedAt = given
        }
        if let rejection = policy.rejection(of: item) { return .rejected(rejection) }
        if let cause = item.meta.causationId {
            if failedIds.contains(cause) { return .blocked(by: cause) }
            if snapshot.stored[cause] == nil {
                let message =
                    batchIds.contains(cause)
                    ? "causationId \(cause.lowercased) names an item that is not applied"
                    : "causationId \(cause.lowercased) is neither an earlier item of this batch nor a stored event"
                return .rejected(Rejection(code: "unknown-cause", message: message, field: "causationId"))
            }
        }
        if let earlier = failedStream[item.stream] { return .blocked(by: earlier) }
        let head = snapshot.streams[item.stream]
        let current = head?.version ?? -1
        guard item.expectedVersion.isSatisfied(byCurrent: current) else {
            return .conflict(.version(stream: item.stream, expected: item.expectedVersion, current: current))
        }
        let version = current + 1
        if let verdict = policy.verdict(on: item, version: version) { return verdict }

        let position = snapshot.nextPosition
        var meta = item.meta
        meta.recordedAt = recordedAt
        let event = RecordedEvent(
            eventId: item.eventId, stream: item.stream, version: version, position: position, type: item.type,
            data: item.data, meta: meta)
        let region =
            head.map(\.region) ?? StreamName.scopeRegion(stream: item.stream, firstEventData: .object(item.data))
        planned.append(PlannedEvent(event: event, scopeRegion: region))
        policy.apply(event)
        snapshot.nextPosition += 1
        snapshot.lastRecordedAt = max(snapshot.lastRecordedAt ?? recordedAt, recordedAt)
        snapshot.streams[item.stream] = LogSnapshot.StreamHead(version: version, region: region)
        snapshot.stored[item.eventId] = LogSnapshot.StoredEvent(position: position, version: version)
        return .accepted(position: position, version: version)
    }
}
