import KvotaCore

/// A region's request for more units, and the ministry's answer.
struct ReallocationPlan {
    var requestId: String
    var region: Region
    var fromRegion: Region?
    var asked: Int64
    /// Units approved (nil: rejected); equal to `asked` means approved in full (no `units` sent).
    var granted: Int64?
    var requested: Timestamp
    var decided: Timestamp
    var justification: String
    var rejection: String
}

extension History2025Builder {
    static let foreignStream = QuotaKey(year: 2025, line: .foreignLabour).stream
    static let householdStream = QuotaKey(year: 2025, line: .householdImmigrant).stream

    /// When each `foreign-labour` ceiling takes effect (the ministry's batch), and the part of it
    /// given to regions at once (the rest is the reserve for reallocations).
    static let phases:
        [(time: Timestamp, ceiling: Int64, allocated: Int, percent: Double?, laborForce: Int64?, basis: String)] = [
            (
                AlmatyClock.instant(AlmatyClock.date("2025-01-06"), hour: 10, minute: 2, second: 14, micro: 551_203),
                14_800, 14_500,
                0.2, 7_400_000,
                "Order of the Minister of Labour and Social Protection: 0.2% of the labour force for 2025"
            ),
            (
                AlmatyClock.instant(AlmatyClock.date("2025-03-14"), hour: 15, minute: 31, second: 8, micro: 19_774),
                16_500, 16_100,
                nil, nil, "Ministerial order of March 2025: the 2025 ceiling raised to 16,500 units"
            ),
            (
                AlmatyClock.instant(AlmatyClock.date("2025-08-01"), hour: 12, minute: 4, second: 51, micro: 300_912),
                19_400, 18_600,
                0.25, 7_760_000,
                "0.25% of the labour force from August 2025: the list of seasonal professions extended from 6 to 10"
            ),
            (
                AlmatyClock.instant(AlmatyClock.date("2025-11-14"), hour: 17, minute: 12, second: 40, micro: 81_337),
                16_700, 16_550,
                nil, nil,
                "Ministerial order of November 2025: the ceiling cut to 16,700 units to match the regions' needs"
            ),
        ]

    static func at(_ day: String, _ hour: Int64, _ minute: Int64, _ second: Int64) -> Timestamp {
        AlmatyClock.instant(
            AlmatyClock.date(day), hour: hour, minute: minute, second: second, micro: 137_000 + second * 7_919)
    }

    static let reallocations: [ReallocationPlan] = [
        ReallocationPlan(
            requestId: "realloc-2025-kz-47-01", region: .mangystau, fromRegion: nil, asked: 250, granted: 180,
            requested: at("2025-05-20", 10, 41, 7), decided: at("2025-05-27", 16, 9, 52),
            justification:
                "Oil and gas construction season: applications of service contractors exceed the remaining allocation",
            rejection: ""),
        ReallocationPlan(
            requestId: "realloc-2025-kz-79-01", region: .shymkent, fromRegion: .kostanay, asked: 120, granted: 120,
            requested: at("2025-06-10", 11, 15, 33), decided: at("2025-06-17", 15, 30, 4),
            justification: "New industrial zone projects; Kostanay reported 120 units it will not use this year",
            rejection: ""),
        ReallocationPlan(
            requestId: "realloc-2025-kz-61-01", region: .turkistan, fromRegion: nil, asked: 300, granted: nil,
            requested: at("2025-07-01", 10, 5, 18), decided: at("2025-07-08", 14, 45, 29),
            justification: "Cotton and vegetable harvest: seasonal workers for farms of the Turkistan region",
            rejection: "is kept for the seasonal professions added from August; resubmit after the ceiling is raised"),
        ReallocationPlan(
            requestId: "realloc-2025-kz-23-01", region: .atyrau, fromRegion: nil, asked: 400, granted: 400,
            requested: at("2025-09-09", 10, 20, 45), decided: at("2025-09-12", 16, 0, 12),
            justification: "Refinery and petrochemical plant maintenance campaign in the fourth quarter", rejection: ""),
        ReallocationPlan(
            requestId: "realloc-2025-kz-75-01", region: .almaty, fromRegion: .ulytau, asked: 150, granted: nil,
            requested: at("2025-09-23", 9, 50, 2), decided: at("2025-09-30", 15, 0, 41),
            justification: "IT and engineering specialists for new regional headquarters in Almaty",
            rejection: "Ulytau's remaining units are committed to mining projects starting in the fourth quarter"),
        ReallocationPlan(
            requestId: "realloc-2025-kz-71-01", region: .astana, fromRegion: .akmola, asked: 200, granted: 200,
            requested: at("2025-10-07", 11, 45, 19), decided: at("2025-10-14", 14, 30, 55),
            justification: "Construction of social facilities to be completed before the heating season", rejection: ""),
    ]

    /// The ministry's `foreign-labour` decisions, sized to what the regions use: each allocation
    /// covers its region's peak use until the next decision (with a margin), the rest of each
    /// ceiling is shared by planned shares; ceilings rise before allocations, and the November cut
    /// lowers allocations first. Then the `household-immigrant` line.
    mutating func writeQuotaEvents() {
        let regions = Region.allCases
        let index = Dictionary(uniqueKeysWithValues: regions.enumerated().map { ($0.element, $0.offset) })
        let phases = History2025Builder.phases
        let reallocations = History2025Builder.reallocations
        let approved = reallocations.filter { $0.granted != nil }
        let boundaries = (phases.map(\.time) + approved.map(\.decided)).sorted()
        let peaks = usagePeaks(boundaries: boundaries, index: index)
        // Shares: part plan, part actual need (the regions' peaks over the year).
        let need = regions.indices.map { r in peaks.map { $0[r] }.max() ?? 0 }
        let needTotal = Double(max(1, need.reduce(0, +)))
        let planTotal = regions.reduce(0.0) { $0 + Profiles2025.regionShare[$1]! }
        let shares = regions.indices.map { r in
            0.3 * Profiles2025.regionShare[regions[r]]! / planTotal + 0.7 * Double(need[r]) / needTotal
        }
        func margin(_ peak: Int) -> Int { 5 + peak / 50 }

        var current = [Int](repeating: 0, count: regions.count)
        for (p, phase) in phases.enumerated() {
            let end = p + 1 < phases.count ? phases[p + 1].time : Published2025.snapshot
            let segments = boundaries.indices.filter { boundaries[$0] >= phase.time && boundaries[$0] < end }
            var lower = [Int](repeating: 0, count: regions.count)
            for k in segments {
                var delta = [Int](repeating: 0, count: regions.count)
                for plan in approved where plan.decided >= phase.time && plan.decided <= boundaries[k] {
                    delta[index[plan.region]!] += Int(plan.granted!)
                    if let donor = plan.fromRegion { delta[index[donor]!] -= Int(plan.granted!) }
                }
                for r in regions.indices { lower[r] = max(lower[r], peaks[k][r] - delta[r] + margin(peaks[k][r])) }
            }
            let ceiling = ceilingData(phase)
            if p == phases.count - 1 {
                // The cut: lowered allocations, then the ceiling, then any raise.
                let fill = MarginFit.waterFill(lower: lower, shares: shares, budget: phase.allocated)
                let target = regions.indices.map { max(lower[$0], min(current[$0], fill[$0])) }
                for r in regions.indices where target[r] < current[r] {
                    allocate(regions[r], target[r], at: phase.time)
                }
                addMinistryEvent(
                    at: phase.time, stream: History2025Builder.foreignStream, type: "CeilingSet", data: ceiling)
                for r in regions.indices where target[r] > current[r] {
                    allocate(regions[r], target[r], at: phase.time)
                }
                current = target
                continue
            }
            if p > 0 { for r in regions.indices { lower[r] = max(lower[r], current[r]) } }
            let allocation = MarginFit.waterFill(lower: lower, shares: shares, budget: phase.allocated)
            addMinistryEvent(
                at: phase.time, stream: History2025Builder.foreignStream, type: "CeilingSet", data: ceiling)
            for r in regions.indices where allocation[r] != current[r] {
                allocate(regions[r], allocation[r], at: phase.time)
            }
            current = allocation
            for plan in reallocations where plan.requested >= phase.time && plan.requested < end {
                writeReallocation(plan, current: &current, index: index, ceiling: phase.ceiling)
            }
        }
        writeHousehold()
    }

    private func ceilingData(
        _ phase: (time: Timestamp, ceiling: Int64, allocated: Int, percent: Double?, laborForce: Int64?, basis: String)
    )
        -> JSONObject
    {
        Payload.ceilingSet(
            units: phase.ceiling, percent: phase.percent, laborForce: phase.laborForce, basis: phase.basis)
    }

    private mutating func allocate(_ region: Region, _ units: Int, at time: Timestamp) {
        addMinistryEvent(
            at: time, stream: History2025Builder.foreignStream, type: "AllocationSet",
            data: Payload.allocationSet(region: region, units: Int64(units)))
    }

    private mutating func writeReallocation(
        _ plan: ReallocationPlan, current: inout [Int], index: [Region: Int], ceiling: Int64
    ) {
        let lag = Int64(3 * 60 + rng.below(20 * 60)) * 1_000_000
        drafts.append(
            EventDraft(
                recordedAt: plan.requested,
                occurredAt: Timestamp(microsecondsSinceEpoch: plan.requested.microseconds - lag),
                seq: nextSeq(), stream: History2025Builder.foreignStream, type: "ReallocationRequested",
                data: Payload.reallocationRequested(
                    requestId: plan.requestId, region: plan.region, units: plan.asked, fromRegion: plan.fromRegion,
                    justification: plan.justification),
                writer: .region(plan.region, device: 1)))
        guard let granted = plan.granted else {
            var reason = plan.rejection
            if plan.fromRegion == nil {
                let reserve = ceiling - Int64(current.reduce(0, +))
                reason =
                    reserve < plan.asked
                    ? "the reserve holds \(reserve) units, fewer than the \(plan.asked) asked, and " + reason
                    : "the reserve " + reason
            }
            addMinistryEvent(
                at: plan.decided, stream: History2025Builder.foreignStream, type: "ReallocationRejected",
                data: Payload.reallocationRejected(requestId: plan.requestId, reason: reason))
            return
        }
        addMinistryEvent(
            at: plan.decided, stream: History2025Builder.foreignStream, type: "ReallocationApproved",
            data: Payload.reallocationApproved(requestId: plan.requestId, units: granted == plan.asked ? nil : granted))
        current[index[plan.region]!] += Int(granted)
        if let donor = plan.fromRegion { current[index[donor]!] -= Int(granted) }
    }

    /// Peak units in use per region in each span between `boundaries` (both ends included), from
    /// the permits' issue, revocation and expiry events.
    func usagePeaks(boundaries: [Timestamp], index: [Region: Int]) -> [[Int]] {
        let changes = drafts.filter { $0.usage != nil }.sorted { ($0.recordedAt, $0.seq) < ($1.recordedAt, $1.seq) }
        var inUse = [Int](repeating: 0, count: index.count)
        var peaks: [[Int]] = []
        var cursor = 0
        for (k, start) in boundaries.enumerated() {
            let end = k + 1 < boundaries.count ? boundaries[k + 1] : Published2025.snapshot
            while cursor < changes.count && changes[cursor].recordedAt <= start {
                inUse[index[changes[cursor].usage!.region]!] += changes[cursor].usage!.delta
                cursor += 1
            }
            var peak = inUse
            var running = inUse
            var look = cursor
            while look < changes.count && changes[look].recordedAt <= end {
                let r = index[changes[look].usage!.region]!
                running[r] += changes[look].usage!.delta
                peak[r] = max(peak[r], running[r])
                look += 1
            }
            peaks.append(peak)
        }
        return peaks
    }

    /// The `household-immigrant` line: 237,800 units (2.9% of the labour force), allocated to the
    /// regions the same morning, with a small reserve.
    mutating func writeHousehold() {
        let time = AlmatyClock.instant(AlmatyClock.date("2025-01-06"), hour: 11, minute: 34, second: 2, micro: 918_004)
        let stream = History2025Builder.householdStream
        addMinistryEvent(
            at: time, stream: stream, type: "CeilingSet",
            data: Payload.ceilingSet(
                units: Published2025.householdCeiling, percent: 2.9, laborForce: 8_200_000,
                basis: "2.9% of the labour force for 2025 (cut from 3%): labour immigrants hired by households"))
        let regions = Region.allCases
        let units = MarginFit.split(235_000, weights: regions.map { Profiles2025.householdShare[$0]! })
        for (r, region) in regions.enumerated() {
            addMinistryEvent(
                at: time, stream: stream, type: "AllocationSet",
                data: Payload.allocationSet(region: region, units: Int64(units[r])))
        }
    }
}
