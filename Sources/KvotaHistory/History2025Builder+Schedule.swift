import KvotaCore

extension History2025Builder {
    /// Files, approves and issues application `a` with its first permit on working day `base`
    /// (index), no permit after `lastIssue`. False when the dates do not fit (the caller redraws).
    mutating func place(_ a: Int, firstIssue base: Int, lastIssue: Int) -> Bool {
        var first = base
        var approve = first - (1 + rng.below(8))
        var file = approve - (2 + rng.below(9))
        let earliest = calendar.index(onOrAfter: History2025Builder.firstFiling)
        if file < earliest {
            let shift = earliest - file
            file += shift
            approve += shift
            first = max(first, approve + 1)
        }
        guard first <= lastIssue else { return false }
        let barred = applications[a].employer == barredEmployer
        if barred && History2025Builder.barWindow.contains(calendar[file]) { return false }
        applications[a].fileDay = calendar[file]
        applications[a].decisionDay = calendar[approve]
        for p in applications[a].permits {
            let day = calendar[min(lastIssue, first + (rng.chance(0.5) ? 0 : rng.below(7)))]
            if barred && History2025Builder.barWindow.contains(day) { return false }
            permits[p].issueDay = day
        }
        return true
    }

    /// Dates of the applications behind active permits: the month of the first issue follows the
    /// category's season; permits valid past 1 December; some extended, `cat4` with replacement deadlines.
    mutating func scheduleActive() {
        let lastIssue = calendar.index(onOrBefore: History2025Builder.lastWorkingDay)
        for a in applications.indices {
            let category = applications[a].category
            var placed = false
            for _ in 0..<40 where !placed {
                let month = 1 + rng.weighted(Profiles2025.issueMonthWeights(category))
                let (first, last) = History2025Builder.month(month)
                let base = workingDay(
                    from: max(first, History2025Builder.firstIssue),
                    through: min(last, History2025Builder.lastWorkingDay))
                placed = place(a, firstIssue: base, lastIssue: lastIssue)
            }
            precondition(placed, "could not place application \(a)")
            for p in applications[a].permits { setActiveValidity(p, category: category) }
            // Some employers withdraw the rest of an application once they have the workers they need.
            if applications[a].spare > 0 && rng.chance(0.3) {
                let lastDay = applications[a].permits.map { permits[$0].issueDay }.max()!
                let day = calendar.index(onOrAfter: lastDay) + 3 + rng.below(12)
                if day <= lastIssue { applications[a].withdrawDay = calendar[day] }
            }
        }
    }

    /// Validity of a permit that is still active on 1 December (possibly after an extension).
    mutating func setActiveValidity(_ p: Int, category: PermitCategory) {
        let issue = permits[p].issueDay
        let from = issue.adding(days: rng.chance(0.6) ? 0 : Int64(1 + rng.below(10)))
        let fullYear = from.adding(months: 12).adding(days: -1)
        let months: Int64 =
            category == .seasonal ? Int64(8 + rng.below(5)) : (rng.chance(0.7) ? 12 : Int64(6 + rng.below(6)))
        var until = from.adding(months: months).adding(days: -1)
        if until < History2025Builder.activeUntilAtLeast { until = fullYear }
        permits[p].validFrom = from
        permits[p].validUntil = until
        if category == .cat4 { permits[p].replaceBy = replacementDeadline(from) }
        // An extension: first issued until the autumn, extended in time to stay valid past 1 December.
        if category != .cat1, issue <= AlmatyClock.date("2025-07-31"), rng.chance(0.05) {
            let earliest = max(issue.adding(days: 60), AlmatyClock.date("2025-09-15"))
            let latest = AlmatyClock.date("2025-11-25")
            guard earliest < latest else { return }
            let original = earliest.adding(days: Int64(rng.below(Int(latest.day - earliest.day) + 1)))
            let day = calendar[calendar.index(onOrBefore: original.adding(days: -7 - Int64(rng.below(14))))]
            guard day >= issue.adding(days: 30), original >= from else { return }
            permits[p].validUntil = original
            permits[p].extension_ = (day, fullYear)
        }
    }

    /// A `cat4` replacement deadline 6 to 12 months after `from`, or none (then the default, 12 months).
    mutating func replacementDeadline(_ from: CalendarDate) -> CalendarDate? {
        guard rng.chance(0.7) else { return nil }
        let day = from.adding(months: Int64(6 + rng.below(6))).adding(days: Int64(rng.below(28)))
        return min(day, from.adding(months: 12))
    }

    /// Workers whose permit was revoked during the year, in applications whose other permits stay
    /// active (the worker left; the employer keeps the rest).
    mutating func planRevocationsInActiveApplications() {
        let candidates = applications.indices.filter { a in
            applications[a].category != .cat1
                && applications[a].permits.contains { permits[$0].issueDay <= History2025Builder.october31 }
        }
        let weights = candidates.map { Double(applications[$0].permits.count) }
        let lastDay = History2025Builder.lastWorkingDay
        var added = 0
        while added < History2025Builder.revokedInActiveApplications {
            let a = candidates[rng.weighted(weights)]
            let issue = applications[a].permits.map { permits[$0].issueDay }.min()!
            var plan = PermitPlan(
                id: rng.uuid(), application: a, workerRef: rng.hex64(),
                fate: .revoked(day: CalendarDate(daysSinceEpoch: 0), reason: ""))
            plan.issueDay = issue
            permits.append(plan)
            let p = permits.count - 1
            setActiveValidity(p, category: applications[a].category)
            permits[p].extension_ = nil
            let latest = min(permits[p].validUntil.adding(days: -7), lastDay)
            let earliest = issue.adding(days: 20)
            guard earliest <= latest else {
                permits.removeLast()
                continue
            }
            let day = calendar[workingDay(from: earliest, through: latest)]
            permits[p].fate = .revoked(day: day, reason: rng.pick(Profiles2025.revocationReasons))
            applications[a].permits.append(p)
            added += 1
        }
    }

    /// Workers returning in the same year: a later active permit for the worker of an ended one
    /// (same country), at least ten days after the first ended.
    mutating func planRehires() {
        var ended = permits.indices.filter { permits[$0].fate != .active && permits[$0].cat1Role == nil }
        rng.shuffle(&ended)
        var taken = Set<Int>()
        var count = 0
        for old in ended where count < 45 {
            let end = endDay(old)
            let country = applications[permits[old].application].country
            let options = permits.indices.filter { p in
                permits[p].fate == .active && permits[p].cat1Role == nil && !taken.contains(p)
                    && permits[p].issueDay >= end.adding(days: 10)
                    && applications[permits[p].application].country == country
            }
            guard !options.isEmpty else { continue }
            let new = options[rng.below(options.count)]
            taken.insert(new)
            permits[new].workerRef = permits[old].workerRef
            count += 1
        }
    }

    /// The day a permit stops being in use (revocation day, or the day after its last valid day).
    func endDay(_ p: Int) -> CalendarDate {
        switch permits[p].fate {
        case .revoked(let day, _): return day
        case .expired: return permits[p].finalUntil.adding(days: 1)
        case .active: return AlmatyClock.date("2026-12-31")
        }
    }

    /// Vacancy references and posting days: each vacancy is posted on enbek.kz 3 to 42 days before
    /// the application is filed; references are numbered in the order applications are filed.
    mutating func assignVacancies() {
        let order = applications.indices.sorted {
            (applications[$0].fileDay, $0) < (applications[$1].fileDay, $1)
        }
        var numbers: [Int64: Int] = [2024: 212_000, 2025: 100]
        for a in order {
            let posted = applications[a].fileDay.adding(days: -Int64(3 + rng.below(40)))
            let year = posted.year
            let number = numbers[year, default: 100] + 1 + rng.below(25)
            numbers[year] = number
            let digits = String(number)
            applications[a].vacancyPostedOn = posted
            applications[a].vacancyRef =
                "enbek-\(year)-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        }
    }
}
