import Foundation
import KvotaCore
import Testing

/// Reads an event back from canonical bytes.
private func decode(_ bytes: [UInt8]) throws -> RecordedEvent {
    try bytes.withUnsafeBufferPointer { buffer in try RecordedEvent(canonicalBytes: buffer) }
}

/// The envelope error `RecordedEvent(envelope:)` gives for `text`, or nil when it reads.
private func envelopeError(_ text: String) throws -> EnvelopeError? {
    let json = try #require(try JSONParser.parse(text).objectValue)
    do {
        _ = try RecordedEvent(envelope: json)
        return nil
    } catch {
        return error
    }
}

private let validEnvelope: JSONObject = JSONObject([
    "data": [:], "eventId": "3f2a0c4e-1b2d-4e5f-8a9b-0c1d2e3f4a5b", "position": 0, "stream": "permit-1",
    "type": "PermitExpired", "version": 0,
    "meta": ["actor": "kvotad", "role": "system", "occurredAt": "2025-12-01T00:00:00.000000Z"],
])

private func envelope(replacing key: String, with value: JSONValue?) -> String {
    var object = validEnvelope
    object[key] = value
    return CanonicalJSON.string(.object(object))
}

private func envelope(replacingMeta key: String, with value: JSONValue?) -> String {
    var meta = validEnvelope["meta"]!.objectValue!
    meta[key] = value
    return envelope(replacing: "meta", with: .object(meta))
}

@Suite("RecordedEvent: canonical bytes")
struct RecordedEventTests {
    @Test("the canonical bytes of a hand-built event are exactly the expected text")
    func canonicalBytes() {
        #expect(String(decoding: SampleEvent.event.canonicalBytes, as: UTF8.self) == SampleEvent.canonical)
        #expect(SampleEvent.event.canonicalBytes == Array(SampleEvent.canonical.utf8))
    }

    @Test("absent optional metadata is written as null, and data may be empty")
    func nullsArePresent() throws {
        let event = RecordedEvent(
            eventId: Fixtures.uuid(1), stream: "permit-1", version: 0, position: 0, type: "PermitExpired",
            data: JSONObject(),
            meta: EventMetadata(actor: "kvotad", role: "system", occurredAt: Fixtures.time("2025-12-01T00:00:00Z")))
        let expected =
            #"{"data":{},"eventId":"00000000-0000-4000-8000-000000000001","#
            + #""meta":{"actor":"kvotad","causationId":null,"deviceId":null,"#
            + #""occurredAt":"2025-12-01T00:00:00.000000Z","recordedAt":null,"region":null,"role":"system"},"#
            + #""position":0,"stream":"permit-1","type":"PermitExpired","version":0}"#
        #expect(String(decoding: event.canonicalBytes, as: UTF8.self) == expected)
        #expect(event.recordedAt == Timestamp(microsecondsSinceEpoch: 0))
        #expect(try decode(event.canonicalBytes) == event)
    }

    @Test("the envelope object has exactly the seven canonical fields")
    func envelopeFields() {
        #expect(
            SampleEvent.event.envelope.keys == ["data", "eventId", "meta", "position", "stream", "type", "version"])
        #expect(CanonicalJSON.encode(.object(SampleEvent.event.envelope)) == SampleEvent.event.canonicalBytes)
    }

    @Test("bytes written with a pre-encoded payload equal the canonical bytes")
    func preEncodedPayload() {
        var generator = JSONGenerator(seed: 77)
        var events = [SampleEvent.event]
        for index in 0..<200 {
            var event = SampleEvent.event
            event.data = generator.object(depth: 1)
            event.position = Int64(index) * 7919
            event.version = Int64(index % 10)
            event.stream = "application-\(index)"
            // Half without extra members: the writer has a fast path for the seven standard keys.
            event.meta.extra = index.isMultiple(of: 2) ? JSONObject() : generator.object(depth: 3)
            event.meta.causationId = index.isMultiple(of: 3) ? nil : UUID()
            event.meta.actor = generator.string()
            event.meta.role = generator.string()
            event.meta.region = index.isMultiple(of: 5) ? nil : generator.string()
            event.meta.deviceId = index.isMultiple(of: 7) ? nil : generator.string()
            event.meta.recordedAt =
                index.isMultiple(of: 11) ? nil : Timestamp(microsecondsSinceEpoch: Int64(index) * -987_654_321_123)
            events.append(event)
        }
        for event in events {
            let encodedData = CanonicalJSON.encode(.object(event.data))
            #expect(event.canonicalBytes(encodedData: encodedData) == event.canonicalBytes)
        }
    }

    @Test("canonical bytes read back to the same event and re-encode to the same bytes")
    func readBack() throws {
        let event = try decode(Array(SampleEvent.canonical.utf8))
        #expect(event == SampleEvent.event)
        #expect(event.meta.extra == JSONObject(["batch": "b-1", "import": true]))
        #expect(event.canonicalBytes == Array(SampleEvent.canonical.utf8))

        var generator = JSONGenerator(seed: 78)
        for index in 0..<200 {
            var original = SampleEvent.event
            original.data = generator.object(depth: 1)
            original.meta.extra = generator.object(depth: 3)
            original.meta.deviceId = index.isMultiple(of: 3) ? nil : generator.string()
            original.meta.region = index.isMultiple(of: 5) ? nil : "KZ-\(index)"
            original.meta.recordedAt =
                index.isMultiple(of: 7) ? nil : Timestamp(microsecondsSinceEpoch: Int64(index) << 40)
            let bytes = original.canonicalBytes
            let decoded = try decode(bytes)
            #expect(decoded.canonicalBytes == bytes, "case \(index)")
        }
    }

    @Test("an event whose payload the parser accepted reads back from its canonical bytes")
    func acceptedPayloadReadsBack() throws {
        for payload in [#"{"units":1e17,"share":0.25}"#, #"{"units":1e21,"share":2.0}"#] {
            // A payload the parser refuses never becomes an event; one it accepts must read back.
            guard let data = (try? JSONParser.parse(payload))?.objectValue else { continue }
            var event = SampleEvent.event
            event.data = data
            #expect(try decode(event.canonicalBytes).canonicalBytes == event.canonicalBytes, "\(payload)")
        }
    }

    @Test("a pulled envelope with leafHash and unknown members reads as the event")
    func pulledEnvelope() throws {
        var json = SampleEvent.event.envelope
        json["leafHash"] = .string(SampleEvent.leafHash)
        json["futureField"] = [1, 2]
        #expect(try RecordedEvent(envelope: json) == SampleEvent.event)
    }

    @Test("bytes that are not a JSON object are refused")
    func notAnObject() {
        #expect(throws: EnvelopeError(field: "event", message: "must be a JSON object")) {
            try decode(Array("[]".utf8))
        }
        #expect(throws: JSONError.self) { try decode(Array("{".utf8)) }
    }

    @Test(
        "a malformed envelope names the field",
        arguments: [
            ("eventId", nil, "must be a UUID"), ("eventId", "not-a-uuid", "must be a UUID"),
            ("eventId", 5, "must be a UUID"),
            ("stream", nil, "must be a string"), ("stream", 1, "must be a string"),
            ("version", -1, "must be a non-negative integer"),
            ("version", .double(1.5), "must be a non-negative integer"),
            ("version", "1", "must be a non-negative integer"), ("position", nil, "must be a non-negative integer"),
            ("position", -5, "must be a non-negative integer"), ("type", nil, "must be a string"),
            ("type", false, "must be a string"), ("data", nil, "must be an object"), ("data", [], "must be an object"),
            ("meta", nil, "must be an object"), ("meta", "x", "must be an object"),
        ] as [(String, JSONValue?, String)])
    func malformedEnvelope(field: String, value: JSONValue?, message: String) throws {
        #expect(
            try envelopeError(envelope(replacing: field, with: value)) == EnvelopeError(field: field, message: message))
    }

    @Test(
        "malformed metadata names the meta field",
        arguments: [
            ("actor", nil, "meta.actor", "is required"), ("actor", JSONValue.null, "meta.actor", "is required"),
            ("actor", 1, "meta.actor", "must be a string or null"), ("role", nil, "meta.role", "is required"),
            ("occurredAt", nil, "meta.occurredAt", "is required"),
            ("occurredAt", "yesterday", "meta.occurredAt", "must be an RFC 3339 timestamp"),
            ("recordedAt", "2025-13-01T00:00:00Z", "meta.recordedAt", "must be an RFC 3339 timestamp"),
            ("causationId", "nope", "meta.causationId", "must be a UUID"),
            ("region", 75, "meta.region", "must be a string or null"),
            ("deviceId", ["id": "x"], "meta.deviceId", "must be a string or null"),
        ] as [(String, JSONValue?, String, String)])
    func malformedMeta(key: String, value: JSONValue?, field: String, message: String) throws {
        #expect(
            try envelopeError(envelope(replacingMeta: key, with: value))
                == EnvelopeError(field: field, message: message))
    }

    @Test("the minimal valid envelope reads")
    func minimalEnvelope() throws {
        #expect(try envelopeError(CanonicalJSON.string(.object(validEnvelope))) == nil)
    }
}
