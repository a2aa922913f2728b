/// A business identification number: 12 digits, the last a check digit (weights 1..11, mod 11; when
/// that gives 10, weights 3..11,1,2; a second 10 makes the number invalid).
public struct BIN: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let digits: String

    public init?(_ text: String) {
        guard text.utf8.count == 12 else { return nil }
        // The two weighted sums of `checkDigit` in one pass, without an array.
        var sum = 0
        var second = 0
        var last = 0
        for (index, byte) in text.utf8.enumerated() {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let digit = Int(byte - 0x30)
            if index == 11 {
                last = digit
            } else {
                sum += digit * (index + 1)
                second += digit * ((index + 2) % 11 + 1)
            }
        }
        var check = sum % 11
        if check == 10 {
            check = second % 11
            if check == 10 { return nil }
        }
        guard check == last else { return nil }
        digits = text
    }

    /// The check digit of the first 11 digits, or nil when none exists.
    public static func checkDigit(_ first11: ArraySlice<Int>) -> Int? {
        let digits = Array(first11)
        var sum = 0
        for (index, digit) in digits.enumerated() { sum += digit * (index + 1) }
        var check = sum % 11
        if check == 10 {
            let weights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]
            sum = zip(digits, weights).map(*).reduce(0, +)
            check = sum % 11
            if check == 10 { return nil }
        }
        return check
    }

    /// The `n`-th BIN of a synthetic series, for examples, tests and benchmarks: the 11 digits of
    /// `base + n` (stepping on by 100,000 while no check digit exists) and their check digit.
    public static func synthetic(_ n: Int, base: Int = 10_000_000_000) -> BIN {
        var serial = base + n
        while true {
            let first11 = String(serial)
            if first11.utf8.count == 11, let check = checkDigit(ArraySlice(first11.utf8.map { Int($0 - 0x30) })),
                let bin = BIN(first11 + String(check))
            {
                return bin
            }
            serial += 100_000
        }
    }

    public var description: String { digits }
    public static func < (lhs: BIN, rhs: BIN) -> Bool { lhs.digits < rhs.digits }
}
