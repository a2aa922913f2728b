import Foundation
import KvotaCore
import KvotaHistory
import Testing

@Suite("The 2025 history")
struct History2025Tests {
    static let events = History2025.events()
    static let replay = Replay(events, snapshotsAt: [Published2025.snapshot, Published2025.october31])
    static var december: QuotaState { replay.snapshots[Published2025.snapshot]! }
    static var foreign: QuotaBook { december.book(QuotaKey(year: 2025, line: .foreignLabour)) }

    @Test("every event is accepted by the rules, in order")
    func everyEventAccepted() {
        #expect(Self.replay.failure == nil, "\(Self.replay.failure.map(String.init(describing:)) ?? "")")
        #expect(Self.events.count > 30_000)
    }

    @Test(
        "recordedAt never decreases, event ids are unique, occurredAt is not after recordedAt, versions follow the streams"
    )
    func envelope() {
        #expect(EnvelopeChecks.problems(Self.events) == [])
    }

    @Test("the history ends by 1 December 2025 (Almaty) and starts with the January ceiling")
    func span() throws {
        let first = try #require(Self.events.first)
        #expect(first.event.type == "CeilingSet" && first.event.stream == "quota-2025-foreign-labour")
        #expect(first.event.data["units"] == 14_800)
        #expect(Self.events.last!.recordedAt <= Published2025.snapshot)
    }

    @Test("clerk and ministry events are recorded in office hours on weekdays; expiries at 00:05 the night after")
    func recordingTimes() {
        var outside: [String] = []
        for historical in Self.events {
            let local = historical.recordedAt.microseconds / 1_000_000 + 5 * 3600
            let secondOfDay = local % 86_400
            let weekday = ((local / 86_400) + 3) % 7  // 0 = Monday
            if historical.event.meta.role == "system" {
                if secondOfDay / 60 != 5 { outside.append("\(historical.event.type) at \(historical.recordedAt)") }
            } else if weekday >= 5 || secondOfDay < 9 * 3600 || secondOfDay >= 18 * 3600 {
                outside.append("\(historical.event.type) at \(historical.recordedAt)")
            }
        }
        #expect(outside.prefix(5) == [])
        #expect(Self.replay.expiryDelays.count > 1_000)
        #expect(Self.replay.expiryDelays.allSatisfy { $0 == 1 })
    }

    @Test("metadata: ministry desk, regional offices with devices, the server for expiry")
    func metadata() {
        for historical in Self.events {
            let meta = historical.event.meta
            switch meta.role {
            case "ministry":
                #expect(meta.actor == "mintrud-quota-desk" && meta.region == nil)
            case "region":
                let code = meta.region!.lowercased()
                #expect(meta.actor == "akimat-\(code)-labour")
                #expect(meta.deviceId?.hasPrefix("\(code)-office-") == true)
            default:
                #expect(meta.role == "system" && meta.actor == "kvotad" && meta.region == nil && meta.deviceId == nil)
                #expect(historical.event.type == "PermitExpired")
            }
        }
    }

    @Test("some regional batches were synced late (occurredAt hours to days before recordedAt)")
    func offlineBatches() {
        let late = Self.events.filter {
            $0.recordedAt.microseconds - $0.event.meta.occurredAt.microseconds > 3_600_000_000
        }
        #expect(late.count >= 20)
        #expect(late.contains { $0.recordedAt.microseconds - $0.event.meta.occurredAt.microseconds > 86_400_000_000 })
    }

    @Test("as of 1 December 2025: active permits by category, country and sector are the published figures")
    func decemberFigures() {
        let figures = ActiveFigures(Self.december)
        #expect(figures.total == Published2025.activeTotal)
        #expect(figures.byCategory == Published2025.activeByCategory)
        for (country, count) in Published2025.activeByCountry {
            #expect(figures.byCountry[country] == count, "\(country)")
        }
        for (sector, count) in Published2025.activeBySector { #expect(figures.bySector[sector] == count, "\(sector)") }
        #expect(figures.byCountry.count >= 12, "the rest spread over several countries")
        #expect(figures.bySector.count >= 10, "the rest spread over several sectors")
        #expect(Self.foreign.totalInUse == 14_105)
    }

    @Test("as of 1 December 2025: the active permits belong to exactly 1,817 employers")
    func decemberEmployers() {
        #expect(ActiveFigures(Self.december).employers.count == Published2025.activeEmployers)
    }

    @Test("as of 1 December 2025: ceiling 16,700, all 20 regions allocated, allocations within the ceiling")
    func decemberQuota() {
        let book = Self.foreign
        #expect(book.ceilingUnits == 16_700)
        #expect(Region.allCases.allSatisfy { book.allocation($0) > 0 })
        #expect(book.allocated <= book.ceilingUnits)
        #expect(Region.allCases.allSatisfy { book.used($0) <= book.allocation($0) })
        let household = Self.december.book(QuotaKey(year: 2025, line: .householdImmigrant))
        #expect(household.ceilingUnits == 237_800)
        #expect(Region.allCases.allSatisfy { household.allocation($0) > 0 })
        #expect(household.allocated <= household.ceilingUnits)
    }

    @Test("as of 31 October 2025: ceiling 19,400 and 14,700 permits in use")
    func octoberFigures() {
        let state = Self.replay.snapshots[Published2025.october31]!
        #expect(state.book(QuotaKey(year: 2025, line: .foreignLabour)).ceilingUnits == 19_400)
        #expect(ActiveFigures(state).total == 14_700)
    }

    @Test("the ceilings follow the published sequence; allocations are lowered before the cut")
    func ceilings() {
        let quota = Self.events.filter { $0.event.stream == "quota-2025-foreign-labour" }
        let ceilings = quota.filter { $0.event.type == "CeilingSet" }.compactMap { $0.event.data["units"]?.intValue }
        #expect(ceilings == Published2025.foreignLabourCeilings)
        let cut = quota.lastIndex { $0.event.type == "CeilingSet" }!
        #expect(quota[cut - 1].event.type == "AllocationSet")
        #expect(quota[cut - 1].recordedAt == quota[cut].recordedAt, "one ministry batch")
        let types = Set(quota.map(\.event.type))
        #expect(types.isSuperset(of: ["ReallocationRequested", "ReallocationApproved", "ReallocationRejected"]))
        let partial = quota.filter { $0.event.type == "ReallocationApproved" && $0.event.data["units"] != nil }
        #expect(partial.count == 1, "one request approved for fewer units than asked")
    }

    @Test("about 30% more permits were issued than are active in December; some revoked, extended, expired")
    func endedPermits() {
        let counts = Dictionary(grouping: Self.events, by: \.event.type).mapValues(\.count)
        let issued = counts["PermitIssued"] ?? 0
        #expect(Double(issued) / 14_105 > 1.25 && Double(issued) / 14_105 < 1.35)
        #expect(issued - (counts["PermitRevoked"] ?? 0) - (counts["PermitExpired"] ?? 0) == 14_105)
        #expect((counts["PermitExtended"] ?? 0) > 100)
        #expect((counts["ApplicationRejected"] ?? 0) > 100)
        #expect((counts["ApplicationWithdrawn"] ?? 0) > 50)
    }

    @Test("one employer barred for part of the year, with applications before the bar and after it is lifted")
    func bar() throws {
        let barred = try #require(Self.events.first { $0.event.type == "EmployerBarred" })
        let lifted = try #require(Self.events.first { $0.event.type == "EmployerBarLifted" })
        #expect(lifted.event.stream == barred.event.stream && lifted.recordedAt > barred.recordedAt)
        let bin = String(barred.event.stream.dropFirst("employer-".count))
        let filings = Self.events.filter {
            $0.event.type == "ApplicationFiled" && $0.event.data["employerBin"]?.stringValue == bin
        }
        #expect(filings.contains { $0.recordedAt < barred.recordedAt })
        #expect(filings.contains { $0.recordedAt > lifted.recordedAt })
        #expect(!filings.contains { $0.recordedAt > barred.recordedAt && $0.recordedAt < lifted.recordedAt })
    }

    @Test(
        "permits: cat4 replacement deadlines, cat1 roles and titles, seasonal mostly agriculture, vacancies before filing"
    )
    func permitDetails() {
        var cat4 = 0
        var cat4WithDeadline = 0
        var seasonalA = 0
        var seasonal = 0
        for historical in Self.events where historical.event.type == "PermitIssued" {
            let data = historical.event.data
            switch data["category"]?.stringValue {
            case "cat4":
                cat4 += 1
                if data["replaceBy"] != nil { cat4WithDeadline += 1 }
            case "cat1":
                #expect(data["cat1Role"] != nil && data["positionTitle"] != nil)
            case "seasonal":
                seasonal += 1
                if data["sector"] == "A" { seasonalA += 1 }
            default: break
            }
        }
        #expect(cat4WithDeadline > cat4 / 2 && cat4WithDeadline < cat4)
        #expect(seasonalA * 4 > seasonal * 3)
        for historical in Self.events where historical.event.type == "ApplicationFiled" {
            let ref = historical.event.data["vacancyRef"]?.stringValue ?? ""
            #expect(ref.hasPrefix("enbek-202"))
        }
    }

    @Test("the same seed gives the same history; another seed another, equally valid and exact")
    func determinism() {
        #expect(History2025.events(seed: 2025) == Self.events)
        let other = History2025.events(seed: 7)
        #expect(other != Self.events)
        let replay = Replay(other, snapshotsAt: [Published2025.snapshot])
        #expect(replay.failure == nil, "\(replay.failure.map(String.init(describing:)) ?? "")")
        let figures = ActiveFigures(replay.snapshots[Published2025.snapshot]!)
        #expect(figures.byCategory == Published2025.activeByCategory)
        #expect(figures.employers.count == Published2025.activeEmployers)
        #expect(EnvelopeChecks.problems(other) == [])
    }
}
