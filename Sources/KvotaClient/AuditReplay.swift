import Foundation
public import KvotaCore

/// `kvota audit replay`: the quota state rebuilt from the pulled log by KvotaCore, up to the last event
/// recorded at or before a time, compared with the server's projection of the same moment.
public enum AuditReplay {
    /// The projections of every year and line at the last pulled event with `recordedAt` ≤ `asOf`.
    public static func projections(_ journal: Journal, asOf: Timestamp?) throws(ClientError) -> (
        projections: [QuotaKey: QuotaProjection], position: Int64, events: Int
    ) {
        let pulled = try LocalView.pulledState(journal, asOf: asOf)
        var projections: [QuotaKey: QuotaProjection] = [:]
        for (key, book) in pulled.state.books {
            projections[key] = QuotaProjection(key: key, book: book, position: pulled.position)
        }
        return (projections, pulled.position, pulled.events)
    }

    /// What `kvota audit replay` found: the replay's extent and every difference from the server.
    public struct Report: Sendable {
        public var projections: [QuotaKey: QuotaProjection]
        public var position: Int64
        public var events: Int
        public var differences: [Difference]
    }

    /// Replays the pulled log up to `asOf` (nil: everything pulled) and compares each year and line
    /// with the server's projection of the same moment: at `asOf` when given, otherwise at the
    /// position the replay reached. A region token sees only its own region's permits: usage is
    /// compared for that region, ceilings and allocations for all.
    public static func run(_ journal: Journal, api: ServerAPI, profile: Profile, asOf: Timestamp?)
        async throws(ClientError) -> Report
    {
        let replay = try projections(journal, asOf: asOf)
        let regions: Set<Region>? =
            profile.role == .region ? Set([profile.region.flatMap(Region.init(rawValue:))].compactMap { $0 }) : nil
        var differences: [Difference] = []
        for key in replay.projections.keys.sorted() {
            let query = asOf.map { "asOf=\($0.rfc3339)" } ?? "atPosition=\(replay.position)"
            let body = try await api.quota(year: key.year, line: key.line.rawValue, query: query)
            let server: QuotaProjection
            do { server = try QuotaProjection(json: body) } catch {
                throw ClientError(.server, "the server's projection cannot be read: \(error)")
            }
            differences += compare(replay.projections[key]!, server, regions: regions)
        }
        return Report(
            projections: replay.projections, position: replay.position, events: replay.events,
            differences: differences)
    }

    /// One difference between the local replay and the server.
    public struct Difference: Sendable, CustomStringConvertible {
        public var key: QuotaKey
        public var what: String
        public var local: Int64
        public var server: Int64
        public var description: String { "\(key): \(what): replayed \(local), server \(server)" }
    }

    /// Compares what both sides can know: the ceiling and allocations always, usage for the regions
    /// whose streams this token sees (`regions`; nil: all).
    public static func compare(_ local: QuotaProjection, _ server: QuotaProjection, regions: Set<Region>?)
        -> [Difference]
    {
        var differences: [Difference] = []
        func check(_ what: String, _ a: Int64, _ b: Int64) {
            if a != b { differences.append(Difference(key: local.key, what: what, local: a, server: b)) }
        }
        check("ceiling", local.ceiling, server.ceiling)
        check("allocated", local.allocated, server.allocated)
        if regions == nil { check("in use", local.inUse, server.inUse) }
        let serverRegions = Dictionary(uniqueKeysWithValues: server.regions.map { ($0.region, $0) })
        for usage in local.regions {
            let other = serverRegions[usage.region]
            check("\(usage.region.rawValue) allocated", usage.allocated, other?.allocated ?? 0)
            guard regions?.contains(usage.region) ?? true else { continue }
            check("\(usage.region.rawValue) in use", usage.inUse, other?.inUse ?? 0)
            for category in PermitCategory.allCases {
                check(
                    "\(usage.region.rawValue) \(category.rawValue)", usage.byCategory[category] ?? 0,
                    other?.byCategory[category] ?? 0)
            }
        }
        return differences
    }
}
