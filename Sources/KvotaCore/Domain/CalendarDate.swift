/// A calendar day (`YYYY-MM-DD`) in Asia/Almaty; contract dates are days, and `validUntil` is the
/// last valid day.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let day: Int64

    public init(daysSinceEpoch: Int64) { day = daysSinceEpoch }

    public init?(year: Int64, month: Int64, day: Int64) {
        guard CivilDate.isValid(year: year, month: month, day: day) else { return nil }
        self.day = CivilDate.daysSinceEpoch(year: year, month: month, day: day)
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(_ text: String) {
        var text = text
        guard let date = text.withUTF8({ CalendarDate.parse($0) }) else { return nil }
        self = date
    }

    /// Parses exactly `YYYY-MM-DD` from UTF-8 bytes.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> CalendarDate? {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        return CalendarDate(year: y, month: m, day: d)
    }

    public var components: (year: Int64, month: Int64, day: Int64) { CivilDate.fromDaysSinceEpoch(day) }
    public var year: Int64 { components.year }

    public var description: String {
        let (y, m, d) = components
        return CivilDate.pad(y, 4) + "-" + CivilDate.pad(m, 2) + "-" + CivilDate.pad(d, 2)
    }

    public func adding(days: Int64) -> CalendarDate { CalendarDate(daysSinceEpoch: day + days) }

    /// The same day `months` later, clamped to the month's last day (2025-08-31 + 6 months = 2026-02-28).
    public func adding(months: Int64) -> CalendarDate {
        let (y, m, d) = components
        let total = y * 12 + (m - 1) + months
        let year = total / 12
        let month = total % 12 + 1
        var clamped = d
        while !CivilDate.isValid(year: year, month: month, day: clamped) { clamped -= 1 }
        return CalendarDate(year: year, month: month, day: clamped)!
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool { lhs.day < rhs.day }

    /// The Almaty calendar day of an instant: UTC+5 since 2024-03-01 00:00 local, UTC+6 before.
    public init(almatyDayOf timestamp: Timestamp) {
        let switchover: Int64 = 1_709_229_600_000_000  // 2024-02-29T18:00:00Z
        let offset: Int64 = timestamp.microseconds >= switchover ? 5 * 3600 : 6 * 3600
        let (days, _) = (timestamp.microseconds + offset * 1_000_000).floorDivided(by: 86_400_000_000)
        day = days
    }
}

extension Timestamp {
    /// An `asOf` as people and the contract give it: RFC 3339, or `YYYY-MM-DD` for the start of that
    /// day in Asia/Almaty (UTC+5).
    public init?(asOf text: String) {
        if let day = CalendarDate(text) {
            self.init(microsecondsSinceEpoch: (day.day * 86_400 - 5 * 3600) * 1_000_000)
        } else if let time = Timestamp(rfc3339: text) {
            self = time
        } else {
            return nil
        }
    }
}
