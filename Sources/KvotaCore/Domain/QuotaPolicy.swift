import Foundation

/// The quota rules as the store's append policy: every item is read as a ``DomainEvent`` and
/// decided against the state the items before it left; accepted ones are folded in.
public struct QuotaPolicy: AppendPolicy {
    public var state: QuotaState
    /// The server's clock for this append (the items' `recordedAt`).
    public let recordedAt: Timestamp
    /// Every event accepted in this append, typed, in order.
    public private(set) var accepted: [(position: Int64, event: DomainEvent)] = []
    private var pending: (id: UUID, event: DomainEvent)?

    public init(state: QuotaState, recordedAt: Timestamp) {
        self.state = state
        self.recordedAt = recordedAt
    }

    public mutating func verdict(on event: ProposedEvent, version: Int64) -> AppendStatus? {
        let domain: DomainEvent
        do {
            domain = try DomainEvent(stream: event.stream, type: event.type, data: event.data)
        } catch {
            return .rejected(error)
        }
        let context = DecisionContext(meta: event.meta, recordedAt: event.meta.recordedAt ?? recordedAt)
        if let refusal = state.decide(domain, context: context) { return refusal }
        pending = (event.eventId, domain)
        return nil
    }

    public mutating func apply(_ event: RecordedEvent) {
        guard let pending, pending.id == event.eventId else { return }
        self.pending = nil
        state.evolve(pending.event, position: event.position)
        accepted.append((event.position, pending.event))
    }
}
