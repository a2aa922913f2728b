import Foundation
import KvotaCore

/// Push items of the quota vocabulary as devices send them (contract, Push), for year 2026.
enum Items {
    static let year: Int64 = 2026
    static let quota = "quota-2026-foreign-labour"

    static var now: String {
        Timestamp(microsecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1_000_000)).rfc3339
    }

    static func item(
        _ stream: String, _ type: String, _ data: JSONObject, expected: Int64? = nil, id: UUID = UUID(),
        cause: UUID? = nil
    ) -> JSONValue {
        var members: [JSONObject.Member] = [
            .init("eventId", .string(id.lowercased)), .init("stream", .string(stream)),
            .init("expectedVersion", expected.map(JSONValue.int) ?? .null), .init("type", .string(type)),
            .init("data", .object(data)), .init("occurredAt", .string(now)),
        ]
        if let cause { members.append(.init("causationId", .string(cause.lowercased))) }
        return .object(JSONObject(members))
    }

    static func ceiling(_ units: Int64, id: UUID = UUID()) -> JSONValue {
        item(quota, "CeilingSet", ["units": .int(units), "basis": "ministerial order 2026-1"], id: id)
    }

    static func allocation(_ region: String, _ units: Int64) -> JSONValue {
        item(quota, "AllocationSet", ["region": .string(region), "units": .int(units)])
    }

    /// A BIN with a valid check digit, distinct for each `n`.
    static func bin(_ n: Int) -> String { BIN.synthetic(n).digits }

    static func worker(_ n: Int) -> String { String(format: "%064x", n) }

    /// ApplicationFiled and ApplicationApproved for `workers` cat3 permits; returns the application id too.
    static func application(region: String = "KZ-75", employer: Int = 1, workers: Int64 = 100) -> (UUID, [JSONValue]) {
        let id = UUID()
        let stream = "application-\(id.lowercased)"
        let filed = item(
            stream, "ApplicationFiled",
            [
                "region": .string(region), "year": .int(year), "line": "foreign-labour",
                "employerBin": .string(bin(employer)),
                "category": "cat3", "workers": .int(workers), "sector": "F", "countryOfOrigin": "CN",
                "vacancyRef": "enbek-1", "vacancyPostedOn": "2026-01-05",
            ], expected: -1)
        let approved = item(stream, "ApplicationApproved", [:], expected: 0)
        return (id, [filed, approved])
    }

    static func permit(
        application: UUID, region: String = "KZ-75", employer: Int = 1, worker: Int, id: UUID = UUID()
    ) -> JSONValue {
        item(
            "permit-\(id.lowercased)", "PermitIssued",
            [
                "region": .string(region), "year": .int(year), "line": "foreign-labour",
                "applicationId": .string(application.lowercased), "employerBin": .string(bin(employer)),
                "category": "cat3", "workerRef": .string(self.worker(worker)), "sector": "F", "countryOfOrigin": "CN",
                "validFrom": "2026-02-01", "validUntil": "2027-01-31",
            ], expected: -1)
    }

    static func bar(employer: Int, until: String = "2099-12-31") -> JSONValue {
        item(
            "employer-\(bin(employer))", "EmployerBarred",
            ["from": "2026-01-01", "until": .string(until), "reason": "court order 17"])
    }
}

extension JSONObject {
    var status: String? { self["status"]?.stringValue }
    var code: String? { self["code"]?.stringValue }
}
