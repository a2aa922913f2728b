public import Foundation

/// What a bearer token may do (contract, Auth).
public enum TokenRole: String, Sendable, Hashable, CaseIterable, Codable {
    /// A regional executive body: files, issues and asks for units in its own region.
    case region
    /// The Ministry of Labour: ceilings, allocations, reallocation decisions, employer bars.
    case ministry
    /// Reads everything, writes nothing.
    case auditor
}

/// The writer or reader behind a request: a token's name, role and (for `region`) region.
public struct Principal: Sendable, Hashable {
    public var name: String
    public var role: TokenRole
    public var region: Region?

    public init(name: String, role: TokenRole, region: Region?) {
        self.name = name
        self.role = role
        self.region = region
    }

    /// Whether this principal may push events at all (auditors may not).
    public var mayWrite: Bool { role != .auditor }

    /// The `meta` the server records for an event this principal pushes from `deviceId`.
    public func metadata(deviceId: String, occurredAt: Timestamp, causationId: UUID?) -> EventMetadata {
        EventMetadata(
            actor: name, role: role.rawValue, region: region?.rawValue, deviceId: deviceId, occurredAt: occurredAt,
            causationId: causationId)
    }
}
