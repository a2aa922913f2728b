import Foundation

extension QuotaState {
    /// Folds an accepted event into the state. Total: an event the rules would refuse today (it was
    /// accepted under the state of its time) still applies what it says.
    public mutating func evolve(_ event: DomainEvent, position: Int64) {
        defer { self.position = position }
        switch event {
        case .ceilingSet(let key, _), .allocationSet(let key, _), .reallocationRequested(let key, _),
            .reallocationApproved(let key, _), .reallocationRejected(let key, _, _):
            books[key, default: QuotaBook()].apply(event)
        case .applicationFiled(let id, let filing):
            let terms = QuotaTerms(filing)
            applications[id] = ApplicationRecord(filing: terms, workers: filing.workers, status: .filed, issued: 0)
            if let seat = terms.cat1Seat { openCat1Applications[seat] = id }
        case .applicationApproved(let id):
            applications[id]?.status = .approved
        case .applicationRejected(let id, _):
            closeApplication(id, as: .rejected)
        case .applicationWithdrawn(let id):
            closeApplication(id, as: .withdrawn)
        case .permitIssued(let id, let permit):
            issue(id, permit)
        case .permitExtended(let id, let validUntil):
            permits[id]?.validUntil = validUntil
        case .permitRevoked(let id, _):
            end(id, as: .revoked)
        case .permitExpired(let id):
            end(id, as: .expired)
        case .employerBarred(let bin, let bar):
            bars[bin] = (bars[bin] ?? []) + [BarRecord(bar: bar, lifted: false)]
        case .employerBarLifted(let bin, _):
            _ = bars.update(bin) { records in for index in records.indices { records[index].lifted = true } }
        }
    }

    private mutating func closeApplication(_ id: UUID, as status: ApplicationRecord.Status) {
        let seat = applications.update(id) { record -> Cat1Seat? in
            record.status = status
            return record.filing.cat1Seat
        }
        if let seat = seat ?? nil { releaseCat1Application(seat, id) }
    }

    /// The application no longer holds its `cat1` seat open.
    private mutating func releaseCat1Application(_ seat: Cat1Seat, _ id: UUID) {
        if openCat1Applications[seat] == id { openCat1Applications[seat] = nil }
    }

    private mutating func issue(_ id: UUID, _ permit: PermitIssued) {
        let record = PermitRecord(issued: permit)
        permits[id] = record
        // An application whose workers all have permits no longer holds its cat1 seat open.
        let spent = applications.update(permit.applicationId) { record -> Cat1Seat? in
            record.issued += 1
            return record.issued >= record.workers ? record.filing.cat1Seat : nil
        }
        if let seat = spent ?? nil { releaseCat1Application(seat, permit.applicationId) }
        activeWorkers[record.workerYear] = id
        if let seat = record.permit.cat1Seat { cat1Holders[seat] = id }
        books[record.permit.key, default: QuotaBook()].take(record.permit)
    }

    private mutating func end(_ id: UUID, as status: PermitRecord.Status) {
        let ended = permits.update(id) { record -> PermitRecord? in
            guard record.status == .active else { return nil }
            record.status = status
            return record
        }
        guard let record = ended ?? nil else { return }
        let worker = record.workerYear
        if activeWorkers[worker] == id { activeWorkers[worker] = nil }
        if let seat = record.permit.cat1Seat, cat1Holders[seat] == id { cat1Holders[seat] = nil }
        books[record.permit.key]?.release(record.permit)
    }
}
