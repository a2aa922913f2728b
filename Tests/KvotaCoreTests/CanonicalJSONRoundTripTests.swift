import KvotaCore
import Testing

/// Random JSON values from a fixed seed: nested containers, ints over the safe range, doubles of every
/// magnitude, and strings with control characters, quotes, non-ASCII and astral scalars.
struct JSONGenerator {
    var rng: SeededRandom

    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    mutating func value(depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth >= 4 ? 5 : 8), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .int(integer())
        case 3: return .double(double())
        case 4: return .string(string())
        case 5: return .array((0..<Int.random(in: 0...5, using: &rng)).map { _ in value(depth: depth + 1) })
        default: return .object(object(depth: depth + 1))
        }
    }

    mutating func object(depth: Int) -> JSONObject {
        let count = Int.random(in: 0...5, using: &rng)
        return JSONObject((0..<count).map { _ in JSONObject.Member(string(maxLength: 6), value(depth: depth)) })
    }

    mutating func integer() -> Int64 {
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: return Int64.random(in: -100...100, using: &rng)
        case 1: return Int64.random(in: -JSONValue.maxSafeInteger...JSONValue.maxSafeInteger, using: &rng)
        default: return Bool.random(using: &rng) ? JSONValue.maxSafeInteger : -JSONValue.maxSafeInteger
        }
    }

    /// Any finite double except integral ones in (2^53, 1e21): those encode as integer literals that the
    /// parser refuses (see `acceptedNumbersStillParse`).
    mutating func double() -> Double {
        while true {
            let candidate: Double
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: candidate = Double(bitPattern: rng.next())
            case 1:
                let mantissa = Double(Int64.random(in: -999_999_999...999_999_999, using: &rng))
                candidate = mantissa * pow10(Int.random(in: -30...30, using: &rng))
            default: candidate = Double(Int.random(in: -1000...1000, using: &rng)) / 8
            }
            guard candidate.isFinite else { continue }
            let magnitude = abs(candidate)
            if magnitude.rounded() == magnitude && magnitude > Double(JSONValue.maxSafeInteger) && magnitude < 1e21 {
                continue
            }
            return candidate
        }
    }

    mutating func string(maxLength: Int = 12) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...maxLength, using: &rng) { scalars.append(scalar()) }
        return String(scalars)
    }

    mutating func scalar() -> Unicode.Scalar {
        let value: UInt32
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: value = UInt32.random(in: 0..<0x20, using: &rng)
        case 1:
            value = [0x22, 0x5C, 0x2F, 0x7F, 0x2028, 0x2029, 0xFEFF, 0xFFFF, 0xE000, 0x80].randomElement(using: &rng)!
        case 2: value = UInt32.random(in: 0x80...0x7FF, using: &rng)
        case 3: value = UInt32.random(in: 0x400...0x4FF, using: &rng)  // Cyrillic, incl. Kazakh letters
        case 4: value = UInt32.random(in: 0x800...0xD7FF, using: &rng)
        case 5: value = UInt32.random(in: 0xE000...0xFFFF, using: &rng)
        case 6: value = UInt32.random(in: 0x1_0000...0x10_FFFF, using: &rng)
        default: value = UInt32.random(in: 0x20...0x7E, using: &rng)
        }
        return Unicode.Scalar(value)!
    }

    private func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }
}

/// What a value reads back as after canonical encoding: integral doubles in the safe range become ints.
private func normalized(_ value: JSONValue) -> JSONValue {
    switch value {
    case .double(let d) where d.rounded() == d && abs(d) <= Double(JSONValue.maxSafeInteger): return .int(Int64(d))
    case .array(let elements): return .array(elements.map(normalized))
    case .object(let object): return .object(JSONObject(object.members.map { .init($0.key, normalized($0.value)) }))
    default: return value
    }
}

/// Writes `value` as valid but non-canonical JSON: random whitespace, member order, escapes and number forms.
private struct NoisyWriter {
    var rng: SeededRandom
    var out = ""

    mutating func space() {
        for _ in 0..<Int.random(in: 0...2, using: &rng) { out += [" ", "\t", "\n", "\r"].randomElement(using: &rng)! }
    }

    mutating func write(_ value: JSONValue) {
        space()
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += Bool.random(using: &rng) ? d.description : CanonicalJSON.formatDouble(d)
        case .string(let s): write(string: s)
        case .array(let elements):
            out += "["
            for (offset, element) in elements.enumerated() {
                if offset > 0 { out += "," }
                write(element)
            }
            space()
            out += "]"
        case .object(let object):
            out += "{"
            for (offset, member) in object.members.shuffled(using: &rng).enumerated() {
                if offset > 0 { out += "," }
                space()
                write(string: member.key)
                space()
                out += ":"
                write(member.value)
            }
            space()
            out += "}"
        }
        space()
    }

    mutating func write(string: String) {
        out += "\""
        for scalar in string.unicodeScalars {
            let escape = Int.random(in: 0..<3, using: &rng) == 0
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/" where escape: out += "\\/"
            case "\n" where escape: out += "\\n"
            case _ where scalar.value < 0x20 || escape:
                for unit in String(scalar).utf16 { out += "\\u" + hex4(unit) }
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    mutating func hex4(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16, uppercase: Bool.random(using: &rng))
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}

@Suite("Canonical JSON round trips")
struct CanonicalJSONRoundTripTests {
    @Test("parse(encode(x)) == x and encode(parse(encode(x))) == encode(x) for 3000 random values")
    func randomValuesRoundTrip() throws {
        var generator = JSONGenerator(seed: 0x4B56_4F54_41)
        for index in 0..<3000 {
            let value = generator.value()
            let bytes = CanonicalJSON.encode(value)
            let parsed = try JSONParser.parse(bytes)
            #expect(parsed == normalized(value), "case \(index): \(CanonicalJSON.string(value))")
            #expect(CanonicalJSON.encode(parsed) == bytes, "case \(index)")
            // The canonical text is valid UTF-8 with no raw control characters.
            #expect(String(validating: bytes, as: UTF8.self) != nil)
            #expect(!bytes.contains { $0 < 0x20 }, "case \(index)")
            if parsed != normalized(value) { break }
        }
    }

    @Test("any whitespace, member order, escaping and number spelling canonicalizes to the same bytes")
    func noisyInputCanonicalizes() throws {
        var generator = JSONGenerator(seed: 2025)
        var writer = NoisyWriter(rng: SeededRandom(seed: 121))
        for index in 0..<1000 {
            let value = generator.value()
            writer.out = ""
            writer.write(value)
            let parsed = try JSONParser.parse(writer.out)
            #expect(CanonicalJSON.encode(parsed) == CanonicalJSON.encode(value), "case \(index): \(writer.out)")
        }
    }

    @Test(
        "every number the parser accepts re-encodes to text the parser accepts, with the same bytes",
        arguments: ["1e17", "9007199254740992.0", "-4e18", "1.5e20", "9.007199254740993e15", "1e21", "0.5", "2.0"])
    func acceptedNumbersStillParse(text: String) throws {
        // Refusing such a number up front would also keep the promise; accepting it and then
        // writing canonical bytes that cannot be read back would not.
        guard let value = try? JSONParser.parse(text) else { return }
        let once = CanonicalJSON.encode(value)
        let twice = try JSONParser.parse(once)
        #expect(CanonicalJSON.encode(twice) == once)
    }
}
