import Foundation
import KvotaCore

extension History2025Builder {
    /// The permits active on 1 December 2025: a category-by-sector table and a country split of
    /// each cell that meet the published figures exactly, dealt to 1,817 employers.
    mutating func planActive() {
        let categories = Published2025.categories
        let sectors = Published2025.sectors
        let countries = Published2025.countries
        let bySector = MarginFit.fit(
            rows: categories.map(\.1), columns: sectors.map(\.1), weights: Profiles2025.categoryBySector)
        var cells: [(category: Int, sector: Int, count: Int)] = []
        for c in categories.indices {
            for s in sectors.indices where bySector[c][s] > 0 { cells.append((c, s, bySector[c][s])) }
        }
        let weights = cells.map { cell in
            countries.map { Profiles2025.countryWeight($0.0, category: cell.category, sector: sectors[cell.sector].0) }
        }
        let byCountry = MarginFit.fit(rows: cells.map(\.count), columns: countries.map(\.1), weights: weights)

        // Employers per sector, in proportion to the sector's permits over its typical workforce.
        let employerCounts = MarginFit.split(
            Published2025.activeEmployers,
            weights: sectors.map { Double($0.1) / Profiles2025.averageWorkforce[$0.0]! })

        for (s, (letter, _)) in sectors.enumerated() {
            // Non-cat1 permits of the sector, ordered by country then category, and the cat1 countries.
            var others: [(category: Int, country: Int)] = []
            var firstHeadsAndDeputies: [Int] = []
            for k in countries.indices {
                for (cellIndex, cell) in cells.enumerated() where cell.sector == s {
                    let count = byCountry[cellIndex][k]
                    if cell.category == 0 {
                        firstHeadsAndDeputies += Array(repeating: k, count: count)
                    } else {
                        others += Array(repeating: (cell.category, k), count: count)
                    }
                }
            }
            let employerCount = min(employerCounts[s], others.count)
            precondition(employerCount == employerCounts[s], "sector \(letter) has too few permits for its employers")
            var sectorEmployers = (0..<employerCount).map { _ in newEmployer(sector: letter) }
            let sizes = workforceSizes(count: employerCount, total: others.count)
            rng.shuffle(&sectorEmployers)
            var cursor = 0
            for (position, employer) in sectorEmployers.enumerated() {
                let share = others[cursor..<(cursor + sizes[position])]
                cursor += sizes[position]
                employers[employer].activeSize = share.count
                // One run per (country, category): split into applications.
                var runStart = share.startIndex
                while runStart < share.endIndex {
                    var runEnd = runStart
                    while runEnd < share.endIndex && share[runEnd] == share[runStart] { runEnd += 1 }
                    let category = categories[share[runStart].category].0
                    for size in applicationSizes(runEnd - runStart, category: category) {
                        let application = addApplication(
                            employer: employer, category: category, country: countries[share[runStart].country].0,
                            count: size, fate: .active)
                        if rng.chance(0.15) { applications[application].spare = 1 + rng.below(3) }
                    }
                    runStart = runEnd
                }
            }
            rng.shuffle(&firstHeadsAndDeputies)
            for k in firstHeadsAndDeputies {
                planCat1(country: countries[k].0, among: sectorEmployers, fate: .active)
            }
        }
    }

    /// Workforces of `count` employers summing to `total`, each at least one, heavy-tailed (a few
    /// large contractors, many small firms).
    mutating func workforceSizes(count: Int, total: Int) -> [Int] {
        let draws = (0..<count).map { _ in min(60, pow(1 - rng.unit(), -1 / 1.6)) }
        return MarginFit.split(total - count, weights: draws).map { $0 + 1 }
    }

    /// A `cat1` permit (one worker, one application) for a free seat of one of `candidates`: the
    /// first head where none is planned, else a deputy for a position title not yet held.
    @discardableResult
    mutating func planCat1(country: String, among candidates: [Int], fate: PermitFate) -> Bool {
        let weights = candidates.map { Double(employers[$0].activeSize + 1) }
        let wantsFirstHead = rng.chance(0.55)
        for _ in 0..<50 {
            let employer = candidates[rng.weighted(weights)]
            if wantsFirstHead && !employers[employer].firstHeadTaken {
                employers[employer].firstHeadTaken = true
                addApplication(
                    employer: employer, category: .cat1, country: country, count: 1, fate: fate,
                    cat1: (.firstHead, rng.pick(Profiles2025.firstHeadTitles)))
                return true
            }
            let free = Profiles2025.deputyTitles.filter { !employers[employer].deputyTitles.contains($0) }
            if !free.isEmpty {
                let title = rng.pick(free)
                employers[employer].deputyTitles.append(title)
                addApplication(
                    employer: employer, category: .cat1, country: country, count: 1, fate: fate, cat1: (.deputy, title))
                return true
            }
        }
        // Unlucky draws: take the first free seat in order.
        for employer in candidates {
            if !employers[employer].firstHeadTaken {
                employers[employer].firstHeadTaken = true
                addApplication(
                    employer: employer, category: .cat1, country: country, count: 1, fate: fate,
                    cat1: (.firstHead, Profiles2025.firstHeadTitles[0]))
                return true
            }
            if let title = Profiles2025.deputyTitles.first(where: { !employers[employer].deputyTitles.contains($0) }) {
                employers[employer].deputyTitles.append(title)
                addApplication(
                    employer: employer, category: .cat1, country: country, count: 1, fate: fate, cat1: (.deputy, title))
                return true
            }
        }
        return false
    }

    /// A construction firm in Shymkent with a handful of workers: barred in May, bar lifted in August.
    mutating func chooseBarredEmployer() {
        let candidates = employers.indices.filter {
            employers[$0].sector == "F" && employers[$0].region == .shymkent
                && (6...30).contains(employers[$0].activeSize)
        }
        barredEmployer =
            candidates.isEmpty
            ? employers.indices.first { employers[$0].region == .shymkent && employers[$0].activeSize >= 3 } ?? 0
            : candidates[rng.below(candidates.count)]
    }
}
