public import KvotaCore

/// An event of a generated history, with the server time it is recorded at when imported.
public struct HistoricalEvent: Sendable, Hashable {
    public var event: ProposedEvent
    /// Non-decreasing along a history.
    public var recordedAt: Timestamp

    public init(event: ProposedEvent, recordedAt: Timestamp) {
        self.event = event
        self.recordedAt = recordedAt
    }

    /// The event with its `meta.recordedAt` set, as the operator import path takes it.
    public var stamped: ProposedEvent {
        var stamped = event
        stamped.meta.recordedAt = recordedAt
        return stamped
    }
}
