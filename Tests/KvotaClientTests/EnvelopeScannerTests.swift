import Foundation
import KvotaAudit
import KvotaCore
import NIOCore
import Testing

@testable import KvotaClient

/// The envelope scanner against the full reader (`RecordedEvent(canonicalBytes:)`): on canonical
/// events it reads the same members; on anything else it either agrees with the full reader or
/// leaves the event to it (never accepts what the full reader refuses).
@Suite struct EnvelopeScannerTests {
    /// Strings that stress the string rules: escapes, control characters, non-ASCII, surrogate pairs,
    /// characters that sort differently in UTF-16 and UTF-8.
    static let hostile = [
        "", "plain", "a \"quoted\" {brace} ]", "back\\slash", "tab\there", "new\nline", "\u{0}\u{1}\u{1F}\u{7F}",
        "slash/", "ünïcødé", "Қазақстан", "\u{2028}\u{2029}", "emoji 🇰🇿👩‍💻", "\u{E000}", "\u{10000}",
        "\u{FFFF}", "}\",\"position\":1,\"x\":\"", "\\u0041", "leafHash",
    ]

    static func randomString(_ random: inout SeededRandom) -> String {
        if Bool.random(using: &random) { return hostile.randomElement(using: &random)! }
        let count = Int.random(in: 0...12, using: &random)
        let alphabet = Array("abcXYZ09 -_\"\\/\n\t\u{1}é中🙂\u{E000}\u{10000}")
        return String((0..<count).map { _ in alphabet.randomElement(using: &random)! })
    }

    static func randomValue(_ random: inout SeededRandom, depth: Int) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &random) {
        case 0: return .string(randomString(&random))
        case 1: return .int(Int64.random(in: -JSONValue.maxSafeInteger...JSONValue.maxSafeInteger, using: &random))
        case 2: return .int(Int64.random(in: -3...1_000, using: &random))
        case 3: return Bool.random(using: &random) ? .bool(Bool.random(using: &random)) : .null
        case 4: return .double(Double(Int.random(in: -1000...1000, using: &random)) / 8)
        case 5:
            return .array(
                (0..<Int.random(in: 0...3, using: &random)).map { _ in randomValue(&random, depth: depth + 1) })
        default: return .object(randomObject(&random, depth: depth + 1))
        }
    }

    static func randomObject(_ random: inout SeededRandom, depth: Int) -> JSONObject {
        var seen = Set<String>()
        var members: [JSONObject.Member] = []
        for _ in 0..<Int.random(in: 0...5, using: &random) {
            let key = randomString(&random)
            guard seen.insert(key).inserted else { continue }
            members.append(.init(key, randomValue(&random, depth: depth)))
        }
        return JSONObject(members)
    }

    static func randomEvent(_ random: inout SeededRandom) -> RecordedEvent {
        func maybe<T>(_ make: () -> T) -> T? { Bool.random(using: &random) ? make() : nil }
        func time() -> Timestamp {
            Timestamp(microsecondsSinceEpoch: Int64.random(in: 0...4_000_000_000_000_000, using: &random))
        }
        var extra = JSONObject()
        if Int.random(in: 0..<4, using: &random) == 0 {
            extra = JSONObject([.init("import", randomValue(&random, depth: 2)), .init("zz", .string("x"))])
        }
        let meta = EventMetadata(
            actor: randomString(&random), role: randomString(&random), region: maybe { randomString(&random) },
            deviceId: maybe { randomString(&random) }, occurredAt: time(), recordedAt: maybe(time),
            causationId: maybe { UUID() }, extra: extra)
        return RecordedEvent(
            eventId: UUID(), stream: randomString(&random), version: Int64.random(in: 0...1_000_000, using: &random),
            position: Int64.random(in: 0...JSONValue.maxSafeInteger, using: &random), type: randomString(&random),
            data: randomObject(&random, depth: 1), meta: meta)
    }

    static func scan(_ bytes: [UInt8]) -> EventEnvelope? { bytes.withUnsafeBufferPointer { EnvelopeScanner.scan($0) } }

    static func full(_ bytes: [UInt8]) -> EventEnvelope? {
        guard let event = try? bytes.withUnsafeBufferPointer({ try RecordedEvent(canonicalBytes: $0) }) else {
            return nil
        }
        return EventEnvelope(
            position: event.position, eventId: event.eventId, stream: event.stream, version: event.version,
            type: event.type)
    }

    @Test func readsTheSameMembersAsTheFullReader() {
        var random = SeededRandom(seed: 5)
        var scanned = 0
        for _ in 0..<5_000 {
            let event = EnvelopeScannerTests.randomEvent(&random)
            let bytes = event.canonicalBytes
            let expected = EventEnvelope(
                position: event.position, eventId: event.eventId, stream: event.stream, version: event.version,
                type: event.type)
            #expect(EnvelopeScannerTests.full(bytes) == expected)
            if let envelope = EnvelopeScannerTests.scan(bytes) {
                #expect(envelope == expected)
                scanned += 1
            }
        }
        // Many are read by the scanner itself (fractions, escapes in stream, type or keys and keys whose
        // UTF-16 order is not their byte order go to the full reader; ordinary logs: the next test).
        #expect(scanned > 100)
    }

    @Test func readsEveryEventOfAnOrdinaryLog() {
        var random = SeededRandom(seed: 7)
        for position in 0..<2_000 {
            let event = RecordedEvent(
                eventId: UUID(), stream: "application-\(UUID().lowercased)", version: Int64(position % 4),
                position: Int64(position), type: "ApplicationFiled",
                data: [
                    "year": 2025, "employerBin": .string(String(Int.random(in: 0...999_999, using: &random))),
                    "basis": .string(EnvelopeScannerTests.randomString(&random)), "nested": ["a": [1, 2, ["b": nil]]],
                ],
                meta: EventMetadata(
                    actor: "region-KZ-75", role: "region", region: "KZ-75", deviceId: "d\"1",
                    occurredAt: Timestamp(microsecondsSinceEpoch: 1_750_000_000_000_000),
                    recordedAt: Timestamp(microsecondsSinceEpoch: 1_750_000_000_000_001), causationId: UUID()))
            let envelope = EnvelopeScannerTests.scan(event.canonicalBytes)
            #expect(envelope != nil)
            #expect(envelope == EnvelopeScannerTests.full(event.canonicalBytes))
        }
    }

    /// Damaged and rearranged bytes: whatever the scanner accepts, the full reader accepts the same way.
    @Test func neverAcceptsWhatTheFullReaderRefuses() {
        var random = SeededRandom(seed: 11)
        let damage: [[UInt8]] = [
            Array("\"".utf8), Array("\\".utf8), Array("}".utf8), Array(",".utf8), Array(" ".utf8), [0x01], [0xC3],
            [0xED, 0xA0, 0x80], [0xFF], Array("\\ud800".utf8), Array("\\udc00".utf8), Array("1.5".utf8),
            Array("-".utf8),
            Array("0".utf8), Array("9999999999999999".utf8), Array("null".utf8), Array("\"x\":1,".utf8),
        ]
        var accepted = 0
        for _ in 0..<20_000 {
            var bytes = EnvelopeScannerTests.randomEvent(&random).canonicalBytes
            for _ in 0..<Int.random(in: 1...2, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.insert(contentsOf: damage.randomElement(using: &random)!, at: at)
                case 1: bytes[at] = damage.randomElement(using: &random)!.first!
                default: bytes.remove(at: at)
                }
            }
            if let envelope = EnvelopeScannerTests.scan(bytes) {
                accepted += 1
                #expect(envelope == EnvelopeScannerTests.full(bytes), "\(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(accepted > 0)
    }

    @Test func refusesMetaWithoutWhatEventMetadataRequires() {
        let base = RecordedEvent(
            eventId: UUID(), stream: "s", version: 0, position: 0, type: "T", data: [:],
            meta: EventMetadata(actor: "a", role: "r", occurredAt: Timestamp(microsecondsSinceEpoch: 0)))
        let text = String(decoding: base.canonicalBytes, as: UTF8.self)
        for (from, to) in [
            (#""actor":"a","#, ""), (#""actor":"a""#, #""actor":null"#), (#""role":"r""#, #""role":1"#),
            (#""occurredAt":"1970-01-01T00:00:00.000000Z""#, #""occurredAt":"1970-13-01T00:00:00.000000Z""#),
            (#""causationId":null"#, #""causationId":"nope""#), (#""region":null"#, #""region":[]"#),
        ] {
            let bytes = Array(text.replacingOccurrences(of: from, with: to).utf8)
            #expect(EnvelopeScannerTests.scan(bytes) == nil)
            #expect(EnvelopeScannerTests.full(bytes) == nil)
        }
    }

    /// Hostile streams and types through a page: read (by the scanner or the full reader), hashes checked.
    @Test func aPageOfHostileEventsReadsAsTheFullReaderReadsIt() throws {
        var random = SeededRandom(seed: 13)
        let events = (0..<600).map { _ in EnvelopeScannerTests.randomEvent(&random) }
        let items = events.map { EventPageTests.wire($0.canonicalBytes) }.joined(separator: Array(",".utf8))
        let body = Array(#"{"events":["#.utf8) + Array(items) + Array(#"],"next":599,"head":599}"#.utf8)
        let page = try EventPage(ByteBuffer(bytes: body))
        #expect(page.events.count == events.count)
        for (pulled, event) in zip(page.events, events) {
            #expect(pulled.position == event.position && pulled.eventId == event.eventId)
            #expect(pulled.stream == event.stream && pulled.type == event.type && pulled.version == event.version)
            #expect(Array(pulled.body) == event.canonicalBytes)
            #expect(pulled.leafHash == MerkleHash.leaf(event.canonicalBytes))
        }
    }
}
