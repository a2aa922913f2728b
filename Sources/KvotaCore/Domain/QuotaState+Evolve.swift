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
            if let role = filing.cat1Role {
                openCat1Applications[Cat1Seat(employer: filing.employerBin, role: role, title: filing.positionTitle)] =
                    id
            }
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
            if let records = bars[bin] { bars[bin] = records.map { BarRecord(bar: $0.bar, lifted: true) } }
        }
    }

    private mutating func closeApplication(_ id: UUID, as status: ApplicationRecord.Status) {
        guard var record = applications[id] else { return }
        record.status = status
        applications[id] = record
        releaseCat1Application(record, id)
    }

    private mutating func releaseCat1Application(_ record: ApplicationRecord, _ id: UUID) {
        guard let role = record.filing.cat1Role else { return }
        let seat = Cat1Seat(employer: record.filing.employerBin, role: role, title: record.filing.positionTitle)
        if openCat1Applications[seat] == id { openCat1Applications[seat] = nil }
    }

    private mutating func issue(_ id: UUID, _ permit: PermitIssued) {
        permits[id] = PermitRecord(permit: permit, status: .active, validUntil: permit.validUntil)
        if var application = applications[permit.applicationId] {
            application.issued += 1
            applications[permit.applicationId] = application
            if application.issued >= application.filing.workers {
                releaseCat1Application(application, permit.applicationId)
            }
        }
        activeWorkers[WorkerYear(worker: permit.workerRef, year: permit.year)] = id
        if let role = permit.cat1Role {
            cat1Holders[Cat1Seat(employer: permit.employerBin, role: role, title: permit.positionTitle)] = id
        }
        books[QuotaKey(year: permit.year, line: permit.line), default: QuotaBook()].take(permit)
    }

    private mutating func end(_ id: UUID, as status: PermitRecord.Status) {
        guard var record = permits[id], record.status == .active else { return }
        record.status = status
        permits[id] = record
        let permit = record.permit
        let worker = WorkerYear(worker: permit.workerRef, year: permit.year)
        if activeWorkers[worker] == id { activeWorkers[worker] = nil }
        if let role = permit.cat1Role {
            let seat = Cat1Seat(employer: permit.employerBin, role: role, title: permit.positionTitle)
            if cat1Holders[seat] == id { cat1Holders[seat] = nil }
        }
        books[QuotaKey(year: permit.year, line: permit.line)]?.release(permit)
    }
}

extension PermitIssued {
    public var usageKey: UsageKey {
        UsageKey(region: region, category: category, country: countryOfOrigin, sector: sector)
    }
}
