import Foundation

/// The quota invariants of the domain brief, as checks an auditor's replay runs at every prefix of
/// the log, independently of the rules that should have kept them (``decide(_:context:)``):
/// allocations within the ceiling, units in use within each allocation (and never negative), one
/// active permit per worker and year, one holder per `cat1` seat. Each breach is reported as the
/// conflict the rules would have given, so that it carries the same code and `current`.
extension QuotaState {
    /// A breach that folding `event` into this state would cause: a permit for a worker who already
    /// holds an active one that year, or for a `cat1` seat already held.
    public func invariantBreach(before event: DomainEvent) -> Conflict? {
        guard case .permitIssued(let id, let permit) = event else { return nil }
        if let holder = activeWorkers[WorkerYear(worker: permit.workerRef, year: permit.year)], holder != id {
            return .duplicateWorker(permit: holder, year: permit.year)
        }
        if let role = permit.cat1Role,
            let holder = cat1Holders[Cat1Seat(employer: permit.employerBin, role: role, title: permit.positionTitle)],
            holder != id
        {
            return .invalidState(
                "seat-filled", "the cat1 seat of employer \(permit.employerBin) has two active holders",
                extra: ["permit": .string(holder.lowercased)])
        }
        return nil
    }

    /// A breach in the quota book `event` touched, in this state (after `event` was folded in): the
    /// regions' allocations over the ceiling, or a region's units in use over its allocation or below zero.
    public func invariantBreach(after event: DomainEvent) -> Conflict? {
        let key: QuotaKey
        /// The regions whose units in use may have moved (every region for a quota-stream event).
        let regions: [Region]
        switch event {
        case .ceilingSet(let touched, _), .allocationSet(let touched, _), .reallocationApproved(let touched, _):
            (key, regions) = (touched, Region.allCases)
        case .permitIssued(_, let permit):
            (key, regions) = (QuotaKey(year: permit.year, line: permit.line), [permit.region])
        case .permitRevoked(let id, _), .permitExpired(let id):
            guard let permit = permits[id]?.permit else { return nil }
            (key, regions) = (permit.key, [permit.region])
        default:
            return nil
        }
        let book = book(key)
        let allocated = book.allocated
        if allocated > book.ceilingUnits {
            return .ceilingExceeded(
                ceiling: book.ceilingUnits, allocated: allocated, shortfall: allocated - book.ceilingUnits,
                "the \(key) allocations total \(allocated), over the ceiling of \(book.ceilingUnits)")
        }
        for region in regions {
            let allocation = book.allocation(region)
            let used = book.used(region)
            if used > allocation || used < 0 || allocation < 0 {
                return .quotaExhausted(
                    region, allocated: allocation, inUse: used, shortfall: max(0, used - allocation),
                    "\(region.rawValue) has \(used) units of \(key) in use against an allocation of \(allocation)")
            }
        }
        return nil
    }
}
