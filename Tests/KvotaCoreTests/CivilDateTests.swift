import KvotaCore
import Testing

@Suite("CivilDate: proleptic Gregorian days since 1970-01-01")
struct CivilDateTests {
    @Test(
        "known dates",
        arguments: [
            (Int64(1970), Int64(1), Int64(1), Int64(0)), (1970, 1, 2, 1), (1969, 12, 31, -1), (2000, 1, 1, 10_957),
            (2000, 2, 29, 11_016), (2000, 3, 1, 11_017), (2025, 12, 1, 20_423), (1900, 3, 1, -25_508),
            (1600, 1, 1, -135_140), (1, 1, 1, -719_162), (9999, 12, 31, 2_932_896),
        ] as [(Int64, Int64, Int64, Int64)])
    func knownDates(year: Int64, month: Int64, day: Int64, days: Int64) {
        #expect(CivilDate.daysSinceEpoch(year: year, month: month, day: day) == days)
        let date = CivilDate.fromDaysSinceEpoch(days)
        #expect(date.year == year && date.month == month && date.day == day)
    }

    @Test("days to date and back is the identity from year 1 to 9999, and consecutive days are consecutive dates")
    func roundTrip() {
        var previous = CivilDate.fromDaysSinceEpoch(-719_163)
        for days in Int64(-719_162)...2_932_896 {
            let date = CivilDate.fromDaysSinceEpoch(days)
            let valid =
                CivilDate.isValid(year: date.year, month: date.month, day: date.day)
                && CivilDate.daysSinceEpoch(year: date.year, month: date.month, day: date.day) == days
            let advanced =
                (date.day == previous.day + 1 && date.month == previous.month && date.year == previous.year)
                || (date.day == 1
                    && (date.month == previous.month + 1 || (date.month == 1 && date.year == previous.year + 1)))
            if !valid || !advanced {
                Issue.record("day \(days): \(previous) -> \(date)")
                return
            }
            previous = date
        }
    }

    @Test("validity: months 1-12, month lengths, and the Gregorian leap year rule")
    func validity() {
        #expect(CivilDate.isValid(year: 2025, month: 1, day: 31))
        #expect(!CivilDate.isValid(year: 2025, month: 4, day: 31))
        #expect(CivilDate.isValid(year: 2024, month: 2, day: 29))
        #expect(!CivilDate.isValid(year: 2025, month: 2, day: 29))
        #expect(!CivilDate.isValid(year: 1900, month: 2, day: 29))
        #expect(CivilDate.isValid(year: 2000, month: 2, day: 29))
        #expect(!CivilDate.isValid(year: 2025, month: 13, day: 1))
        #expect(!CivilDate.isValid(year: 2025, month: 0, day: 1))
        #expect(!CivilDate.isValid(year: 2025, month: 1, day: 0))
        #expect(!CivilDate.isValid(year: 0, month: 1, day: 1))
        #expect(!CivilDate.isValid(year: 10_000, month: 1, day: 1))
    }
}
