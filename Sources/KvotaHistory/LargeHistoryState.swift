import Foundation
import KvotaAudit
import KvotaCore

/// The simulation behind ``LargeHistory``: a calendar of scheduled actions (approvals, issues,
/// extensions, revocations, expiries, bar lifts, reallocation answers) and, each working day,
/// new applications. Large ceilings (2,000,000 units; 90,000 per region) keep every permit
/// within its region's allocation; worker refs are random, `cat1` seats belong to employers used once.
struct LargeHistoryState {
    /// An application as later actions need it (a reference: scheduled actions share it).
    final class Application {
        let id: UUID
        let stream: String
        let region: Int
        let year: Int64
        let bin: String
        let category: PermitCategory
        let sector: String
        let country: String
        let cat1: Bool

        init(
            id: UUID, stream: String, region: Int, year: Int64, bin: String, category: PermitCategory, sector: String,
            country: String, cat1: Bool
        ) {
            self.id = id
            self.stream = stream
            self.region = region
            self.year = year
            self.bin = bin
            self.category = category
            self.sector = sector
            self.country = country
            self.cat1 = cat1
        }
    }

    /// A permit as later actions need it.
    struct Permit {
        var stream: String
        var region: Int
        /// The stream's last version.
        var version: Int64
        var validUntil: CalendarDate
    }

    enum Action {
        case approve(Application, workers: Int)
        case reject(Application)
        case withdraw(Application, version: Int64)
        case issue(Application)
        case extend(Permit)
        case revoke(Permit)
        case expire(Permit)
        case liftBar(bin: String)
        case answerReallocation(year: Int64, requestId: String, asked: Int64, approve: Bool)
    }

    static let horizon = 1024
    static let ceiling: Int64 = 2_000_000
    static let allocation: Int64 = 90_000
    static let sectors = ["F", "F", "F", "A", "A", "B", "C", "G", "M", "H", "J", "N", "D", "I", "K", "E", "Q"]
    static let countries = [
        "CN", "CN", "CN", "UZ", "UZ", "TR", "IN", "RU", "KG", "TJ", "KR", "BY", "AZ", "UA", "DE", "GB", "US", "VN",
    ]
    static let categories: [PermitCategory] = [
        .cat2, .cat3, .cat3, .cat3, .cat4, .cat4, .seasonal, .seasonal, .ict, .ict,
    ]

    var rng: SeededRandom
    var ids: SeededRandom
    var day = CalendarDate(year: 2026, month: 1, day: 1)!
    var buffer: [HistoricalEvent] = []
    var cursor = 0
    var schedule = [[Action]](repeating: [], count: LargeHistoryState.horizon)
    /// Last version of the quota streams, by `year * 2 + line` (0 foreign-labour, 1 household).
    var quotaVersions: [Int64: Int64] = [:]
    var setUpYear: Int64 = 0
    var employers: [String] = []
    var nextCat1Employer = 0
    var nextViolator = 0
    var requests = 0
    /// Per region: actor, code and device ids.
    let offices: [(actor: String, code: String, devices: [String])] = Region.allCases.map { region in
        let lower = region.rawValue.lowercased()
        return ("akimat-\(lower)-labour", region.rawValue, (1...3).map { "\(lower)-office-\($0)" })
    }

    init(seed: UInt64) {
        rng = SeededRandom(seed: seed, stream: 11)
        ids = SeededRandom(seed: seed, stream: 12)
        var pool = SeededRandom(seed: seed, stream: 13)
        let offset = pool.below(1_000_000)
        employers = (0..<20_000).map { LargeHistoryState.bin(index: offset + $0) }
    }

    mutating func next() -> HistoricalEvent? {
        while cursor >= buffer.count {
            guard day.year < 2100 else { return nil }
            buffer.removeAll(keepingCapacity: true)
            cursor = 0
            simulateDay()
            day = day.adding(days: 1)
        }
        cursor += 1
        return buffer[cursor - 1]
    }

    // MARK: Identifiers

    /// A distinct valid BIN for each index below 36,000,000 (registration year 1990-2019, month,
    /// serial; the branch digit chosen so that a check digit exists).
    static func bin(index: Int) -> String {
        let scrambled = Int((UInt64(index) &* 2_654_435_761) % 36_000_000)
        let serial = scrambled % 100_000
        let month = 1 + (scrambled / 100_000) % 12
        let year = (90 + scrambled / 1_200_000) % 100
        var digits = [year / 10, year % 10, month / 10, month % 10, 4, 0]
        var rest = serial
        var tail: [Int] = []
        for _ in 0..<5 {
            tail.append(rest % 10)
            rest /= 10
        }
        digits += tail.reversed()
        for branch in 0..<10 {
            digits[5] = branch
            if let check = BIN.checkDigit(digits[...]) {
                return String(decoding: (digits + [check]).map { UInt8(48 + $0) }, as: UTF8.self)
            }
        }
        preconditionFailure("no check digit for BIN index \(index)")
    }

    static func isWeekday(_ day: CalendarDate) -> Bool { ((day.day + 3) % 7 + 7) % 7 < 5 }

    /// `day`, or the Monday after when it falls on a weekend.
    static func weekday(onOrAfter day: CalendarDate) -> CalendarDate {
        var result = day
        while !isWeekday(result) { result = result.adding(days: 1) }
        return result
    }

    mutating func plan(_ action: Action, on target: CalendarDate) {
        precondition(
            target > day && target.day - day.day < Int64(LargeHistoryState.horizon), "scheduled out of the horizon")
        schedule[Int(target.day % Int64(LargeHistoryState.horizon))].append(action)
    }

    // MARK: Writing events

    mutating func emit(
        stream: String, expected: Int64, type: String, data: JSONObject,
        writer: (actor: String, role: String, region: String?, device: String?),
        at time: Timestamp, id: UUID? = nil
    ) {
        let lag = writer.role == "system" ? 0 : Int64(5 + rng.below(300)) * 1_000_000 + Int64(rng.below(1_000_000))
        let meta = EventMetadata(
            actor: writer.actor, role: writer.role, region: writer.region, deviceId: writer.device,
            occurredAt: Timestamp(microsecondsSinceEpoch: time.microseconds - lag))
        let event = ProposedEvent(
            eventId: id ?? ids.uuid(), stream: stream, expectedVersion: expected < 0 ? .noStream : .exact(expected),
            type: type,
            data: data, meta: meta)
        buffer.append(HistoricalEvent(event: event, recordedAt: time))
    }

    mutating func office(_ region: Int) -> (actor: String, role: String, region: String?, device: String?) {
        let office = offices[region]
        return (office.actor, "region", office.code, office.devices[rng.below(3)])
    }

    static let ministry: (actor: String, role: String, region: String?, device: String?) = (
        "mintrud-quota-desk", "ministry", nil, "mintrud-hq-1"
    )
    static let server: (actor: String, role: String, region: String?, device: String?) = ("kvotad", "system", nil, nil)

    /// Next version of a quota stream (and records it).
    mutating func quotaVersion(year: Int64, line: QuotaLine) -> Int64 {
        let key = year * 2 + (line == .foreignLabour ? 0 : 1)
        let previous = quotaVersions[key] ?? -1
        quotaVersions[key] = previous + 1
        return previous
    }
}
