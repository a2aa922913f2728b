/// A point in time with microsecond precision (PostgreSQL's `timestamptz`), written in the canonical
/// RFC 3339 form `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, always six fraction digits).
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microseconds: Int64

    public init(microsecondsSinceEpoch: Int64) { self.microseconds = microsecondsSinceEpoch }

    /// PostgreSQL's binary `timestamptz`: microseconds since 2000-01-01T00:00:00Z.
    public init(postgresMicroseconds: Int64) {
        self.microseconds = postgresMicroseconds + Timestamp.postgresEpochOffset
    }
    public var postgresMicroseconds: Int64 { microseconds - Timestamp.postgresEpochOffset }
    static let postgresEpochOffset: Int64 = 946_684_800_000_000

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    public var description: String { rfc3339 }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    public var rfc3339: String {
        var out: [UInt8] = []
        out.reserveCapacity(27)
        writeRFC3339(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses RFC 3339 (`2025-12-01T00:00:00Z`, `2025-12-01T05:00:00.5+05:00`, ...).
    public init?(rfc3339 text: String) {
        var text = text
        guard let value = text.withUTF8({ Timestamp.parse(rfc3339: $0) }) else { return nil }
        self = value
    }

    static func parse(rfc3339 bytes: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            CivilDate.isValid(year: year, month: month, day: day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var micros: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if digits < 6 { micros = micros * 10 + Int64(bytes[index] - 0x30) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 6) { micros *= 10 }
        }
        guard index < bytes.count else { return nil }
        var offsetSeconds: Int64 = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                let h = number(index + 1..<index + 3), let m = number(index + 4..<index + 6), h < 24, m < 60
            else { return nil }
            offsetSeconds = sign * (h * 3600 + m * 60)
            index += 6
        default: return nil
        }
        guard index == bytes.count else { return nil }
        let days = CivilDate.daysSinceEpoch(year: year, month: month, day: day)
        let secondsOfDay = hour * 3600 + minute * 60 + min(second, 59)
        return Timestamp(microsecondsSinceEpoch: (days * 86400 + secondsOfDay - offsetSeconds) * 1_000_000 + micros)
    }
}

/// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days-from-civil algorithms).
public enum CivilDate {
    public static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func fromDaysSinceEpoch(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public static func isValid(year: Int64, month: Int64, day: Int64) -> Bool {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths: [Int64] = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[Int(month - 1)]
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

extension Int64 {
    /// Floor division with a non-negative remainder.
    func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var q = self / divisor
        var r = self % divisor
        if r < 0 {
            q -= 1
            r += divisor
        }
        return (q, r)
    }
}

extension Timestamp {
    /// Appends the canonical `YYYY-MM-DDTHH:MM:SS.ffffffZ` bytes (the hot path of event encoding).
    public func writeRFC3339(to out: inout [UInt8]) {
        let (days, dayMicros) = microseconds.floorDivided(by: 86_400_000_000)
        let (year, month, day) = CivilDate.fromDaysSinceEpoch(days)
        let seconds = dayMicros / 1_000_000
        func digits(_ value: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(year, 4)
        out.append(UInt8(ascii: "-"))
        digits(month, 2)
        out.append(UInt8(ascii: "-"))
        digits(day, 2)
        out.append(UInt8(ascii: "T"))
        digits(seconds / 3600, 2)
        out.append(UInt8(ascii: ":"))
        digits(seconds / 60 % 60, 2)
        out.append(UInt8(ascii: ":"))
        digits(seconds % 60, 2)
        out.append(UInt8(ascii: "."))
        digits(dayMicros % 1_000_000, 6)
        out.append(UInt8(ascii: "Z"))
    }
}
