/// A business identification number: 12 digits, the last a check digit (weights 1..11, mod 11; when
/// that gives 10, weights 3..11,1,2; a second 10 makes the number invalid).
public struct BIN: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let digits: String

    public init?(_ text: String) {
        var text = text
        guard text.withUTF8(BIN.isValid) else { return nil }
        digits = text
    }

    /// Twelve digits whose last is the check digit of the first eleven.
    private static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 12 else { return false }
        // The two weighted sums of `checkDigit` in one pass, without an array.
        var sum = 0
        var second = 0
        for index in 0..<11 {
            let digit = Int(bytes[index] &- 0x30)
            guard digit < 10 else { return false }
            sum += digit * (index + 1)
            second += digit * ((index + 2) % 11 + 1)
        }
        let last = Int(bytes[11] &- 0x30)
        guard last < 10 else { return false }
        var check = sum % 11
        if check == 10 {
            check = second % 11
            if check == 10 { return false }
        }
        return check == last
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

extension BIN {
    /// The twelve digits as an integer (40 bits hold them), for records kept by the hundred thousand.
    var packed: UInt64 { digits.utf8.reduce(0) { $0 &* 10 &+ UInt64($1 &- 0x30) } }

    /// The BIN whose ``packed`` value is `packed` (only ever one read from a valid BIN).
    init(packed: UInt64) {
        digits = String(unsafeUninitializedCapacity: 12) { bytes in
            var value = packed
            for index in stride(from: 11, through: 0, by: -1) {
                bytes[index] = 0x30 + UInt8(value % 10)
                value /= 10
            }
            return 12
        }
    }
}
