import Foundation
import KvotaCore
import Testing

@Suite("EventMetadata: the meta object")
struct EventMetadataTests {
    @Test("the seven standard keys are always present, null when absent, with canonical timestamps and UUIDs")
    func standardKeys() {
        var meta = EventMetadata(
            actor: "astana", role: "ministry", occurredAt: Fixtures.time("2025-12-01T10:00:00+05:00"))
        #expect(
            CanonicalJSON.string(.object(meta.json))
                == #"{"actor":"astana","causationId":null,"deviceId":null,"occurredAt":"2025-12-01T05:00:00.000000Z","#
                + #""recordedAt":null,"region":null,"role":"ministry"}"#)
        meta.causationId = UUID(uuidString: "9E0B7C6D-5A4B-4C3D-9E2F-1A0B9C8D7E6F")
        meta.recordedAt = Timestamp(microsecondsSinceEpoch: 1)
        #expect(meta.json["causationId"] == "9e0b7c6d-5a4b-4c3d-9e2f-1a0b9c8d7e6f")
        #expect(meta.json["recordedAt"] == "1970-01-01T00:00:00.000001Z")
    }

    @Test("extra members are kept verbatim, in canonical order among the standard ones")
    func extraKept() throws {
        let extra = JSONObject([
            "import": ["source": "legacy-db", "row": 17, "ratio": .double(0.25)], "zeta": nil, "Batch": "b-1",
        ])
        let meta = EventMetadata(
            actor: "operator", role: "ministry", region: "KZ-75", deviceId: "cli", occurredAt: Fixtures.occurredAt,
            recordedAt: Fixtures.occurredAt, causationId: Fixtures.uuid(9), extra: extra)
        #expect(
            meta.json.keys == [
                "Batch", "actor", "causationId", "deviceId", "import", "occurredAt", "recordedAt", "region", "role",
                "zeta",
            ])
        let read = try EventMetadata(json: meta.json)
        #expect(read == meta)
        #expect(read.extra == extra)
        #expect(read.json == meta.json)
    }

    @Test("extra cannot override a standard key")
    func extraCannotOverride() throws {
        let meta = EventMetadata(
            actor: "almaty", role: "region", occurredAt: Fixtures.occurredAt,
            extra: JSONObject(["actor": "spoofed", "role": "ministry", "region": "KZ-11", "note": "kept"]))
        #expect(meta.json["actor"] == "almaty")
        #expect(meta.json["role"] == "region")
        #expect(meta.json["region"] == .null)
        #expect(meta.json["note"] == "kept")
        #expect(meta.json.count == 8)
        // Reading back never puts standard keys into extra.
        #expect(try EventMetadata(json: meta.json).extra == JSONObject(["note": "kept"]))
    }

    @Test("CanonicalEvent.writeMeta writes exactly the canonical encoding of the meta object")
    func directMetaWriter() {
        var generator = JSONGenerator(seed: 31)
        for index in 0..<500 {
            let meta = EventMetadata(
                actor: generator.string(), role: index.isMultiple(of: 2) ? "region" : generator.string(),
                region: index.isMultiple(of: 3) ? nil : generator.string(),
                deviceId: index.isMultiple(of: 5) ? nil : generator.string(),
                occurredAt: Timestamp(microsecondsSinceEpoch: Int64(index) * 3_600_000_123),
                recordedAt: index.isMultiple(of: 7)
                    ? nil : Timestamp(microsecondsSinceEpoch: -Int64(index) * 86_399_999_999),
                causationId: index.isMultiple(of: 4) ? nil : UUID(),
                extra: index.isMultiple(of: 6) ? generator.object(depth: 2) : JSONObject())
            var direct: [UInt8] = []
            CanonicalEvent.writeMeta(meta, to: &direct)
            #expect(direct == CanonicalJSON.encode(.object(meta.json)), "case \(index)")
        }
    }

    @Test("reading accepts a missing optional key as null, and non-canonical but valid forms")
    func lenientRead() throws {
        let json = JSONObject([
            "actor": "almaty", "role": "region", "occurredAt": "2025-12-01T10:00:00.5+05:00",
            "causationId": "9E0B7C6D-5A4B-4C3D-9E2F-1A0B9C8D7E6F",
        ])
        let meta = try EventMetadata(json: json)
        #expect(meta.region == nil && meta.deviceId == nil && meta.recordedAt == nil)
        #expect(meta.occurredAt.rfc3339 == "2025-12-01T05:00:00.500000Z")
        #expect(meta.causationId?.lowercased == "9e0b7c6d-5a4b-4c3d-9e2f-1a0b9c8d7e6f")
        #expect(meta.extra.isEmpty)
    }
}
