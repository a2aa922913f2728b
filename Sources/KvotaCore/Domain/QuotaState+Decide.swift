import Foundation

extension QuotaState {
    /// Whether `event` may join the log now: nil when it may, else the rejection (the item is wrong:
    /// `forbidden`, `invalid-field`) or the conflict (it is right, but today's state forbids it).
    public func decide(_ event: DomainEvent, context: DecisionContext) -> AppendStatus? {
        if let refusal = authorize(event, context: context) { return .rejected(refusal) }
        do {
            try check(event, context: context)
            return nil
        } catch let failure as Conflict {
            return .conflict(failure)
        } catch let failure as Rejection {
            return .rejected(failure)
        } catch {
            return .rejected(Rejection(code: "invalid-field", message: "\(error)"))
        }
    }

    // MARK: Roles

    /// Role rules: the ministry sets quotas, allocations, approvals and bars; a region files,
    /// issues and asks for units in its own region only; the server alone records expiry.
    func authorize(_ event: DomainEvent, context: DecisionContext) -> Rejection? {
        func ministry(_ what: String) -> Rejection? {
            context.role == "ministry" ? nil : .forbidden("only the ministry may \(what)")
        }
        func ownRegion(_ region: Region?, _ what: String) -> Rejection? {
            guard context.role == "region" else { return .forbidden("only a regional office may \(what)") }
            guard let region, let own = context.region, region == own else {
                return .forbidden(
                    "a token of \(context.region?.rawValue ?? "no region") may not \(what) for \(region?.rawValue ?? "an unknown region")"
                )
            }
            return nil
        }
        switch event {
        case .ceilingSet: return ministry("set a ceiling")
        case .allocationSet: return ministry("set an allocation")
        case .reallocationApproved: return ministry("approve a reallocation")
        case .reallocationRejected: return ministry("reject a reallocation")
        case .employerBarred: return ministry("bar an employer")
        case .employerBarLifted: return ministry("lift an employer's bar")
        case .reallocationRequested(_, let request): return ownRegion(request.region, "request a reallocation")
        case .applicationFiled(_, let filing): return ownRegion(filing.region, "file an application")
        case .permitIssued(_, let permit): return ownRegion(permit.region, "issue a permit")
        case .applicationApproved(let id), .applicationRejected(let id, _), .applicationWithdrawn(let id):
            return ownRegion(applications[id]?.filing.region ?? context.region, "decide on an application")
        case .permitExtended(let id, _), .permitRevoked(let id, _):
            return ownRegion(permits[id]?.permit.region ?? context.region, "change a permit")
        case .permitExpired:
            return context.role == "system" ? nil : .forbidden("only the server records a permit's expiry")
        }
    }

    // MARK: Rules

    private func check(_ event: DomainEvent, context: DecisionContext) throws {
        switch event {
        case .ceilingSet(let key, let ceiling):
            let book = book(key)
            if ceiling.units < book.allocated {
                throw Conflict.ceilingExceeded(
                    ceiling: ceiling.units, allocated: book.allocated, shortfall: book.allocated - ceiling.units,
                    "the \(key) ceiling cannot be \(ceiling.units): \(book.allocated) units are allocated to regions, "
                        + "\(book.allocated - ceiling.units) too many; lower the allocations first, in the same batch")
            }
        case .allocationSet(let key, let allocation):
            let book = book(key)
            let allocated = book.allocated - book.allocation(allocation.region) + allocation.units
            if allocated > book.ceilingUnits {
                throw Conflict.ceilingExceeded(
                    ceiling: book.ceilingUnits, allocated: allocated, shortfall: allocated - book.ceilingUnits,
                    "allocating \(allocation.units) units to \(allocation.region.rawValue) would bring the \(key) "
                        + "allocations to \(allocated), over the ceiling of \(book.ceilingUnits) by \(allocated - book.ceilingUnits)"
                )
            }
            let used = book.used(allocation.region)
            if allocation.units < used {
                throw Conflict.quotaExhausted(
                    allocation.region, allocated: allocation.units, inUse: used, shortfall: used - allocation.units,
                    "\(allocation.region.rawValue) has \(used) units in use; its allocation cannot go down to "
                        + "\(allocation.units) (short by \(used - allocation.units))")
            }
        case .reallocationRequested(let key, let request):
            if let existing = book(key).requests[request.requestId] {
                throw Conflict.invalidState(
                    existing.status.rawValue,
                    "reallocation request \(request.requestId) exists already (\(existing.status.rawValue))")
            }
        case .reallocationApproved(let key, let approval):
            try checkApproval(key, approval)
        case .reallocationRejected(let key, let requestId, _):
            let status = book(key).requests[requestId]?.status
            guard status == .pending else {
                throw Conflict.invalidState(
                    status?.rawValue ?? "unknown",
                    "reallocation request \(requestId) is \(status?.rawValue ?? "unknown"), not pending")
            }
        case .applicationFiled(let id, let filing):
            try checkFiling(id, filing, context: context)
        case .applicationApproved(let id):
            try requireApplication(id, in: [.filed], to: "approve")
        case .applicationRejected(let id, _):
            try requireApplication(id, in: [.filed], to: "reject")
        case .applicationWithdrawn(let id):
            try requireApplication(id, in: [.filed, .approved], to: "withdraw")
        case .permitIssued(let id, let permit):
            try checkIssue(id, permit, context: context)
        case .permitExtended(let id, let validUntil):
            let record = try requireActivePermit(id, to: "extend")
            guard validUntil > record.validUntil else {
                throw Rejection.field(
                    "data.validUntil", "must be after the permit's current last valid day \(record.validUntil)")
            }
        case .permitRevoked(let id, _):
            _ = try requireActivePermit(id, to: "revoke")
        case .permitExpired(let id):
            let record = try requireActivePermit(id, to: "expire")
            guard record.validUntil < context.today else {
                throw Conflict.invalidState(
                    "active",
                    "permit \(id.lowercased) is valid until \(record.validUntil); it cannot expire on \(context.today)")
            }
        case .employerBarred:
            break
        case .employerBarLifted(let bin, _):
            guard bars[bin]?.contains(where: { !$0.lifted && $0.bar.until > context.today }) == true else {
                throw Conflict.invalidState("not-barred", "employer \(bin) is not barred")
            }
        }
    }

    private func checkApproval(_ key: QuotaKey, _ approval: ReallocationApproved) throws {
        let book = book(key)
        guard let record = book.requests[approval.requestId], record.status == .pending else {
            let state = book.requests[approval.requestId]?.status.rawValue ?? "unknown"
            throw Conflict.invalidState(state, "reallocation request \(approval.requestId) is \(state), not pending")
        }
        let units = approval.units ?? record.request.units
        guard units <= record.request.units else {
            throw Rejection.field("data.units", "must not exceed the \(record.request.units) units requested")
        }
        if let donor = record.request.fromRegion {
            let spare = book.available(donor)
            if units > spare {
                throw Conflict.quotaExhausted(
                    donor, allocated: book.allocation(donor), inUse: book.used(donor), shortfall: units - spare,
                    "\(donor.rawValue) can give \(spare) units without touching permits in use; \(units) asked (short by \(units - spare))"
                )
            }
        } else {
            let reserve = book.ceilingUnits - book.allocated
            if units > reserve {
                throw Conflict.ceilingExceeded(
                    ceiling: book.ceilingUnits, allocated: book.allocated, shortfall: units - reserve,
                    "the unallocated \(key) reserve holds \(reserve) units; \(units) asked (short by \(units - reserve))"
                )
            }
        }
    }

    private func checkFiling(_ id: UUID, _ filing: ApplicationFiled, context: DecisionContext) throws {
        if let existing = applications[id] {
            throw Conflict.invalidState(existing.status.rawValue, "application \(id.lowercased) exists already")
        }
        let filedOn = CalendarDate(almatyDayOf: context.occurredAt)
        guard filing.vacancyPostedOn < filedOn else {
            throw Rejection.field(
                "data.vacancyPostedOn",
                "must be before the filing date \(filedOn): the vacancy is posted on enbek.kz before an application is filed"
            )
        }
        if let until = barUntil(filing.employerBin, on: context.today) {
            throw Conflict.employerBarred(filing.employerBin, until: until)
        }
        if let role = filing.cat1Role {
            let seat = Cat1Seat(employer: filing.employerBin, role: role, title: filing.positionTitle)
            try requireFree(seat)
            if let open = openCat1Applications[seat] {
                throw Conflict.invalidState(
                    "seat-applied",
                    "application \(open.lowercased) is open for the \(seat.label) of employer \(filing.employerBin)",
                    extra: ["application": .string(open.lowercased)])
            }
        }
    }

    private func checkIssue(_ id: UUID, _ permit: PermitIssued, context: DecisionContext) throws {
        if let existing = permits[id] {
            throw Conflict.invalidState(existing.status.rawValue, "permit \(id.lowercased) exists already")
        }
        guard let application = applications[permit.applicationId] else {
            throw Rejection.field("data.applicationId", "names no application known to this region")
        }
        let filing = application.filing
        guard filing.region == permit.region, filing.employerBin == permit.employerBin,
            filing.category == permit.category,
            filing.year == permit.year, filing.line == permit.line
        else {
            throw Rejection.field(
                "data.applicationId",
                "names an application for another region, employer, category, year or line "
                    + "(\(filing.region.rawValue), \(filing.employerBin), \(filing.category.rawValue), \(filing.year))")
        }
        if let until = barUntil(permit.employerBin, on: context.today) {
            throw Conflict.employerBarred(permit.employerBin, until: until)
        }
        if let holder = activeWorkers[WorkerYear(worker: permit.workerRef, year: permit.year)] {
            throw Conflict.duplicateWorker(permit: holder, year: permit.year)
        }
        guard application.status == .approved, application.issued < application.workers else {
            throw Conflict.applicationExhausted(
                permit.applicationId, workers: application.workers, issued: application.issued,
                state: application.status.rawValue)
        }
        if permit.cat1Role != filing.cat1Role {
            throw Rejection.field("data.cat1Role", "must be the application's (\(filing.cat1Role?.rawValue ?? "none"))")
        }
        if let role = permit.cat1Role,
            Cat1Seat(employer: permit.employerBin, role: role, title: permit.positionTitle)
                != Cat1Seat(employer: filing.employerBin, role: role, title: filing.positionTitle)
        {
            throw Rejection.field("data.positionTitle", "must be the application's (\(filing.positionTitle ?? ""))")
        }
        if let role = permit.cat1Role {
            try requireFree(Cat1Seat(employer: permit.employerBin, role: role, title: permit.positionTitle))
        }
        let book = book(QuotaKey(year: permit.year, line: permit.line))
        let allocated = book.allocation(permit.region)
        let used = book.used(permit.region)
        if used + 1 > allocated {
            throw Conflict.quotaExhausted(
                permit.region, allocated: allocated, inUse: used, shortfall: used + 1 - allocated,
                "\(permit.region.rawValue) has used all \(allocated) units of its \(permit.year) allocation; "
                    + "ask the ministry for a reallocation")
        }
    }

    /// A `cat1` seat may have one active holder.
    private func requireFree(_ seat: Cat1Seat) throws {
        if let holder = cat1Holders[seat] {
            throw Conflict.invalidState(
                "seat-filled", "the \(seat.label) of employer \(seat.employer) is held by permit \(holder.lowercased)",
                extra: ["permit": .string(holder.lowercased)])
        }
    }

    private func requireApplication(_ id: UUID, in allowed: Set<ApplicationRecord.Status>, to verb: String) throws {
        let status = applications[id]?.status
        guard let status, allowed.contains(status) else {
            let state = status?.rawValue ?? "unknown"
            throw Conflict.invalidState(state, "cannot \(verb) application \(id.lowercased): it is \(state)")
        }
    }

    private func requireActivePermit(_ id: UUID, to verb: String) throws -> PermitRecord {
        guard let record = permits[id], record.status == .active else {
            let state = permits[id]?.status.rawValue ?? "unknown"
            throw Conflict.invalidState(state, "cannot \(verb) permit \(id.lowercased): it is \(state)")
        }
        return record
    }
}

extension Cat1Seat {
    var label: String { role == .firstHead ? "first head" : "deputy for \(title ?? "")" }
}
