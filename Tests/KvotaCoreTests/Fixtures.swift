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

/// A small deterministic PRNG (SplitMix64), so that generated cases are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
