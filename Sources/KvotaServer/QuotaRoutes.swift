import Foundation
import Hummingbird
import KvotaCore
import KvotaStore

/// `GET /v1/quota/{year}/{line}` (contract, Quota projection): now, `?atPosition=n` or `?asOf=T`.
struct QuotaRoutes: Sendable {
    let store: EventStore

    func register(on group: RouterGroup<KvotaRequestContext>) {
        group.get("quota/:year/:line") { request, context in try await quota(request, context) }
    }

    func quota(_ request: Request, _ context: KvotaRequestContext) async throws -> Response {
        _ = try context.authenticated()
        guard let yearText = context.parameters.get("year"), let year = Int64(yearText), (2000...2100).contains(year)
        else {
            throw Problem.invalidParameter("year", "must be a year from 2000 to 2100")
        }
        guard let lineText = context.parameters.get("line"), let line = QuotaLine(rawValue: lineText) else {
            throw Problem.invalidParameter("line", "must be foreign-labour or household-immigrant")
        }
        let query = request.uri.queryParameters
        let key = QuotaKey(year: year, line: line)
        let atPosition = try Query.integer(query, "atPosition", minimum: -1)
        let asOfText = query.get("asOf")
        let projection: QuotaProjection
        switch (atPosition, asOfText) {
        case (.some, .some):
            throw Problem.invalidParameter("asOf", "and atPosition cannot be given together")
        case (let position?, nil):
            projection = try await store.quotaProjection(key, atPosition: position)
        case (nil, let text?):
            guard let time = Timestamp(asOf: text) else {
                throw Problem.invalidParameter("asOf", "must be an RFC 3339 time (or a date YYYY-MM-DD), got \(text)")
            }
            projection = try await store.quotaProjection(key, asOf: time)
        case (nil, nil):
            projection = try await store.quotaProjection(key)
        }
        return .json(projection.json)
    }
}
