import Foundation
import KvotaCore
import Testing

/// `CanonicalJSON.isCanonical` and `RecordedEvent(exactCanonicalBytes:)` must answer exactly what
/// parsing and writing again answers, on canonical bytes and on every kind of near miss.
@Suite("Canonical check without writing again")
struct CanonicalCheckTests {
    /// What `isCanonical` must say: the bytes parse and their canonical encoding is themselves.
    static func reference(_ bytes: [UInt8]) -> Bool {
        guard let value = try? JSONParser.parse(bytes) else { return false }
        return CanonicalJSON.encode(value) == bytes
    }

    static func check(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { CanonicalJSON.isCanonical($0) }
    }

    /// Small changes of canonical bytes: a byte replaced, inserted or removed, from an alphabet of
    /// the characters that matter to the grammar and the escapes.
    static func mutations(of bytes: [UInt8], rng: inout SeededRandom) -> [[UInt8]] {
        let alphabet = Array(#" \"\\/{}[]:,-+.0123456789eEuabfnrtAF"#.utf8) + [0x0A, 0x7F, 0xC3, 0xA9, 0xEE, 0xF0]
        var out: [[UInt8]] = []
        for _ in 0..<6 {
            var changed = bytes
            let index = Int.random(in: 0...changed.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0 where index < changed.count: changed[index] = alphabet.randomElement(using: &rng)!
            case 1: changed.insert(alphabet.randomElement(using: &rng)!, at: index)
            default: if index < changed.count { changed.remove(at: index) }
            }
            out.append(changed)
        }
        return out
    }

    @Test("random canonical values pass, and each of thousands of near misses gets the reference's answer")
    func agreesWithReference() {
        var generator = JSONGenerator(seed: 0x0C4E_C4)
        var rng = SeededRandom(seed: 7)
        var checked = 0
        var refused = 0
        for index in 0..<3000 {
            let bytes = CanonicalJSON.encode(generator.value())
            #expect(CanonicalCheckTests.check(bytes), "case \(index): \(String(decoding: bytes, as: UTF8.self))")
            for changed in CanonicalCheckTests.mutations(of: bytes, rng: &rng) {
                let expected = CanonicalCheckTests.reference(changed)
                #expect(
                    CanonicalCheckTests.check(changed) == expected,
                    "case \(index): \(String(decoding: changed, as: UTF8.self)) should be \(expected)")
                checked += 1
                if !expected { refused += 1 }
            }
        }
        // The near misses are mostly not canonical: the test sees both answers.
        #expect(refused > checked / 2)
        #expect(refused < checked)
    }

    @Test("strings read eight bytes at a time: every special byte at every offset of strings up to 40 bytes")
    func stringsByWord() {
        // Each byte that ends the fast path: quote, backslash, controls at both ends, DEL, a UTF-8
        // lead and a lone continuation byte, and bytes that differ from them by one bit.
        let specials: [[UInt8]] = [
            [0x22], [0x5C], [0x5C, 0x6E], [0x5C, 0x75, 0x30, 0x30, 0x31, 0x66], [0x00], [0x1F], [0x20], [0x21],
            [0x23], [0x5D], [0x7F], [0x80], [0xC3, 0xA9], [0xC3], [0xA9], [0xEE, 0x80, 0x80], [0x3C], [0x02],
        ]
        for length in 0...40 {
            for offset in 0...length {
                for special in specials {
                    var body = [UInt8](repeating: UInt8(ascii: "k"), count: length)
                    body.insert(contentsOf: special, at: offset)
                    let bytes = [0x22] + body + [0x22]
                    #expect(
                        CanonicalCheckTests.check(bytes) == CanonicalCheckTests.reference(bytes),
                        "\(String(decoding: bytes, as: UTF8.self))")
                }
            }
        }
    }

    @Test(
        "hand-picked near misses are refused",
        arguments: [
            #"{"b":1,"a":2}"#, #"{"a":1,"a":1}"#, #"{ "a":1}"#, #"[1 ,2]"#, #""\/""#, #""\u0041""#, #""\u000A""#,
            #""\u001F""#, #""\u00e9""#, "-0", "07", "1.0", "1e2", "1E+2", "0.50", "9007199254740992",
            #""\ud83d\ude00""#,
            "\"\u{01}\"", "tru", "nul", "{", "\"abc", "1 ", " 1",
        ])
    func nearMisses(text: String) {
        #expect(!CanonicalCheckTests.check(Array(text.utf8)))
        #expect(!CanonicalCheckTests.reference(Array(text.utf8)))
    }

    @Test(
        "hand-picked canonical texts pass",
        arguments: [
            #"{"a":1,"b":[true,false,null],"c":{"":"x"}}"#, #""\u001f\n\"\\""#, "-9007199254740991", "0.5", "1e+21",
            "-1.5e-7", #"{"aa":1,"b":2}"#, #"{"\u0001":1,"a":2}"#, "\"\u{E000}\u{1F600}é\"", "{\"𝄞\":1,\"\u{E000}\":2}",
        ])
    func canonicalTexts(text: String) {
        #expect(CanonicalCheckTests.check(Array(text.utf8)))
        #expect(CanonicalCheckTests.reference(Array(text.utf8)))
    }

    @Test("events: the one-pass read accepts exactly the bytes that are the canonical encoding of what they read as")
    func eventsAgree() throws {
        var generator = JSONGenerator(seed: 99)
        var rng = SeededRandom(seed: 11)
        for index in 0..<500 {
            var data = generator.object(depth: 1)
            data["note"] = .string(generator.string())
            let event = RecordedEvent(
                eventId: UUID(), stream: "application-\(UUID().uuidString.lowercased())", version: Int64(index % 7),
                position: Int64(index), type: "ApplicationFiled", data: data,
                meta: EventMetadata(
                    actor: generator.string(), role: "region", region: "KZ-75", deviceId: nil,
                    occurredAt: Timestamp(microsecondsSinceEpoch: Int64(index) * 1_234_567),
                    recordedAt: Timestamp(microsecondsSinceEpoch: Int64(index) * 7_654_321),
                    causationId: index % 2 == 0 ? UUID() : nil, extra: JSONObject()))
            let bytes = event.canonicalBytes
            let read = bytes.withUnsafeBufferPointer { RecordedEvent(exactCanonicalBytes: $0) }
            // (Integral doubles read back as integers: compare what the events encode to.)
            #expect(read?.canonicalBytes == bytes, "case \(index)")
            var candidates = CanonicalCheckTests.mutations(of: bytes, rng: &rng)
            // Forms the lenient reader accepts but the writer never makes.
            let text = String(decoding: bytes, as: UTF8.self)
            candidates.append(
                Array(text.replacingOccurrences(of: event.eventId.lowercased, with: event.eventId.uuidString).utf8))
            candidates.append(Array(text.replacingOccurrences(of: "Z\"", with: "z\"").utf8))
            candidates.append(Array(text.replacingOccurrences(of: "T", with: " ").utf8))
            // A leap second (read as :59, written back as :59) and a time with one of its digits
            // changed, at each of its places.
            if let at = text.range(of: #""occurredAt":""#)?.upperBound {
                let time = text.utf8.distance(from: text.utf8.startIndex, to: at)
                var leap = bytes
                leap.replaceSubrange((time + 17)..<(time + 19), with: Array("60".utf8))
                candidates.append(leap)
                for place in 0..<27 {
                    var changed = bytes
                    changed[time + place] =
                        changed[time + place] == UInt8(ascii: "9") ? UInt8(ascii: "0") : UInt8(ascii: "9")
                    candidates.append(changed)
                }
            }
            for changed in candidates {
                let reference = changed.withUnsafeBufferPointer { try? RecordedEvent(canonicalBytes: $0) }
                let expected = reference.map { $0.canonicalBytes == changed } ?? false
                let exact = changed.withUnsafeBufferPointer { RecordedEvent(exactCanonicalBytes: $0) }
                #expect((exact != nil) == expected, "case \(index): \(String(decoding: changed, as: UTF8.self))")
                if let exact, let reference { #expect(exact == reference) }
            }
        }
    }
}
