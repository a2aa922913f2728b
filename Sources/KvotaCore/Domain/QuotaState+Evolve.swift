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
            applications[id] = ApplicationRecord(filing: filing, status: .filed, issued: 0)
            if let seat = filing.cat1Seat { openCat1Applications[seat] = id }
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
        permits[id] = PermitRecord(permit: permit, status: .active, validUntil: permit.validUntil)
        // An application whose workers all have permits no longer holds its cat1 seat open.
        let spent = applications.update(permit.applicationId) { record -> Cat1Seat? in
            record.issued += 1
            return record.issued >= record.filing.workers ? record.filing.cat1Seat : nil
        }
        if let seat = spent ?? nil { releaseCat1Application(seat, permit.applicationId) }
        activeWorkers[WorkerYear(worker: permit.workerRef, year: permit.year)] = id
        if let role = permit.cat1Role {
            cat1Holders[Cat1Seat(employer: permit.employerBin, role: role, title: permit.positionTitle)] = id
        }
        books[QuotaKey(year: permit.year, line: permit.line), default: QuotaBook()].take(permit)
    }

    private mutating func end(_ id: UUID, as status: PermitRecord.Status) {
        let ended = permits.update(id) { record -> PermitIssued? in
            guard record.status == .active else { return nil }
            record.status = status
            return record.permit
        }
        guard let permit = ended ?? nil else { return }
        let worker = WorkerYear(worker: permit.workerRef, year: permit.year)
        if activeWorkers[worker] == id { activeWorkers[worker] = nil }
        if let role = permit.cat1Role {
            let seat = Cat1Seat(employer: permit.employerBin, role: role, title: permit.positionTitle)
            if cat1Holders[seat] == id { cat1Holders[seat] = nil }
        }
        books[QuotaKey(year: permit.year, line: permit.line)]?.release(permit)
    }
}

extension ApplicationFiled {
    /// The `cat1` seat the application is for; nil for other categories.
    var cat1Seat: Cat1Seat? {
        cat1Role.map { Cat1Seat(employer: employerBin, role: $0, title: positionTitle) }
    }
}

extension PermitIssued {
    public var usageKey: UsageKey {
        UsageKey(region: region, category: category, country: countryOfOrigin, sector: sector)
    }
}
