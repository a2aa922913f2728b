public import Foundation

/// The quota books at a past position, replayed from a snapshot of the books (or from nothing) by
/// the same `QuotaBook` changes `QuotaState.evolve` makes. Only books are kept, so a permit that ends
/// after the snapshot but was issued before it needs its issue facts from the caller.
public struct QuotaBookReplay: Sendable {
    public private(set) var books: [QuotaKey: QuotaBook]
    public private(set) var position: Int64
    /// Permits issued within the replay.
    private var issued: [UUID: QuotaTerms] = [:]

    public init(books: [QuotaKey: QuotaBook] = [:], position: Int64 = -1) {
        self.books = books
        self.position = position
    }

    /// Permits these events end that were issued before the replay started: their facts are needed.
    public func missingPermits(in events: [DomainEvent]) -> Set<UUID> {
        var known = Set(issued.keys)
        var missing: Set<UUID> = []
        for event in events {
            switch event {
            case .permitIssued(let id, _): known.insert(id)
            case .permitRevoked(let id, _), .permitExpired(let id): if !known.contains(id) { missing.insert(id) }
            default: continue
            }
        }
        return missing
    }

    /// Applies an event at `position`; `facts` gives the issue of a permit issued before the replay.
    public mutating func apply(_ event: DomainEvent, position: Int64, facts: [UUID: PermitIssued]) {
        self.position = position
        switch event {
        case .ceilingSet(let key, _), .allocationSet(let key, _), .reallocationRequested(let key, _),
            .reallocationApproved(let key, _), .reallocationRejected(let key, _, _):
            books[key, default: QuotaBook()].apply(event)
        case .permitIssued(let id, let permit):
            let terms = QuotaTerms(permit)
            issued[id] = terms
            books[terms.key, default: QuotaBook()].take(terms)
        case .permitRevoked(let id, _), .permitExpired(let id):
            // Accepted only while active, so the unit is always released.
            guard let permit = issued.removeValue(forKey: id) ?? facts[id].map(QuotaTerms.init) else { return }
            books[permit.key]?.release(permit)
        default:
            return
        }
    }

    /// Moves the position past an event that does not touch the books.
    public mutating func skip(to position: Int64) { self.position = position }
}
