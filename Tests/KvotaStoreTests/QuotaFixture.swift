import Foundation
import KvotaCore

/// Valid events of the quota vocabulary, as the ministry and regional offices push them.
enum QuotaFixture {
    static let year: Int64 = 2025
    static let quotaStream = "quota-2025-foreign-labour"
    static let occurredAt = Timestamp(rfc3339: "2025-06-02T04:00:00Z")!

    static func meta(ministry: Bool = false, region: String = "KZ-75") -> EventMetadata {
        ministry
            ? EventMetadata(actor: "ministry-clerk", role: "ministry", occurredAt: occurredAt)
            : EventMetadata(
                actor: "akimat-\(region)", role: "region", region: region, deviceId: "dev-1", occurredAt: occurredAt)
    }

    /// A BIN with a valid check digit, distinct for each `n`.
    static func bin(_ n: Int) -> String { BIN.synthetic(n).digits }

    static func worker(_ n: Int) -> String { String(format: "%064x", n) }

    static func ceiling(_ units: Int64) -> ProposedEvent {
        ProposedEvent(
            stream: quotaStream, type: "CeilingSet", data: ["units": .int(units), "basis": "ministerial order"],
            meta: meta(ministry: true))
    }

    static func allocation(_ region: String, _ units: Int64) -> ProposedEvent {
        ProposedEvent(
            stream: quotaStream, type: "AllocationSet", data: ["region": .string(region), "units": .int(units)],
            meta: meta(ministry: true))
    }

    /// Files and approves an application for `workers` cat3 permits; returns its id and the two events.
    static func approvedApplication(region: String = "KZ-75", employer: Int = 1, workers: Int64 = 100) -> (
        UUID, [ProposedEvent]
    ) {
        let id = UUID()
        let stream = "application-\(id.lowercased)"
        let filed = ProposedEvent(
            stream: stream, expectedVersion: .noStream, type: "ApplicationFiled",
            data: [
                "region": .string(region), "year": .int(year), "line": "foreign-labour",
                "employerBin": .string(bin(employer)),
                "category": "cat3", "workers": .int(workers), "sector": "F", "countryOfOrigin": "CN",
                "vacancyRef": "enbek-1", "vacancyPostedOn": "2025-05-01",
            ], meta: meta(region: region))
        let approved = ProposedEvent(
            stream: stream, expectedVersion: .exact(0), type: "ApplicationApproved", data: [:],
            meta: meta(region: region))
        return (id, [filed, approved])
    }

    static func permit(
        application: UUID, region: String = "KZ-75", employer: Int = 1, worker: Int, validFrom: String = "2025-06-01",
        validUntil: String = "2026-05-31"
    ) -> ProposedEvent {
        ProposedEvent(
            stream: "permit-\(UUID().lowercased)", expectedVersion: .noStream, type: "PermitIssued",
            data: [
                "region": .string(region), "year": .int(year), "line": "foreign-labour",
                "applicationId": .string(application.lowercased), "employerBin": .string(bin(employer)),
                "category": "cat3",
                "workerRef": .string(self.worker(worker)), "sector": "F", "countryOfOrigin": "CN",
                "validFrom": .string(validFrom), "validUntil": .string(validUntil),
            ], meta: meta(region: region))
    }

    static func revoke(_ permitStream: String, region: String = "KZ-75") -> ProposedEvent {
        ProposedEvent(
            stream: permitStream, type: "PermitRevoked", data: ["reason": "left the employer"],
            meta: meta(region: region))
    }
}
