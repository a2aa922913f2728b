import KvotaCore
import Testing

@Suite("CalendarDate: Almaty calendar days")
struct CalendarDateTests {
    @Test(
        "parses YYYY-MM-DD and prints it back",
        arguments: ["2025-12-01", "2024-02-29", "2000-02-29", "1970-01-01", "0001-01-01", "9999-12-31"])
    func roundTrip(text: String) throws {
        let date = try #require(CalendarDate(text))
        #expect(date.description == text)
        let (y, m, d) = date.components
        #expect(CalendarDate(year: y, month: m, day: d) == date)
    }

    @Test("days since the epoch")
    func epochDays() throws {
        #expect(try #require(CalendarDate("1970-01-01")).day == 0)
        #expect(try #require(CalendarDate("2025-12-01")).day == 20_423)
        #expect(CalendarDate(daysSinceEpoch: 20_423).description == "2025-12-01")
        #expect(try #require(CalendarDate("2025-12-01")).year == 2025)
    }

    @Test(
        "refuses anything but a real day in exactly YYYY-MM-DD",
        arguments: [
            "2025-02-29", "1900-02-29", "2025-13-01", "2025-00-10", "2025-04-31", "2025-01-00", "0000-01-01",
            "2025-1-01", "2025-01-1", "25-01-01", "2025/01/01", "2025-01-01T00:00", " 2025-01-01", "2025-01-01 ",
            "+025-01-01", "2025-0a-01", "", "2025-01--1", "２０２５-01-01",
        ])
    func refuses(text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test("year/month/day constructor refuses invalid days")
    func constructor() {
        #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2025, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2025, month: 6, day: 31) == nil)
        #expect(CalendarDate(year: 0, month: 1, day: 1) == nil)
    }

    @Test(
        "adding months clamps to the month's last day",
        arguments: [
            ("2025-08-31", Int64(6), "2026-02-28"), ("2023-08-31", 6, "2024-02-29"), ("2024-02-29", 12, "2025-02-28"),
            ("2024-02-29", 48, "2028-02-29"), ("2025-01-31", 1, "2025-02-28"), ("2024-01-31", 1, "2024-02-29"),
            ("2025-03-31", 1, "2025-04-30"), ("2025-12-15", 1, "2026-01-15"), ("2025-12-31", 12, "2026-12-31"),
            ("2025-06-30", 0, "2025-06-30"), ("2025-03-31", -1, "2025-02-28"), ("2025-01-15", -1, "2024-12-15"),
            ("2025-09-01", 6, "2026-03-01"), ("2025-09-01", 12, "2026-09-01"), ("2099-12-31", 2, "2100-02-28"),
        ] as [(String, Int64, String)])
    func addingMonths(start: String, months: Int64, expected: String) throws {
        let date = try #require(CalendarDate(start))
        #expect(date.adding(months: months).description == expected)
    }

    @Test("adding days crosses months, years and leap days")
    func addingDays() throws {
        #expect(try #require(CalendarDate("2025-12-31")).adding(days: 1).description == "2026-01-01")
        #expect(try #require(CalendarDate("2024-02-28")).adding(days: 1).description == "2024-02-29")
        #expect(try #require(CalendarDate("2024-03-01")).adding(days: -1).description == "2024-02-29")
        #expect(try #require(CalendarDate("2025-03-01")).adding(days: -1).description == "2025-02-28")
        #expect(try #require(CalendarDate("2025-01-01")).adding(days: 365).description == "2026-01-01")
    }

    @Test(
        "the Almaty day of an instant: UTC+6 before 2024-03-01 local, UTC+5 since",
        arguments: [
            ("2025-11-30T19:00:00Z", "2025-12-01"), ("2025-11-30T18:59:59Z", "2025-11-30"),
            ("2025-12-01T18:59:59.999999Z", "2025-12-01"), ("2025-12-31T19:00:00Z", "2026-01-01"),
            ("2023-06-30T18:30:00Z", "2023-07-01"), ("2023-06-30T17:59:59Z", "2023-06-30"),
            ("2023-06-30T18:00:00Z", "2023-07-01"), ("2023-12-31T18:00:00Z", "2024-01-01"),
            // The switch: 2024-03-01 00:00 at UTC+6 (= 2024-02-29T18:00Z) became 2024-02-29 23:00 at UTC+5.
            ("2024-02-29T17:59:59Z", "2024-02-29"), ("2024-02-29T18:00:00Z", "2024-02-29"),
            ("2024-02-29T18:59:59Z", "2024-02-29"), ("2024-02-29T19:00:00Z", "2024-03-01"),
            ("2025-12-01T10:00:00+05:00", "2025-12-01"), ("2025-12-01T00:30:00+05:00", "2025-12-01"),
            ("1969-12-31T18:00:00Z", "1970-01-01"), ("1969-12-31T17:59:59Z", "1969-12-31"),
        ])
    func almatyDay(instant: String, day: String) {
        #expect(CalendarDate(almatyDayOf: DomainFixtures.time(instant)).description == day)
    }

    @Test("a DecisionContext's today is the Almaty day of recordedAt, not of occurredAt")
    func contextToday() {
        let context = DecisionContext(
            role: "region", region: .almaty, recordedAt: DomainFixtures.time("2025-11-30T19:30:00Z"),
            occurredAt: DomainFixtures.time("2025-11-20T10:00:00Z"))
        #expect(context.today.description == "2025-12-01")
    }

    @Test("days order by time")
    func ordering() throws {
        let a = try #require(CalendarDate("2025-12-31"))
        let b = try #require(CalendarDate("2026-01-01"))
        #expect(a < b)
        #expect(a.adding(days: 1) == b)
    }
}
