import Foundation
import KvotaCore

/// Events shaped like the quota vocabulary (about 600 canonical bytes each): per batch of 1,000,
/// mostly new permits, some application filings, and extensions of permits issued earlier in the batch.
enum RealisticEvents {
    static let regions = [
        "KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35", "KZ-39",
        "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71", "KZ-75", "KZ-79",
    ]
    static let categories = ["cat1", "cat2", "cat3", "cat4", "seasonal", "ict"]
    static let countries = ["CN", "UZ", "TR", "IN", "RU", "KG", "TJ", "AZ", "KR", "DE"]
    static let sectors = ["F", "A", "B", "C", "G", "H", "J", "M"]

    /// Batch `index` of `size` events; deterministic.
    static func batch(_ index: Int, size: Int) -> [ProposedEvent] {
        var generator = SeededRandom(seed: UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        var events: [ProposedEvent] = []
        events.reserveCapacity(size)
        var issued: [(String, UUID)] = []
        let base = Timestamp(rfc3339: "2025-03-01T09:00:00Z")!.microseconds
        for item in 0..<size {
            let region = regions[Int(generator.next() % 20)]
            let occurredAt = Timestamp(microsecondsSinceEpoch: base + Int64(index * size + item) * 1_000_000)
            let meta = EventMetadata(
                actor: "akimat-\(region.lowercased())-clerk", role: "region", region: region,
                deviceId: "device-\(region.lowercased())-\(generator.next() % 8)", occurredAt: occurredAt)
            let roll = item % 10
            if roll == 9, let (stream, cause) = issued.popLast() {
                var extended = meta
                extended.causationId = cause
                events.append(
                    ProposedEvent(
                        stream: stream, expectedVersion: .exact(0), type: "PermitExtended",
                        data: JSONObject(["validUntil": "2026-09-30", "reason": "contract extended by the employer"]),
                        meta: extended))
            } else if roll == 8 {
                events.append(
                    ProposedEvent(
                        stream: "application-\(UUID().lowercased)", expectedVersion: .noStream,
                        type: "ApplicationFiled",
                        data: application(region: region, &generator), meta: meta))
            } else {
                let id = UUID()
                let stream = "permit-\(UUID().lowercased)"
                issued.append((stream, id))
                events.append(
                    ProposedEvent(
                        eventId: id, stream: stream, expectedVersion: .noStream, type: "PermitIssued",
                        data: permit(region: region, &generator), meta: meta))
            }
        }
        return events
    }

    static func permit(region: String, _ generator: inout SeededRandom) -> JSONObject {
        let category = categories[Int(generator.next() % 6)]
        var members: [JSONObject.Member] = [
            .init("region", .string(region)), .init("year", .int(2025)), .init("line", .string("foreign-labour")),
            .init("applicationId", .string(UUID().lowercased)), .init("employerBin", .string(bin(&generator))),
            .init("category", .string(category)), .init("workerRef", .string(hex(&generator, bytes: 32))),
            .init("sector", .string(sectors[Int(generator.next() % 8)])),
            .init("countryOfOrigin", .string(countries[Int(generator.next() % 10)])),
            .init("validFrom", .string("2025-03-01")), .init("validUntil", .string("2026-02-28")),
            .init("positionTitle", .string("Chief engineer of the construction site")),
        ]
        if category == "cat4" { members.append(.init("replaceBy", .string("2026-03-01"))) }
        return JSONObject(members)
    }

    static func application(region: String, _ generator: inout SeededRandom) -> JSONObject {
        JSONObject([
            .init("region", .string(region)), .init("year", .int(2025)), .init("line", .string("foreign-labour")),
            .init("employerBin", .string(bin(&generator))),
            .init("category", .string(categories[Int(generator.next() % 6)])),
            .init("workers", .int(Int64(1 + generator.next() % 40))),
            .init("sector", .string(sectors[Int(generator.next() % 8)])),
            .init("countryOfOrigin", .string(countries[Int(generator.next() % 10)])),
            .init("vacancyRef", .string("enbek-\(generator.next() % 10_000_000)")),
            .init("vacancyPostedOn", .string("2025-02-10")),
            .init("positionTitle", .string("Welder of the sixth grade")),
        ])
    }

    static func bin(_ generator: inout SeededRandom) -> String {
        String(format: "%012llu", generator.next() % 1_000_000_000_000)
    }

    static func hex(_ generator: inout SeededRandom, bytes: Int) -> String {
        (0..<bytes / 8).map { _ in String(format: "%016llx", generator.next()) }.joined()
    }
}
