import Foundation
import KvotaCore

/// The `data` of each event type, built with members in canonical key order (both histories use these).
enum Payload {
    typealias Member = JSONObject.Member

    static func ceilingSet(units: Int64, percent: Double?, laborForce: Int64?, basis: String) -> JSONObject {
        var members = [Member("basis", .string(basis))]
        if let laborForce { members.append(Member("laborForce", .int(laborForce))) }
        if let percent { members.append(Member("percent", .double(percent))) }
        members.append(Member("units", .int(units)))
        return JSONObject(members)
    }

    static func allocationSet(region: Region, units: Int64) -> JSONObject {
        JSONObject([Member("region", .string(region.rawValue)), Member("units", .int(units))])
    }

    static func reallocationRequested(
        requestId: String, region: Region, units: Int64, fromRegion: Region?, justification: String
    ) -> JSONObject {
        var members: [Member] = []
        if let fromRegion { members.append(Member("fromRegion", .string(fromRegion.rawValue))) }
        members.append(Member("justification", .string(justification)))
        members.append(Member("region", .string(region.rawValue)))
        members.append(Member("requestId", .string(requestId)))
        members.append(Member("units", .int(units)))
        return JSONObject(members)
    }

    static func reallocationApproved(requestId: String, units: Int64?) -> JSONObject {
        var members = [Member("requestId", .string(requestId))]
        if let units { members.append(Member("units", .int(units))) }
        return JSONObject(members)
    }

    static func reallocationRejected(requestId: String, reason: String) -> JSONObject {
        JSONObject([Member("reason", .string(reason)), Member("requestId", .string(requestId))])
    }

    static func applicationFiled(
        region: Region, year: Int64, employerBin: String, category: PermitCategory, workers: Int64, sector: String,
        country: String, vacancyRef: String, vacancyPostedOn: CalendarDate, cat1Role: Cat1Role?, positionTitle: String?
    ) -> JSONObject {
        var members: [Member] = []
        members.reserveCapacity(12)
        if let cat1Role { members.append(Member("cat1Role", .string(cat1Role.rawValue))) }
        members.append(Member("category", .string(category.rawValue)))
        members.append(Member("countryOfOrigin", .string(country)))
        members.append(Member("employerBin", .string(employerBin)))
        members.append(Member("line", .string(QuotaLine.foreignLabour.rawValue)))
        if let positionTitle { members.append(Member("positionTitle", .string(positionTitle))) }
        members.append(Member("region", .string(region.rawValue)))
        members.append(Member("sector", .string(sector)))
        members.append(Member("vacancyPostedOn", .string(vacancyPostedOn.description)))
        members.append(Member("vacancyRef", .string(vacancyRef)))
        members.append(Member("workers", .int(workers)))
        members.append(Member("year", .int(year)))
        return JSONObject(members)
    }

    static func permitIssued(
        region: Region, year: Int64, applicationId: UUID, employerBin: String, category: PermitCategory,
        workerRef: String,
        sector: String, country: String, validFrom: CalendarDate, validUntil: CalendarDate, replaceBy: CalendarDate?,
        cat1Role: Cat1Role?, positionTitle: String?
    ) -> JSONObject {
        var members: [Member] = []
        members.reserveCapacity(14)
        members.append(Member("applicationId", .string(applicationId.lowercased)))
        if let cat1Role { members.append(Member("cat1Role", .string(cat1Role.rawValue))) }
        members.append(Member("category", .string(category.rawValue)))
        members.append(Member("countryOfOrigin", .string(country)))
        members.append(Member("employerBin", .string(employerBin)))
        members.append(Member("line", .string(QuotaLine.foreignLabour.rawValue)))
        if let positionTitle { members.append(Member("positionTitle", .string(positionTitle))) }
        members.append(Member("region", .string(region.rawValue)))
        if let replaceBy { members.append(Member("replaceBy", .string(replaceBy.description))) }
        members.append(Member("sector", .string(sector)))
        members.append(Member("validFrom", .string(validFrom.description)))
        members.append(Member("validUntil", .string(validUntil.description)))
        members.append(Member("workerRef", .string(workerRef)))
        members.append(Member("year", .int(year)))
        return JSONObject(members)
    }

    static func validUntil(_ day: CalendarDate) -> JSONObject {
        JSONObject([Member("validUntil", .string(day.description))])
    }

    static func reason(_ text: String) -> JSONObject { JSONObject([Member("reason", .string(text))]) }

    static func employerBarred(from: CalendarDate, until: CalendarDate, reason: String) -> JSONObject {
        JSONObject([
            Member("from", .string(from.description)), Member("reason", .string(reason)),
            Member("until", .string(until.description)),
        ])
    }

    static let empty = JSONObject()
}
