import Foundation
import KvotaAudit
import KvotaCore

/// A small log as the server stores it: events positioned, versioned per stream, stamped with the
/// server's clock, as canonical bytes. Builds whatever it is told (the rules are not asked), so tests
/// can also build logs the server would never have written.
struct StoredLog {
    private(set) var events: [RecordedEvent] = []
    private var versions: [String: Int64] = [:]

    enum Writer {
        case ministry
        case region(Region)
        case system
    }

    /// Appends an event recorded at `time` (RFC 3339, UTC) by `writer`; a system event gets the derived id.
    mutating func add(
        _ stream: String, _ type: String, _ data: JSONObject = JSONObject(), by writer: Writer, at time: String,
        id: UUID? = nil
    ) {
        let recordedAt = Timestamp(rfc3339: time)!
        let occurredAt = Timestamp(microsecondsSinceEpoch: recordedAt.microseconds - 60_000_000)
        var meta: EventMetadata
        switch writer {
        case .ministry:
            meta = EventMetadata(actor: "mintrud-desk", role: "ministry", deviceId: "hq-1", occurredAt: occurredAt)
        case .region(let region):
            meta = EventMetadata(
                actor: "akimat-\(region.rawValue.lowercased())", role: "region", region: region.rawValue,
                deviceId: "office-1", occurredAt: occurredAt)
        case .system:
            meta = EventMetadata(actor: "kvotad", role: "system", occurredAt: occurredAt)
        }
        meta.recordedAt = recordedAt
        let version = versions[stream, default: -1] + 1
        versions[stream] = version
        let eventId =
            id ?? (writer.isSystem ? DerivedEventID.once(stream: stream, type: type) : StoredLog.id(events.count + 1))
        events.append(
            RecordedEvent(
                eventId: eventId, stream: stream, version: version, position: Int64(events.count), type: type,
                data: data, meta: meta))
    }

    /// Each event's stored bytes.
    var bytes: [[UInt8]] { events.map(\.canonicalBytes) }

    /// The bulk export: each event's bytes and a newline.
    var export: [UInt8] { bytes.flatMap { $0 + [UInt8(ascii: "\n")] } }

    var leafHashes: [TreeHash] { bytes.map(TreeHash.leaf) }

    /// The checkpoint the server would sign for the whole log.
    var checkpoint: Checkpoint {
        Checkpoint(origin: "kvota.test/log", size: UInt64(events.count), rootHash: MerkleTree.root(of: leafHashes))
    }

    /// A fixed UUID ending in `n`.
    static func id(_ n: Int) -> UUID {
        let hex = String(n, radix: 16)
        return UUID(text: "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex)!
    }

    static let quota = "quota-2025-foreign-labour"
    static let application = StoredLog.id(0xA1)
    static let barred = BIN.synthetic(7)
    static let employer = BIN.synthetic(1)

    static func permit(_ n: Int) -> UUID { StoredLog.id(0xB00 + n) }
    static func permitStream(_ n: Int) -> String { "permit-\(permit(n).lowercased)" }

    static func permitData(worker: Int, validFrom: String, validUntil: String) -> JSONObject {
        [
            "region": "KZ-75", "year": 2025, "line": "foreign-labour", "applicationId": .string(application.lowercased),
            "employerBin": .string(employer.digits), "category": "cat3",
            "workerRef": .string(String(repeating: "0", count: 63) + String(worker)), "sector": "F",
            "countryOfOrigin": "CN", "validFrom": .string(validFrom), "validUntil": .string(validUntil),
        ]
    }

    /// Thirteen events every rule accepts: a ceiling, allocations, an approved application, permits
    /// issued, expired (by the server) and revoked, a reallocation, an employer bar. KZ-75 holds 2
    /// units, then 3 after the reallocation, and ends with 1 in use.
    static func valid() -> StoredLog {
        var log = StoredLog()
        log.add(quota, "CeilingSet", ["units": 10, "basis": "order 1"], by: .ministry, at: "2025-02-03T05:00:00Z")
        log.add(quota, "AllocationSet", ["region": "KZ-75", "units": 2], by: .ministry, at: "2025-02-03T05:10:00Z")
        log.add(quota, "AllocationSet", ["region": "KZ-71", "units": 3], by: .ministry, at: "2025-02-03T05:20:00Z")
        log.add(
            "application-\(application.lowercased)", "ApplicationFiled",
            [
                "region": "KZ-75", "year": 2025, "line": "foreign-labour", "employerBin": .string(employer.digits),
                "category": "cat3", "workers": 10, "sector": "F", "countryOfOrigin": "CN", "vacancyRef": "enbek-1",
                "vacancyPostedOn": "2025-01-20",
            ], by: .region(.almaty), at: "2025-02-04T05:00:00Z")
        log.add(
            "application-\(application.lowercased)", "ApplicationApproved", by: .region(.almaty),
            at: "2025-02-04T06:00:00Z")
        log.add(
            permitStream(1), "PermitIssued", permitData(worker: 1, validFrom: "2025-02-05", validUntil: "2025-02-20"),
            by: .region(.almaty), at: "2025-02-05T05:00:00Z")
        log.add(
            permitStream(2), "PermitIssued", permitData(worker: 2, validFrom: "2025-02-05", validUntil: "2025-12-31"),
            by: .region(.almaty), at: "2025-02-05T05:30:00Z")
        log.add(
            "employer-\(barred.digits)", "EmployerBarred",
            ["from": "2025-02-10", "until": "2026-02-10", "reason": "violation"], by: .ministry,
            at: "2025-02-10T05:00:00Z")
        log.add(permitStream(1), "PermitExpired", by: .system, at: "2025-02-20T19:05:00Z")
        log.add(
            quota, "ReallocationRequested",
            ["requestId": "r1", "region": "KZ-75", "units": 1, "fromRegion": "KZ-71", "justification": "harvest"],
            by: .region(.almaty), at: "2025-03-03T05:00:00Z")
        log.add(quota, "ReallocationApproved", ["requestId": "r1"], by: .ministry, at: "2025-03-04T05:00:00Z")
        log.add(
            permitStream(3), "PermitIssued", permitData(worker: 3, validFrom: "2025-03-05", validUntil: "2025-12-31"),
            by: .region(.almaty), at: "2025-03-05T05:00:00Z")
        log.add(permitStream(2), "PermitRevoked", ["reason": "left"], by: .region(.almaty), at: "2025-03-06T05:00:00Z")
        return log
    }
}

extension StoredLog.Writer {
    var isSystem: Bool {
        if case .system = self { return true }
        return false
    }
}

extension [[UInt8]] {
    /// The events with event `index` read back, changed, and written canonically again (as someone
    /// with write access to the database and the encoding rules would).
    func rewriting(_ index: Int, _ change: (inout RecordedEvent) -> Void) -> [[UInt8]] {
        var events = self
        var event = events[index].withUnsafeBufferPointer { try! RecordedEvent(canonicalBytes: $0) }
        change(&event)
        events[index] = event.canonicalBytes
        return events
    }
}
