import KvotaCore

extension History2025Builder {
    /// Permits that ended before December, in applications of their own: seasonal contracts that
    /// ran out, projects that finished, workers who left. Enough of them end in November for the
    /// 31 October total to meet ``october31Target``.
    mutating func planEnded() {
        let snapshotTotal = Published2025.activeTotal
        let october31 = History2025Builder.october31
        let issuedInNovember = permits.filter { $0.fate == .active && $0.issueDay > october31 }.count
        let revokedInNovember = permits.filter {
            if case .revoked(let day, _) = $0.fate { return $0.issueDay <= october31 && day > october31 }
            return false
        }.count
        let total = History2025Builder.endedTotal - History2025Builder.revokedInActiveApplications
        var novemberLeft = min(
            total, max(0, History2025Builder.october31Target - snapshotTotal + issuedInNovember - revokedInNovember))
        var otherLeft = total - novemberLeft

        let categoryWeights: [Double] = [3, 8, 15, 20, 40, 14]
        let monthWeights: [Double] = [0, 1, 3, 5, 7, 9, 10, 11, 13, 15]  // January ... October
        while novemberLeft + otherLeft > 0 {
            let november = novemberLeft > 0 && (otherLeft == 0 || rng.below(novemberLeft + otherLeft) < novemberLeft)
            let category = Published2025.categories[rng.weighted(categoryWeights)].0
            let a = newEndedApplication(category: category, limit: november ? novemberLeft : otherLeft)
            let revoked = rng.chance(0.25)
            var placed = false
            for _ in 0..<40 where !placed {
                let month = november ? 11 : 1 + rng.weighted(monthWeights)
                placed = revoked ? scheduleRevoked(a, month: month) : scheduleExpired(a, month: month)
            }
            precondition(placed, "could not place ended application \(a)")
            applications[a].endMonth = november ? 11 : 0
            if november {
                novemberLeft -= applications[a].permits.count
            } else {
                otherLeft -= applications[a].permits.count
            }
        }
    }

    /// An application of ended permits of `category`: at an employer of a plausible sector (mostly
    /// one with active permits too), with at most `limit` workers.
    mutating func newEndedApplication(category: PermitCategory, limit: Int) -> Int {
        let c = Published2025.categories.firstIndex { $0.0 == category }!
        let sectors = Published2025.sectors
        let sector = sectors[
            rng.weighted(sectors.indices.map { Profiles2025.categoryBySector[c][$0] * Double(sectors[$0].1) })
        ].0
        let countries = Published2025.countries
        let country = countries[
            rng.weighted(countries.map { Profiles2025.countryWeight($0.0, category: c, sector: sector) * Double($0.1) })
        ].0
        var candidates = employers.indices.filter {
            employers[$0].sector == sector && $0 != barredEmployer && (employers[$0].activeSize > 0 || rng.chance(0.5))
        }
        if candidates.isEmpty || rng.chance(0.1) { candidates = [newEmployer(sector: sector)] }
        if category == .cat1 {
            if !planCat1(country: country, among: candidates, fate: .expired) {
                planCat1(country: country, among: [newEmployer(sector: sector)], fate: .expired)
            }
            return applications.count - 1
        }
        let weights = candidates.map { Double(employers[$0].activeSize + 1) }
        let employer = candidates[rng.weighted(weights)]
        let size = min(limit, applicationSizes(40, category: category)[0])
        let a = addApplication(employer: employer, category: category, country: country, count: size, fate: .expired)
        if rng.chance(0.1) { applications[a].spare = 1 + rng.below(2) }
        return a
    }

    /// Permits that run to their last valid day in `month` (for November, 31 October to 29
    /// November, so that the expiry is recorded before 1 December) and expire the night after;
    /// some were extended once on the way.
    mutating func scheduleExpired(_ a: Int, month: Int) -> Bool {
        var (first, last) = History2025Builder.month(month)
        if month == 11 {
            first = History2025Builder.october31
            last = AlmatyClock.date("2025-11-29")
        } else if month == 10 {
            last = AlmatyClock.date("2025-10-30")
        }
        first = max(first, AlmatyClock.date("2025-02-20"))
        guard first <= last else { return false }
        let until = first.adding(days: Int64(rng.below(Int(last.day - first.day) + 1)))
        let category = applications[a].category
        let duration = Int64(category == .seasonal ? 60 + rng.below(150) : 90 + rng.below(210))
        let target = max(History2025Builder.firstIssue, until.adding(days: -duration))
        guard until.day - target.day >= 45 else { return false }
        let lastIssue = calendar.index(onOrBefore: until.adding(days: -35))
        guard place(a, firstIssue: calendar.index(onOrAfter: target), lastIssue: lastIssue) else { return false }
        for p in applications[a].permits {
            let issue = permits[p].issueDay
            let from = issue.adding(days: Int64(rng.below(4)))
            permits[p].validFrom = from
            permits[p].validUntil = until
            permits[p].fate = .expired
            permits[p].extension_ = nil
            if category == .cat4 { permits[p].replaceBy = replacementDeadline(from) }
            if category != .cat1 && rng.chance(0.12) {
                let original = until.adding(days: -Int64(20 + rng.below(60)))
                let day = calendar[calendar.index(onOrBefore: original.adding(days: -7))]
                if original >= from.adding(days: 20) && day >= issue.adding(days: 10) {
                    permits[p].validUntil = original
                    permits[p].extension_ = (day, until)
                }
            }
        }
        return true
    }

    /// Permits revoked on working days of `month` (issued at least three weeks before; for
    /// November, issued by 31 October).
    mutating func scheduleRevoked(_ a: Int, month: Int) -> Bool {
        var (first, last) = History2025Builder.month(month)
        last = min(last, History2025Builder.lastWorkingDay)
        first = max(first, AlmatyClock.date("2025-02-10"))
        guard first <= last else { return false }
        let revoke = calendar[workingDay(from: first, through: last)]
        var target = max(History2025Builder.firstIssue, revoke.adding(days: -Int64(20 + rng.below(180))))
        if month == 11 { target = min(target, AlmatyClock.date("2025-10-20")) }
        var latestIssue = revoke.adding(days: -14)
        if month == 11 { latestIssue = min(latestIssue, History2025Builder.october31) }
        guard target <= latestIssue else { return false }
        guard
            place(a, firstIssue: calendar.index(onOrAfter: target), lastIssue: calendar.index(onOrBefore: latestIssue))
        else { return false }
        for p in applications[a].permits {
            let issue = permits[p].issueDay
            let from = issue.adding(days: Int64(rng.below(4)))
            permits[p].validFrom = from
            permits[p].validUntil = from.adding(months: 12).adding(days: -1)
            permits[p].extension_ = nil
            if applications[a].category == .cat4 { permits[p].replaceBy = replacementDeadline(from) }
            let day = calendar[workingDay(from: max(first, issue.adding(days: 14)), through: last)]
            guard day >= issue.adding(days: 14), day <= last else { return false }
            permits[p].fate = .revoked(day: day, reason: rng.pick(Profiles2025.revocationReasons))
        }
        return true
    }

    /// Applications that led to no permit: rejected by the region, or withdrawn by the employer
    /// before or after approval.
    mutating func planUnfilled() {
        let categoryWeights: [Double] = [0, 10, 25, 25, 25, 15]
        let lastDecision = calendar.index(onOrBefore: History2025Builder.lastWorkingDay)
        for index in 0..<520 {
            let category = Published2025.categories[rng.weighted(categoryWeights)].0
            let c = Published2025.categories.firstIndex { $0.0 == category }!
            let sectors = Published2025.sectors
            let sector = sectors[
                rng.weighted(sectors.indices.map { Profiles2025.categoryBySector[c][$0] * Double(sectors[$0].1) })
            ].0
            let candidates = employers.indices.filter { employers[$0].sector == sector && $0 != barredEmployer }
            let employer = candidates.isEmpty ? newEmployer(sector: sector) : candidates[rng.below(candidates.count)]
            let countries = Published2025.countries
            let country = countries[
                rng.weighted(
                    countries.map { Profiles2025.countryWeight($0.0, category: c, sector: sector) * Double($0.1) })
            ].0
            let a = addApplication(employer: employer, category: category, country: country, count: 0, fate: .active)
            applications[a].spare = applicationSizes(30, category: category)[0]
            let file = workingDay(from: History2025Builder.firstFiling, through: AlmatyClock.date("2025-11-14"))
            let decision = min(lastDecision, file + 3 + rng.below(8))
            applications[a].fileDay = calendar[file]
            applications[a].decisionDay = calendar[decision]
            switch index % 13 {
            case 0, 1:
                applications[a].outcome = .withdrawn(approvedFirst: false)
            case 2, 3:
                applications[a].outcome = .withdrawn(approvedFirst: true)
                let day = decision + 2 + rng.below(9)
                if day <= lastDecision {
                    applications[a].withdrawDay = calendar[day]
                } else {
                    applications[a].outcome = .withdrawn(approvedFirst: false)
                }
            default:
                applications[a].outcome = .rejected(rng.pick(Profiles2025.rejectionReasons))
            }
        }
    }
}
