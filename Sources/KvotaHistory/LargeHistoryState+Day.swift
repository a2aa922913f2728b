import Foundation
import KvotaAudit
import KvotaCore

extension LargeHistoryState {
    /// One unit of office work on a working day: a scheduled action, a new application, or a
    /// ministry decision.
    enum Work {
        case action(Action)
        case file
        case requestReallocation
        case bar
    }

    /// The events of `day`: the server's expiries at 00:05, then (on weekdays) the year's quota
    /// decisions when the year begins, and the day's office work spread over office hours.
    mutating func simulateDay() {
        let slot = Int(day.day % Int64(LargeHistoryState.horizon))
        let actions = schedule[slot]
        schedule[slot] = []
        var night: Int64 = 0
        var works: [Work] = []
        works.reserveCapacity(actions.count + 256)
        for action in actions {
            if case .expire(let permit) = action {
                let time = AlmatyClock.instant(day, microsOfDay: 5 * 60 * 1_000_000 + night * 300)
                night += 1
                emit(
                    stream: permit.stream, expected: permit.version, type: "PermitExpired", data: Payload.empty,
                    writer: LargeHistoryState.server, at: time,
                    id: DerivedEventID.once(stream: permit.stream, type: "PermitExpired"))
            } else {
                works.append(.action(action))
            }
        }
        guard LargeHistoryState.isWeekday(day) else {
            precondition(works.isEmpty, "office work scheduled on a weekend")
            return
        }
        let year = day.year
        if setUpYear != year {
            setUpYear = year
            setUpQuota(year: year, at: AlmatyClock.instant(day, hour: 9, minute: 0, second: 12))
        }
        works += [Work](repeating: .file, count: 170 + rng.below(61))
        let dayOfMonth = day.components.day
        if dayOfMonth >= 10 && dayOfMonth <= 14 && requests < Int((year - 2026) * 12 + day.components.month) {
            requests += 1
            works.append(.requestReallocation)
        }
        if day.day % 45 == 0 { works.append(.bar) }
        rng.shuffle(&works)
        let start = AlmatyClock.instant(day, hour: 9, minute: 5).microseconds
        let step = Int64(8 * 3600 + 40 * 60) * 1_000_000 / Int64(works.count + 1)
        for (k, work) in works.enumerated() {
            let time = Timestamp(microsecondsSinceEpoch: start + Int64(k) * step + Int64(rng.below(Int(step / 2))))
            perform(work, at: time)
        }
    }

    /// The year's ceilings and allocations of both lines (one ministry batch each).
    mutating func setUpQuota(year: Int64, at time: Timestamp) {
        for (line, ceiling, allocation) in [
            (QuotaLine.foreignLabour, LargeHistoryState.ceiling, LargeHistoryState.allocation),
            (QuotaLine.householdImmigrant, Int64(300_000), Int64(14_000)),
        ] {
            let stream = QuotaKey(year: year, line: line).stream
            emit(
                stream: stream, expected: quotaVersion(year: year, line: line), type: "CeilingSet",
                data: Payload.ceilingSet(
                    units: ceiling, percent: nil, laborForce: nil, basis: "Benchmark ceiling for \(year)"),
                writer: LargeHistoryState.ministry, at: time)
            for region in Region.allCases {
                emit(
                    stream: stream, expected: quotaVersion(year: year, line: line), type: "AllocationSet",
                    data: Payload.allocationSet(region: region, units: allocation), writer: LargeHistoryState.ministry,
                    at: time)
            }
        }
    }

    mutating func perform(_ work: Work, at time: Timestamp) {
        switch work {
        case .file: file(at: time)
        case .action(let action): perform(action, at: time)
        case .requestReallocation:
            let region = requests % 20
            let requestId = "bench-\(day.year)-\(requests)"
            emit(
                stream: QuotaKey(year: day.year, line: .foreignLabour).stream,
                expected: quotaVersion(year: day.year, line: .foreignLabour), type: "ReallocationRequested",
                data: Payload.reallocationRequested(
                    requestId: requestId, region: Region.allCases[region], units: 1_000, fromRegion: nil,
                    justification: "Benchmark: more units for the season"),
                writer: office(region), at: time)
            plan(
                .answerReallocation(year: day.year, requestId: requestId, asked: 1_000, approve: requests % 4 != 3),
                on: LargeHistoryState.weekday(onOrAfter: day.adding(days: 3)))
        case .bar:
            let bin = LargeHistoryState.bin(index: 30_000_000 + nextViolator)
            nextViolator += 1
            emit(
                stream: "employer-\(bin)", expected: -1, type: "EmployerBarred",
                data: Payload.employerBarred(
                    from: day, until: day.adding(months: 12), reason: "Benchmark: labour inspection finding"),
                writer: LargeHistoryState.ministry, at: time)
            plan(.liftBar(bin: bin), on: LargeHistoryState.weekday(onOrAfter: day.adding(days: 30)))
        }
    }

    /// A new application: mostly pooled employers; `cat1` first heads at employers of their own.
    mutating func file(at time: Timestamp) {
        let region = rng.below(20)
        let cat1 = rng.chance(0.04)
        let category = cat1 ? PermitCategory.cat1 : rng.pick(LargeHistoryState.categories)
        let bin: String
        if cat1 {
            bin = LargeHistoryState.bin(index: 2_000_000 + nextCat1Employer)
            nextCat1Employer += 1
        } else {
            bin = employers[rng.below(employers.count)]
        }
        let id = rng.uuid()
        let application = Application(
            id: id, stream: "application-\(id.lowercased)", region: region, year: day.year, bin: bin,
            category: category,
            sector: rng.pick(LargeHistoryState.sectors), country: rng.pick(LargeHistoryState.countries), cat1: cat1)
        let workers = cat1 ? 1 : min(30, 1 + Int(-log(1 - rng.unit()) * 3))
        let posted = day.adding(days: -Int64(3 + rng.below(38)))
        emit(
            stream: application.stream, expected: -1, type: "ApplicationFiled",
            data: Payload.applicationFiled(
                region: Region.allCases[region], year: application.year, employerBin: bin, category: category,
                workers: Int64(workers), sector: application.sector, country: application.country,
                vacancyRef: "enbek-\(posted.year)-\(100_000 + rng.below(900_000))", vacancyPostedOn: posted,
                cat1Role: cat1 ? .firstHead : nil, positionTitle: cat1 ? "General Director" : nil),
            writer: office(region), at: time)
        let decision = LargeHistoryState.weekday(onOrAfter: day.adding(days: Int64(2 + rng.below(5))))
        let outcome = rng.unit()
        if outcome < 0.03 {
            plan(.reject(application), on: decision)
        } else if outcome < 0.05 {
            plan(.withdraw(application, version: 0), on: decision)
        } else {
            plan(.approve(application, workers: workers), on: decision)
        }
    }

    mutating func perform(_ action: Action, at time: Timestamp) {
        switch action {
        case .approve(let application, let workers):
            emit(
                stream: application.stream, expected: 0, type: "ApplicationApproved", data: Payload.empty,
                writer: office(application.region), at: time)
            let issued = workers > 1 && rng.chance(0.1) ? workers - 1 : workers
            for _ in 0..<issued {
                plan(
                    .issue(application),
                    on: LargeHistoryState.weekday(onOrAfter: day.adding(days: Int64(1 + rng.below(10)))))
            }
            if issued < workers && rng.chance(0.5) {
                plan(.withdraw(application, version: 1), on: LargeHistoryState.weekday(onOrAfter: day.adding(days: 14)))
            }
        case .reject(let application):
            emit(
                stream: application.stream, expected: 0, type: "ApplicationRejected",
                data: Payload.reason("Benchmark: documents incomplete"), writer: office(application.region), at: time)
        case .withdraw(let application, let version):
            emit(
                stream: application.stream, expected: version, type: "ApplicationWithdrawn", data: Payload.empty,
                writer: office(application.region), at: time)
        case .issue(let application):
            issue(application, at: time)
        case .extend(var permit):
            let until = permit.validUntil.adding(days: Int64(30 + rng.below(151)))
            emit(
                stream: permit.stream, expected: permit.version, type: "PermitExtended",
                data: Payload.validUntil(until),
                writer: office(permit.region), at: time)
            permit.version += 1
            permit.validUntil = until
            end(permit, after: day)
        case .revoke(let permit):
            emit(
                stream: permit.stream, expected: permit.version, type: "PermitRevoked",
                data: Payload.reason("Benchmark: contract ended early"), writer: office(permit.region), at: time)
        case .expire:
            preconditionFailure("expiries are written at night")
        case .liftBar(let bin):
            emit(
                stream: "employer-\(bin)", expected: 0, type: "EmployerBarLifted",
                data: Payload.reason("Benchmark: bar lifted"),
                writer: LargeHistoryState.ministry, at: time)
        case .answerReallocation(let year, let requestId, let asked, let approve):
            let stream = QuotaKey(year: year, line: .foreignLabour).stream
            let expected = quotaVersion(year: year, line: .foreignLabour)
            if approve {
                emit(
                    stream: stream, expected: expected, type: "ReallocationApproved",
                    data: Payload.reallocationApproved(requestId: requestId, units: asked * 4 / 5),
                    writer: LargeHistoryState.ministry, at: time)
            } else {
                emit(
                    stream: stream, expected: expected, type: "ReallocationRejected",
                    data: Payload.reallocationRejected(requestId: requestId, reason: "Benchmark: reserve kept"),
                    writer: LargeHistoryState.ministry, at: time)
            }
        }
    }

    /// Issues one permit of `application`, valid from today for 60 to 365 days, and plans its end:
    /// mostly expiry, sometimes an extension first, sometimes a revocation.
    mutating func issue(_ application: Application, at time: Timestamp) {
        let id = rng.uuid()
        let from = day
        let until = from.adding(days: Int64(59 + rng.below(306)))
        let replaceBy: CalendarDate? =
            application.category == .cat4 && rng.chance(0.7)
            ? min(from.adding(months: Int64(6 + rng.below(7))), from.adding(months: 12)) : nil
        let permit = Permit(
            stream: "permit-\(id.lowercased)", region: application.region, version: 0, validUntil: until)
        emit(
            stream: permit.stream, expected: -1, type: "PermitIssued",
            data: Payload.permitIssued(
                region: Region.allCases[application.region], year: application.year, applicationId: application.id,
                employerBin: application.bin, category: application.category, workerRef: rng.hex64(),
                sector: application.sector,
                country: application.country, validFrom: from, validUntil: until, replaceBy: replaceBy,
                cat1Role: application.cat1 ? .firstHead : nil,
                positionTitle: application.cat1 ? "General Director" : nil),
            writer: office(application.region), at: time)
        if rng.chance(0.13) {
            let target = until.adding(days: -Int64(3 + rng.below(25)))
            plan(.extend(permit), on: LargeHistoryState.weekday(onOrAfter: max(target, day.adding(days: 1))))
        } else {
            end(permit, after: day)
        }
    }

    /// Plans the end of an active permit: revocation (12%) on a weekday before its last valid day,
    /// else expiry the night after it.
    mutating func end(_ permit: Permit, after today: CalendarDate) {
        let span = permit.validUntil.day - today.day
        if span > 12 && rng.chance(0.12) {
            let target = today.adding(days: Int64(1 + rng.below(Int(span - 10))))
            plan(.revoke(permit), on: LargeHistoryState.weekday(onOrAfter: target))
        } else {
            plan(.expire(permit), on: permit.validUntil.adding(days: 1))
        }
    }
}
