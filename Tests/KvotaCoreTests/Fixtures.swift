import Foundation
import KvotaCore

/// Shared builders for the core tests: fixed UUIDs, timestamps and proposed events.
enum Fixtures {
    /// A fixed UUID whose last byte is `n` (`00000000-0000-4000-8000-0000000000nn`).
    static func uuid(_ n: UInt8) -> UUID {
        UUID(bytes: [0, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, n])!
    }

    /// A timestamp from RFC 3339 text that the test knows to be valid.
    static func time(_ text: String) -> Timestamp {
        guard let timestamp = Timestamp(rfc3339: text) else { fatalError("bad fixture timestamp \(text)") }
        return timestamp
    }

    static let occurredAt = time("2025-12-01T09:30:00Z")

    static func meta(causationId: UUID? = nil, region: String? = "KZ-75") -> EventMetadata {
        EventMetadata(
            actor: "almaty", role: "region", region: region, deviceId: "tablet-7", occurredAt: occurredAt,
            causationId: causationId)
    }

    static func event(
        _ id: UInt8, _ stream: String, expected: ExpectedVersion = .any, type: String = "PermitIssued",
        data: JSONObject = JSONObject(["region": "KZ-75"]), causedBy cause: UUID? = nil
    ) -> ProposedEvent {
        ProposedEvent(
            eventId: uuid(id), stream: stream, expectedVersion: expected, type: type, data: data,
            meta: meta(causationId: cause))
    }
}

/// A hand-built stored event and its canonical bytes, written out literally.
enum SampleEvent {
    static let event = RecordedEvent(
        eventId: UUID(uuidString: "3F2A0C4E-1B2D-4E5F-8A9B-0C1D2E3F4A5B")!, stream: "permit-3f2a0c4e", version: 2,
        position: 1234, type: "PermitExtended",
        data: JSONObject(["validUntil": "2026-12-31", "note": "Қала \"A\"\n", "rate": .double(0.5), "days": 30]),
        meta: EventMetadata(
            actor: "almaty-region", role: "region", region: "KZ-75", deviceId: nil,
            occurredAt: Fixtures.time("2025-12-01T10:00:00.25+05:00"),
            recordedAt: Fixtures.time("2025-12-01T05:00:01Z"),
            causationId: UUID(uuidString: "9E0B7C6D-5A4B-4C3D-9E2F-1A0B9C8D7E6F")!,
            extra: JSONObject(["import": true, "batch": "b-1"])))

    static let canonical =
        #"{"data":{"days":30,"note":"Қала \"A\"\n","rate":0.5,"validUntil":"2026-12-31"},"#
        + #""eventId":"3f2a0c4e-1b2d-4e5f-8a9b-0c1d2e3f4a5b","#
        + #""meta":{"actor":"almaty-region","batch":"b-1","causationId":"9e0b7c6d-5a4b-4c3d-9e2f-1a0b9c8d7e6f","#
        + #""deviceId":null,"import":true,"occurredAt":"2025-12-01T05:00:00.250000Z","#
        + #""recordedAt":"2025-12-01T05:00:01.000000Z","region":"KZ-75","role":"region"},"#
        + #""position":1234,"stream":"permit-3f2a0c4e","type":"PermitExtended","version":2}"#

    /// SHA-256(0x00 || canonical), computed independently (Python hashlib).
    static let leafHash = "8a703fb224615dc404fc3bdffaa5a159091be2bd271be66285b182eba4ab24b8"
}
