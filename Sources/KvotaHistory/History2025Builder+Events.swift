import KvotaAudit
import KvotaCore

extension History2025Builder {
    /// The regions' events (applications and permits), the server's expiries and the ministry's
    /// bar on one employer.
    mutating func writeClerkEvents() {
        var expiries: [(night: CalendarDate, permit: Int)] = []
        for a in applications.indices {
            let application = applications[a]
            let employer = employers[application.employer]
            let region = employer.region
            let stream = "application-\(application.id.lowercased)"
            addRegionEvent(
                region, day: application.fileDay, stream: stream, type: "ApplicationFiled",
                data: Payload.applicationFiled(
                    region: region, year: 2025, employerBin: employer.bin, category: application.category,
                    workers: Int64(application.workers), sector: employer.sector, country: application.country,
                    vacancyRef: application.vacancyRef, vacancyPostedOn: application.vacancyPostedOn,
                    cat1Role: application.cat1Role, positionTitle: application.positionTitle))
            switch application.outcome {
            case .approved:
                addRegionEvent(
                    region, day: application.decisionDay, stream: stream, type: "ApplicationApproved",
                    data: Payload.empty)
            case .rejected(let reason):
                addRegionEvent(
                    region, day: application.decisionDay, stream: stream, type: "ApplicationRejected",
                    data: Payload.reason(reason))
            case .withdrawn(let approvedFirst):
                addRegionEvent(
                    region, day: application.decisionDay, stream: stream,
                    type: approvedFirst ? "ApplicationApproved" : "ApplicationWithdrawn", data: Payload.empty)
            }
            if let day = application.withdrawDay {
                addRegionEvent(region, day: day, stream: stream, type: "ApplicationWithdrawn", data: Payload.empty)
            }
            for p in application.permits {
                let permit = permits[p]
                let permitStream = "permit-\(permit.id.lowercased)"
                addRegionEvent(
                    region, day: permit.issueDay, stream: permitStream, type: "PermitIssued",
                    data: Payload.permitIssued(
                        region: region, year: 2025, applicationId: application.id, employerBin: employer.bin,
                        category: application.category, workerRef: permit.workerRef, sector: employer.sector,
                        country: application.country, validFrom: permit.validFrom, validUntil: permit.validUntil,
                        replaceBy: permit.replaceBy, cat1Role: permit.cat1Role, positionTitle: permit.positionTitle),
                    usage: 1)
                if let (day, until) = permit.extension_ {
                    addRegionEvent(
                        region, day: day, stream: permitStream, type: "PermitExtended", data: Payload.validUntil(until))
                }
                switch permit.fate {
                case .active: break
                case .revoked(let day, let reason):
                    addRegionEvent(
                        region, day: day, stream: permitStream, type: "PermitRevoked", data: Payload.reason(reason),
                        usage: -1)
                case .expired:
                    expiries.append((permit.finalUntil.adding(days: 1), p))
                }
            }
        }
        writeExpiries(expiries)
        writeBar()
    }

    /// `PermitExpired` from the server's sweep at 00:05 Almaty the night after the last valid day.
    mutating func writeExpiries(_ expiries: [(night: CalendarDate, permit: Int)]) {
        let ordered = expiries.sorted {
            $0.night != $1.night
                ? $0.night < $1.night : permits[$0.permit].id.lowercased < permits[$1.permit].id.lowercased
        }
        var night = CalendarDate(daysSinceEpoch: 0)
        var index: Int64 = 0
        for (day, p) in ordered {
            if day != night {
                night = day
                index = 0
            }
            let time = AlmatyClock.instant(day, microsOfDay: Int64(5 * 60) * 1_000_000 + index * 1_500)
            index += 1
            let stream = "permit-\(permits[p].id.lowercased)"
            let region = employers[applications[permits[p].application].employer].region
            drafts.append(
                EventDraft(
                    recordedAt: time, occurredAt: time, seq: nextSeq(), stream: stream, type: "PermitExpired",
                    data: Payload.empty,
                    writer: .system, usage: (region, -1),
                    fixedId: DerivedEventID.once(stream: stream, type: "PermitExpired")))
        }
    }

    /// The ministry bars one employer in May after an inspection, and lifts the bar in August after
    /// a court annuls the inspection act. Its applications and permits fall outside those months.
    mutating func writeBar() {
        let bin = employers[barredEmployer].bin
        let stream = "employer-\(bin)"
        let from = History2025Builder.barFrom
        addMinistryEvent(
            at: AlmatyClock.instant(from, hour: 14, minute: 20, second: 11, micro: 402_118), stream: stream,
            type: "EmployerBarred",
            data: Payload.employerBarred(
                from: from, until: from.adding(months: 12),
                reason:
                    "labour inspection act No. 79-2025-0412: foreign workers employed in positions not covered by their permits"
            ))
        addMinistryEvent(
            at: AlmatyClock.instant(History2025Builder.barLifted, hour: 11, minute: 40, second: 37, micro: 90_551),
            stream: stream,
            type: "EmployerBarLifted",
            data: Payload.reason(
                "inspection act No. 79-2025-0412 annulled by the specialised inter-district economic court of Shymkent")
        )
    }

    /// Rural offices that lost their connection: every application and permit event of the region
    /// over three to four working days is recorded at once when the device syncs, keeping the time
    /// it was written at as `occurredAt` (hours to days earlier).
    mutating func applyOfflineBatches() {
        let rural: [Region] = [.kyzylorda, .ulytau, .abai, .northKazakhstan, .zhetysu, .zhambyl, .kostanay, .turkistan]
        let quiet = AlmatyClock.date("2025-10-27")...AlmatyClock.date("2025-11-05")
        var batches = 0
        while batches < 10 {
            let region = rural[batches % rural.count]
            let start = workingDay(from: AlmatyClock.date("2025-02-03"), through: AlmatyClock.date("2025-11-18"))
            let end = start + 2 + rng.below(2)
            guard !quiet.contains(calendar[start]), !quiet.contains(calendar[end]) else { continue }
            let windowStart = AlmatyClock.instant(calendar[start], hour: 9)
            let sync = AlmatyClock.instant(
                calendar[end], hour: 11, minute: Int64(rng.below(45)), second: Int64(rng.below(60)),
                micro: Int64(rng.below(1_000_000)))
            var members = drafts.indices.filter { i in
                guard case .region(let r, _) = drafts[i].writer, r == region else { return false }
                return drafts[i].recordedAt >= windowStart && drafts[i].recordedAt < sync
                    && (drafts[i].stream.hasPrefix("application-") || drafts[i].stream.hasPrefix("permit-"))
            }
            guard members.count >= 3 else { continue }
            members.sort { (drafts[$0].recordedAt, drafts[$0].seq) < (drafts[$1].recordedAt, drafts[$1].seq) }
            let device = History2025Builder.devices(region) + 1
            for (k, i) in members.enumerated() {
                drafts[i].recordedAt = Timestamp(
                    microsecondsSinceEpoch: sync.microseconds - Int64(members.count - k) * 40)
                drafts[i].writer = .region(region, device: device)
            }
            batches += 1
        }
    }
}
