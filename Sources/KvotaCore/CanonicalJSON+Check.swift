extension CanonicalJSON {
    /// Whether `bytes` are exactly the canonical encoding of the one JSON value they hold: the answer
    /// of `encode(parse(bytes)) == bytes`, found in one pass without building the value (for an
    /// auditor checking a million stored events). The rules are the writer's, read backwards: no
    /// insignificant whitespace; members in strictly increasing key order (``JSONObject/precedes(_:_:)``,
    /// so no repeated key); strings in valid UTF-8 with only the escapes ``writeString(_:to:)``
    /// makes; integers without a sign on zero or leading zeros, within the safe range; other numbers
    /// as ``formatDouble(_:)`` writes them; nesting within ``JSONParser/maxDepth``.
    public static func isCanonical(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var scanner = CanonicalScanner(bytes: bytes)
        return scanner.value(depth: 0) && scanner.index == bytes.count
    }
}

/// The one-pass reader behind ``CanonicalJSON/isCanonical(_:)``.
private struct CanonicalScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func value(depth: Int) -> Bool {
        guard let first = peek else { return false }
        switch first {
        case UInt8(ascii: "{"): return object(depth: depth + 1)
        case UInt8(ascii: "["): return array(depth: depth + 1)
        case UInt8(ascii: "\""): return string() != nil
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
        default: return false
        }
    }

    mutating func literal(_ text: StaticString) -> Bool {
        guard bytes.hasLiteral(text, at: index) else { return false }
        index += text.utf8CodeUnitCount
        return true
    }

    mutating func object(depth: Int) -> Bool {
        guard depth <= JSONParser.maxDepth else { return false }
        index += 1
        if peek == UInt8(ascii: "}") {
            index += 1
            return true
        }
        var previous: Range<Int>?
        while true {
            guard peek == UInt8(ascii: "\""), let key = string() else { return false }
            if let previous, !increasing(previous, key) { return false }
            previous = key
            guard peek == UInt8(ascii: ":") else { return false }
            index += 1
            guard value(depth: depth) else { return false }
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return true
            default: return false
            }
        }
    }

    mutating func array(depth: Int) -> Bool {
        guard depth <= JSONParser.maxDepth else { return false }
        index += 1
        if peek == UInt8(ascii: "]") {
            index += 1
            return true
        }
        while true {
            guard value(depth: depth) else { return false }
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return true
            default: return false
            }
        }
    }

    /// A canonical string; returns the range of its contents between the quotes.
    mutating func string() -> Range<Int>? {
        index += 1
        let start = index
        var plain = true
        var ascii = true
        while true {
            // Eight bytes at a time while none is a quote, a backslash, a control or non-ASCII.
            while index + 8 <= bytes.count,
                !CanonicalScanner.needsALook(
                    UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self))
            {
                index += 8
            }
            guard index < bytes.count else { return nil }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let contents = start..<index
                index += 1
                if !plain || !ascii {
                    guard UTF8Validation.isValid(UnsafeBufferPointer(rebasing: bytes[contents])) else { return nil }
                }
                return contents
            }
            if byte < 0x20 { return nil }
            if byte == UInt8(ascii: "\\") {
                plain = false
                guard escape() else { return nil }
                continue
            }
            if byte >= 0x80 { ascii = false }
            index += 1
        }
    }

    /// Whether any of the eight bytes of `word` is `"`, `\`, below 0x20 or above 0x7F (exact: the
    /// classic "has a zero byte" and "has a byte below n" tests, never a false "no").
    static func needsALook(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let control = (word &- ones &* 0x20) & ~word & highs
        let quote = hasZero(word ^ (ones &* 0x22))
        let backslash = hasZero(word ^ (ones &* 0x5C))
        return (word & highs) | control | quote | backslash != 0
    }

    /// One escape, as the writer makes them: a short form for `"`, `\` and five controls, `\u00xx`
    /// (lowercase hex) for the other control characters, and nothing else.
    mutating func escape() -> Bool {
        guard index + 1 < bytes.count else { return false }
        switch bytes[index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "b"), UInt8(ascii: "t"), UInt8(ascii: "n"),
            UInt8(ascii: "f"), UInt8(ascii: "r"):
            index += 2
            return true
        case UInt8(ascii: "u"):
            guard index + 6 <= bytes.count, bytes[index + 2] == UInt8(ascii: "0"), bytes[index + 3] == UInt8(ascii: "0")
            else { return false }
            let high = bytes[index + 4]
            let low = bytes[index + 5]
            guard high == UInt8(ascii: "0") || high == UInt8(ascii: "1") else { return false }
            let lowValue: UInt8
            switch low {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): lowValue = low - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): lowValue = low - UInt8(ascii: "a") + 10
            default: return false
            }
            let scalar = (high - UInt8(ascii: "0")) << 4 | lowValue
            // These have a short form.
            guard ![0x08, 0x09, 0x0A, 0x0C, 0x0D].contains(scalar) else { return false }
            index += 6
            return true
        default:
            return false
        }
    }

    /// Whether the key at `next` follows the key at `previous` in canonical order.
    func increasing(_ previous: Range<Int>, _ next: Range<Int>) -> Bool {
        let a = bytes[previous]
        let b = bytes[next]
        // Plain keys below U+E000 order as their UTF-8 bytes do; others are compared as the writer does.
        if !a.contains(where: { $0 == UInt8(ascii: "\\") || $0 >= 0xEE })
            && !b.contains(where: { $0 == UInt8(ascii: "\\") || $0 >= 0xEE })
        {
            return a.lexicographicallyPrecedes(b)
        }
        guard case .string(let left)? = try? JSONParser.value(in: bytes, at: previous.lowerBound - 1).0,
            case .string(let right)? = try? JSONParser.value(in: bytes, at: next.lowerBound - 1).0
        else { return false }
        return JSONObject.precedes(left, right)
    }

    mutating func number() -> Bool {
        let start = index
        var integer = true
        while let byte = peek {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"): break
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"): integer = false
            default:
                return integer ? canonicalInteger(start..<index) : canonicalDouble(start..<index)
            }
            index += 1
        }
        return integer ? canonicalInteger(start..<index) : canonicalDouble(start..<index)
    }

    /// `0`, or an optional minus and digits without a leading zero, at most 16 of them and safe.
    func canonicalInteger(_ range: Range<Int>) -> Bool {
        var digits = range
        if bytes[range.lowerBound] == UInt8(ascii: "-") { digits = (range.lowerBound + 1)..<range.upperBound }
        guard !digits.isEmpty, digits.count <= 16 else { return false }
        var magnitude: Int64 = 0
        for offset in digits {
            let byte = bytes[offset]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
            magnitude = magnitude * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        if bytes[digits.lowerBound] == UInt8(ascii: "0") {
            // "0" alone; never "-0" or "07".
            return digits.count == 1 && digits.lowerBound == range.lowerBound
        }
        return magnitude <= JSONValue.maxSafeInteger
    }

    /// A number with a fraction or exponent: exactly what the writer makes of the value it reads as.
    func canonicalDouble(_ range: Range<Int>) -> Bool {
        guard let (value, end) = try? JSONParser.value(in: bytes, at: range.lowerBound), end == range.upperBound
        else { return false }
        var written: [UInt8] = []
        CanonicalJSON.write(value, to: &written)
        return written.elementsEqual(bytes[range])
    }
}
