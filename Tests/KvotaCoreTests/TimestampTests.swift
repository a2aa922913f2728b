import KvotaCore
import Testing

private let second: Int64 = 1_000_000

@Suite("Timestamp: RFC 3339 and PostgreSQL microseconds")
struct TimestampTests {
    @Test(
        "formatting is UTC with exactly six fraction digits and Z",
        arguments: [
            (Int64(0), "1970-01-01T00:00:00.000000Z"), (1, "1970-01-01T00:00:00.000001Z"),
            (1_764_547_200 * second, "2025-12-01T00:00:00.000000Z"),
            (1_764_547_200 * second + 123_456, "2025-12-01T00:00:00.123456Z"),
            (1_709_208_000 * second + 500_000, "2024-02-29T12:00:00.500000Z"),
            (86_399 * second + 999_999, "1970-01-01T23:59:59.999999Z"), (-1, "1969-12-31T23:59:59.999999Z"),
            (-14_182_940 * second, "1969-07-20T20:17:40.000000Z"),
            (-2_208_988_800 * second, "1900-01-01T00:00:00.000000Z"),
            (-62_135_596_800 * second, "0001-01-01T00:00:00.000000Z"),
            (253_402_300_799 * second + 999_999, "9999-12-31T23:59:59.999999Z"),
        ] as [(Int64, String)])
    func formatting(microseconds: Int64, expected: String) {
        let timestamp = Timestamp(microsecondsSinceEpoch: microseconds)
        #expect(timestamp.rfc3339 == expected)
        #expect(timestamp.description == expected)
        #expect(Timestamp(rfc3339: expected) == timestamp)
    }

    @Test(
        "offsets are converted to UTC",
        arguments: [
            ("2025-12-01T05:00:00+05:00", "2025-12-01T00:00:00.000000Z"),
            ("2025-12-01T00:00:00-01:30", "2025-12-01T01:30:00.000000Z"),
            ("2025-01-01T02:00:00+05:00", "2024-12-31T21:00:00.000000Z"),
            ("2024-12-31T23:30:00-00:45", "2025-01-01T00:15:00.000000Z"),
            ("2025-12-01T05:00:00.25+06:00", "2025-11-30T23:00:00.250000Z"),
            ("2025-12-01T00:00:00+00:00", "2025-12-01T00:00:00.000000Z"),
            ("2025-12-01T00:00:00-00:00", "2025-12-01T00:00:00.000000Z"),
            ("2025-03-01T00:00:00+23:59", "2025-02-28T00:01:00.000000Z"),
        ])
    func offsets(text: String, utc: String) throws {
        let timestamp = try #require(Timestamp(rfc3339: text))
        #expect(timestamp.rfc3339 == utc)
    }

    @Test(
        "fractions of 1 to 9 digits; digits beyond the sixth are truncated, not rounded",
        arguments: [
            ("5", 500_000), ("25", 250_000), ("123", 123_000), ("1234", 123_400), ("12345", 123_450),
            ("123456", 123_456), ("1234567", 123_456), ("12345678", 123_456), ("999999999", 999_999),
            ("000001", 1), ("0000009", 0),
        ] as [(String, Int64)])
    func fractions(digits: String, micros: Int64) throws {
        let timestamp = try #require(Timestamp(rfc3339: "2025-12-01T00:00:00.\(digits)Z"))
        #expect(timestamp.microseconds == 1_764_547_200 * second + micros)
    }

    @Test("lowercase t and z, and a space instead of T, are accepted (RFC 3339 section 5.6 note)")
    func separators() {
        let expected = Timestamp(rfc3339: "2025-12-01T10:20:30Z")
        #expect(expected != nil)
        #expect(Timestamp(rfc3339: "2025-12-01t10:20:30z") == expected)
        #expect(Timestamp(rfc3339: "2025-12-01 10:20:30Z") == expected)
    }

    @Test("a leap second reads as the last second of its minute")
    func leapSecond() {
        #expect(Timestamp(rfc3339: "2016-12-31T23:59:60Z")?.rfc3339 == "2016-12-31T23:59:59.000000Z")
    }

    @Test(
        "invalid dates, times, separators and zones are refused",
        arguments: [
            "", "2025-12-01", "2025-12-01T00:00", "2025-12-01T00:00:00", "2025-12-01T00:00:00.123",
            "2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2025-13-01T00:00:00Z", "2025-00-10T00:00:00Z",
            "2025-04-31T00:00:00Z", "2025-12-32T00:00:00Z", "2025-12-00T00:00:00Z", "0000-01-01T00:00:00Z",
            "2025-12-01T24:00:00Z", "2025-12-01T23:60:00Z", "2025-12-01T23:59:61Z", "2025/12/01T00:00:00Z",
            "2025-12-01X00:00:00Z", "2025-12-01T00-00-00Z", "2025-12-01T00:00:00.Z", "2025-12-01T00:00:00.5",
            "2025-12-01T00:00:00+0500", "2025-12-01T00:00:00+05", "2025-12-01T00:00:00+24:00",
            "2025-12-01T00:00:00+05:60", "2025-12-01T00:00:00+05:00Z", "2025-12-01T00:00:00ZZ", "2025-12-01T00:00:00 Z",
            "2025-1a-01T00:00:00Z", "+2025-12-01T00:00:00Z", "2025-12-01T00:00:00UTC", "2025-12-01T0:00:00Z",
            "２０２５-12-01T00:00:00Z",
        ])
    func invalid(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test("leap days exist exactly in leap years")
    func leapDays() {
        #expect(Timestamp(rfc3339: "2024-02-29T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2000-02-29T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "1600-02-29T00:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2100-02-29T00:00:00Z") == nil)
    }

    @Test("format then parse gives the same instant, before and after 1970")
    func roundTrip() {
        var rng = SeededRandom(seed: 1970)
        let lower = Timestamp(rfc3339: "0001-01-01T00:00:00Z")!.microseconds
        let upper = Timestamp(rfc3339: "9999-12-31T23:59:59.999999Z")!.microseconds
        for _ in 0..<5000 {
            let timestamp = Timestamp(microsecondsSinceEpoch: Int64.random(in: lower...upper, using: &rng))
            #expect(Timestamp(rfc3339: timestamp.rfc3339) == timestamp, "\(timestamp.microseconds)")
        }
    }

    @Test("writeRFC3339 appends the canonical text to what is there")
    func appendingWriter() {
        var out = Array("at ".utf8)
        Timestamp(microsecondsSinceEpoch: -62_135_596_800 * second + 7).writeRFC3339(to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "at 0001-01-01T00:00:00.000007Z")
    }

    @Test("PostgreSQL timestamps count microseconds from 2000-01-01T00:00:00Z")
    func postgresEpoch() throws {
        let y2k = try #require(Timestamp(rfc3339: "2000-01-01T00:00:00Z"))
        #expect(y2k.postgresMicroseconds == 0)
        #expect(Timestamp(postgresMicroseconds: 0) == y2k)
        #expect(Timestamp(postgresMicroseconds: 0).rfc3339 == "2000-01-01T00:00:00.000000Z")
        #expect(Timestamp(microsecondsSinceEpoch: 0).postgresMicroseconds == -946_684_800 * second)
        #expect(Timestamp(postgresMicroseconds: -1).rfc3339 == "1999-12-31T23:59:59.999999Z")
        let december = try #require(Timestamp(rfc3339: "2025-12-01T00:00:00.000001Z"))
        #expect(december.postgresMicroseconds == (1_764_547_200 - 946_684_800) * second + 1)
        #expect(Timestamp(postgresMicroseconds: december.postgresMicroseconds) == december)
    }

    @Test("timestamps order by instant, whatever offset they were written with")
    func ordering() throws {
        let early = try #require(Timestamp(rfc3339: "2025-12-01T05:00:00+06:00"))  // 2025-11-30T23:00Z
        let late = try #require(Timestamp(rfc3339: "2025-12-01T00:00:00Z"))
        #expect(early < late)
        #expect([late, early].sorted() == [early, late])
        #expect(Timestamp(microsecondsSinceEpoch: -1) < Timestamp(microsecondsSinceEpoch: 0))
    }
}
