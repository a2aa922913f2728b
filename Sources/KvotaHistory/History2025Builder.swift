import Foundation
import KvotaCore

/// Builds the 2025 history in steps: the permits active on 1 December (exact published figures),
/// the permits that ended before, applications that were refused or withdrawn, their dates, the
/// events of the regions and the server, offline batches, and last the ministry's quota decisions
/// sized to what the regions actually use.
struct History2025Builder {
    var rng: SeededRandom
    let calendar = WorkingDays(from: AlmatyClock.date("2025-01-01"), through: AlmatyClock.date("2025-12-31"))
    var employers: [EmployerPlan] = []
    var applications: [ApplicationPlan] = []
    var permits: [PermitPlan] = []
    var bins: Set<String> = []
    var drafts: [EventDraft] = []
    var seq = 0
    /// The employer barred from mid-May to late August (index into `employers`).
    var barredEmployer = -1

    // MARK: Fixed points of the year

    static let firstFiling = AlmatyClock.date("2025-01-08")
    static let firstIssue = AlmatyClock.date("2025-01-15")
    static let lastWorkingDay = AlmatyClock.date("2025-11-28")
    static let october31 = AlmatyClock.date("2025-10-31")
    /// Active permits are valid at least until this day.
    static let activeUntilAtLeast = AlmatyClock.date("2025-12-05")
    static let barFrom = AlmatyClock.date("2025-05-13")
    static let barLifted = AlmatyClock.date("2025-08-21")
    /// No filing or issue for the barred employer in these days (the bar and a margin).
    static let barWindow = AlmatyClock.date("2025-05-08")...AlmatyClock.date("2025-08-27")

    /// Permits that ended before December, beyond the active ones (about 30%).
    static let endedTotal = 4_230
    /// Of those, revoked permits of applications whose other permits stay active.
    static let revokedInActiveApplications = 700
    /// The target for active permits at the end of 31 October.
    static let october31Target = 14_700

    init(seed: UInt64) {
        rng = SeededRandom(seed: seed, stream: 1)
    }

    mutating func build(seed: UInt64) -> [HistoricalEvent] {
        planActive()
        chooseBarredEmployer()
        scheduleActive()
        planRevocationsInActiveApplications()
        planEnded()
        planUnfilled()
        planRehires()
        assignVacancies()
        writeClerkEvents()
        applyOfflineBatches()
        writeQuotaEvents()
        var ids = SeededRandom(seed: seed, stream: 2)
        return EventDraft.finish(drafts, ids: &ids)
    }

    // MARK: Employers

    /// A new employer of `sector` in a region drawn from the planned shares and the sector's geography.
    mutating func newEmployer(sector: String) -> Int {
        let regions = Region.allCases
        let weights = regions.map { Profiles2025.regionShare[$0]! * Profiles2025.regionAffinity($0, sector: sector) }
        let region = regions[rng.weighted(weights)]
        employers.append(EmployerPlan(bin: newBIN(), sector: sector, region: region))
        return employers.count - 1
    }

    /// A BIN as issued to legal entities: registration year and month, entity type (4 resident,
    /// 5 foreign), head office or branch, a serial, and the check digit.
    mutating func newBIN() -> String {
        while true {
            let year = (1995 + rng.below(30)) % 100
            let month = 1 + rng.below(12)
            let type = rng.chance(0.85) ? 4 : 5
            let branch = rng.chance(0.8) ? 0 : 1
            let serial = rng.below(100_000)
            var digits = [year / 10, year % 10, month / 10, month % 10, type, branch]
            var rest = serial
            var serialDigits: [Int] = []
            for _ in 0..<5 {
                serialDigits.append(rest % 10)
                rest /= 10
            }
            digits += serialDigits.reversed()
            guard let check = BIN.checkDigit(digits[...]) else { continue }
            let text = (digits + [check]).map(String.init).joined()
            if bins.insert(text).inserted { return text }
        }
    }

    // MARK: Helpers

    /// Adds an application with `count` permits of one fate; returns its index.
    @discardableResult
    mutating func addApplication(
        employer: Int, category: PermitCategory, country: String, count: Int, fate: PermitFate,
        cat1: (Cat1Role, String)? = nil
    ) -> Int {
        let index = applications.count
        var application = ApplicationPlan(id: rng.uuid(), employer: employer, category: category, country: country)
        application.cat1Role = cat1?.0
        application.positionTitle = cat1?.1
        for _ in 0..<count {
            application.permits.append(permits.count)
            permits.append(
                PermitPlan(
                    id: rng.uuid(), application: index, workerRef: rng.hex64(), cat1Role: cat1?.0,
                    positionTitle: cat1?.1,
                    fate: fate))
        }
        applications.append(application)
        return index
    }

    /// Sizes of applications that together ask for `total` workers of `category`.
    mutating func applicationSizes(_ total: Int, category: PermitCategory) -> [Int] {
        let (mean, largest) = Profiles2025.applicationSize(category)
        var sizes: [Int] = []
        var left = total
        while left > 0 {
            let draw = 1 + Int(-log(1 - rng.unit()) * (mean - 1))
            let size = min(left, min(largest, draw))
            sizes.append(size)
            left -= size
        }
        return sizes
    }

    /// A working day index drawn uniformly from `first...last` (calendar days, clamped to working days).
    mutating func workingDay(from first: CalendarDate, through last: CalendarDate) -> Int {
        let low = calendar.index(onOrAfter: first)
        let high = max(low, calendar.index(onOrBefore: last))
        return low + rng.below(high - low + 1)
    }

    /// The first and last day of a 2025 month.
    static func month(_ month: Int) -> (CalendarDate, CalendarDate) {
        let first = CalendarDate(year: 2025, month: Int64(month), day: 1)!
        return (first, first.adding(months: 1).adding(days: -1))
    }

    /// A time in office hours (09:00 to 17:50) on `day`.
    mutating func officeTime(_ day: CalendarDate) -> Timestamp {
        let micros = Int64(9 * 3600) * 1_000_000 + Int64(rng.below(Int(8 * 3600 + 50 * 60) * 1_000_000))
        return AlmatyClock.instant(day, microsOfDay: micros)
    }

    mutating func nextSeq() -> Int {
        seq += 1
        return seq
    }

    /// Number of devices a region's labour department uses.
    static func devices(_ region: Region) -> Int {
        switch region {
        case .almaty, .astana, .atyrau, .shymkent: return 4
        case .mangystau, .karaganda, .aktobe, .westKazakhstan, .turkistan, .almatyRegion: return 3
        default: return 2
        }
    }

    /// Adds a regional office's event on `day` (office hours; written a few minutes before it is recorded).
    mutating func addRegionEvent(
        _ region: Region, day: CalendarDate, stream: String, type: String, data: JSONObject, usage: Int = 0
    ) {
        let recordedAt = officeTime(day)
        let lag = Int64(20 + rng.below(700)) * 1_000_000 + Int64(rng.below(1_000_000))
        drafts.append(
            EventDraft(
                recordedAt: recordedAt, occurredAt: Timestamp(microsecondsSinceEpoch: recordedAt.microseconds - lag),
                seq: nextSeq(), stream: stream, type: type, data: data,
                writer: .region(region, device: 1 + rng.below(History2025Builder.devices(region))),
                usage: usage == 0 ? nil : (region, usage)))
    }

    /// Adds a ministry event at `time` (decided a few minutes before).
    mutating func addMinistryEvent(at time: Timestamp, stream: String, type: String, data: JSONObject) {
        let lag = Int64(60 + rng.below(540)) * 1_000_000
        drafts.append(
            EventDraft(
                recordedAt: time, occurredAt: Timestamp(microsecondsSinceEpoch: time.microseconds - lag),
                seq: nextSeq(),
                stream: stream, type: type, data: data, writer: .ministry))
    }
}
