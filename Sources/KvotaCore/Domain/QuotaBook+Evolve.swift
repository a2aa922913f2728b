/// How events change a book: the one implementation that `QuotaState.evolve` and the book replay
/// from a snapshot (`QuotaBookReplay`) both use.
extension QuotaBook {
    /// Applies a quota-stream event.
    public mutating func apply(_ event: DomainEvent) {
        switch event {
        case .ceilingSet(_, let ceiling):
            self.ceiling = ceiling
        case .allocationSet(_, let allocation):
            allocations[allocation.region] = allocation.units
        case .reallocationRequested(_, let request):
            requests[request.requestId] = ReallocationRecord(request: request, status: .pending)
        case .reallocationApproved(_, let approval):
            guard var record = requests[approval.requestId] else { return }
            let units = approval.units ?? record.request.units
            record.status = .approved
            record.approvedUnits = units
            requests[approval.requestId] = record
            allocations[record.request.region, default: 0] += units
            if let donor = record.request.fromRegion { allocations[donor, default: 0] -= units }
        case .reallocationRejected(_, let requestId, _):
            requests[requestId]?.status = .rejected
        default:
            return
        }
    }

    /// A permit of this book became active: one more unit in use.
    public mutating func take(_ permit: QuotaTerms) {
        inUse[permit.region, default: 0] += 1
        usage[permit.usageKey, default: 0] += 1
    }

    /// An active permit of this book ended: its unit is free.
    public mutating func release(_ permit: QuotaTerms) {
        inUse[permit.region, default: 0] -= 1
        if let count = usage[permit.usageKey] { usage[permit.usageKey] = count > 1 ? count - 1 : nil }
    }
}
