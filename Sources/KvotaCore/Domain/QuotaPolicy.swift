public import Foundation

/// The quota rules as the store's append policy: every item is read as a ``DomainEvent`` and
/// decided against the state the items before it left; accepted ones are folded in.
public struct QuotaPolicy: AppendPolicy {
    public var state: QuotaState
    /// The server's clock for this append (the items' `recordedAt`).
    public let recordedAt: Timestamp
    /// Every event accepted in this append, typed, in order.
    public private(set) var accepted: [(position: Int64, event: DomainEvent)] = []
    private var pending: (id: UUID, event: DomainEvent)?
    /// The item `rejection(of:)` last read, so that `verdict` need not read it again.
    private var checked: (id: UUID, event: DomainEvent)?

    /// Items already read as typed events (see ``parse(_:)``), by eventId.
    private let parsed: [UUID: DomainEvent]

    public init(state: QuotaState, recordedAt: Timestamp, parsed: [UUID: DomainEvent] = [:]) {
        self.state = state
        self.recordedAt = recordedAt
        self.parsed = parsed
    }

    /// Reads items as typed events ahead of the append (pure and stateless, so a caller may split the
    /// work across cores); what does not parse is left for `verdict` to refuse with its reason.
    public static func parse(_ events: some Sequence<ProposedEvent>) -> [UUID: DomainEvent] {
        var parsed: [UUID: DomainEvent] = [:]
        for event in events {
            if let domain = try? DomainEvent(stream: event.stream, type: event.type, data: event.data) {
                parsed[event.eventId] = domain
            }
        }
        return parsed
    }

    /// The item read as a typed event and authorized for its writer's role and region.
    public mutating func rejection(of event: ProposedEvent) -> Rejection? {
        switch typed(event) {
        case .failure(let rejection):
            return rejection
        case .success(let domain):
            checked = (event.eventId, domain)
            return state.authorize(domain, context: context(of: event))
        }
    }

    public mutating func verdict(on event: ProposedEvent, version: Int64) -> AppendStatus? {
        let domain: DomainEvent
        if let checked, checked.id == event.eventId {
            domain = checked.event
        } else {
            switch typed(event) {
            case .failure(let rejection): return .rejected(rejection)
            case .success(let typed): domain = typed
            }
        }
        if let refusal = state.decide(domain, context: context(of: event)) { return refusal }
        pending = (event.eventId, domain)
        return nil
    }

    private func typed(_ event: ProposedEvent) -> Result<DomainEvent, Rejection> {
        if let ready = parsed[event.eventId] { return .success(ready) }
        return Result { () throws(Rejection) in
            try DomainEvent(stream: event.stream, type: event.type, data: event.data)
        }
    }

    private func context(of event: ProposedEvent) -> DecisionContext {
        DecisionContext(meta: event.meta, recordedAt: event.meta.recordedAt ?? recordedAt)
    }

    public mutating func apply(_ event: RecordedEvent) {
        guard let pending, pending.id == event.eventId else { return }
        self.pending = nil
        state.evolve(pending.event, position: event.position)
        accepted.append((event.position, pending.event))
    }
}
