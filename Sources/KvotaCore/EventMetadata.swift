public import Foundation

/// The `meta` of an event: who wrote it, from where, when, and in answer to what.
public struct EventMetadata: Sendable, Hashable {
    /// The token name of the writer (`kvotad` for events the server writes itself).
    public var actor: String
    /// `region`, `ministry` or `system`.
    public var role: String
    /// The writer's region (region tokens), or nil.
    public var region: String?
    public var deviceId: String?
    /// The client's clock when the event was recorded.
    public var occurredAt: Timestamp
    /// The server's clock at append; never decreasing with position. Nil until stored.
    public var recordedAt: Timestamp?
    public var causationId: UUID?
    /// Further members (for example `import` on events loaded by the operator import path), kept
    /// verbatim so that the canonical bytes round-trip.
    public var extra: JSONObject

    public init(
        actor: String, role: String, region: String? = nil, deviceId: String? = nil, occurredAt: Timestamp,
        recordedAt: Timestamp? = nil, causationId: UUID? = nil, extra: JSONObject = JSONObject()
    ) {
        self.actor = actor
        self.role = role
        self.region = region
        self.deviceId = deviceId
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.causationId = causationId
        self.extra = extra
    }

    static let sortedStandardKeys = ["actor", "causationId", "deviceId", "occurredAt", "recordedAt", "region", "role"]
    static let standardKeys: Set<String> = [
        "actor", "role", "region", "deviceId", "occurredAt", "recordedAt", "causationId",
    ]

    /// The JSON object of the envelope's `meta`: the seven standard keys (null when absent) and `extra`.
    public var json: JSONObject {
        var members = extra.members.filter { !EventMetadata.standardKeys.contains($0.key) }
        members.append(.init("actor", .string(actor)))
        members.append(.init("role", .string(role)))
        members.append(.init("region", region.map(JSONValue.string) ?? .null))
        members.append(.init("deviceId", deviceId.map(JSONValue.string) ?? .null))
        members.append(.init("occurredAt", .string(occurredAt.rfc3339)))
        members.append(.init("recordedAt", recordedAt.map { .string($0.rfc3339) } ?? .null))
        members.append(.init("causationId", causationId.map { .string($0.lowercased) } ?? .null))
        return JSONObject(members)
    }

    /// Reads a stored `meta` object back.
    public init(json: JSONObject) throws(EnvelopeError) {
        func string(_ key: String) throws(EnvelopeError) -> String? {
            switch json[key] {
            case nil, .null?: return nil
            case .string(let s)?: return s
            default: throw EnvelopeError(field: "meta.\(key)", message: "must be a string or null")
            }
        }
        func timestamp(_ key: String) throws(EnvelopeError) -> Timestamp? {
            guard let text = try string(key) else { return nil }
            guard let value = Timestamp(rfc3339: text) else {
                throw EnvelopeError(field: "meta.\(key)", message: "must be an RFC 3339 timestamp")
            }
            return value
        }
        guard let actor = try string("actor") else { throw EnvelopeError(field: "meta.actor", message: "is required") }
        guard let role = try string("role") else { throw EnvelopeError(field: "meta.role", message: "is required") }
        guard let occurredAt = try timestamp("occurredAt") else {
            throw EnvelopeError(field: "meta.occurredAt", message: "is required")
        }
        var causationId: UUID?
        if let text = try string("causationId") {
            guard let id = UUID(text: text) else {
                throw EnvelopeError(field: "meta.causationId", message: "must be a UUID")
            }
            causationId = id
        }
        self.init(
            actor: actor, role: role, region: try string("region"), deviceId: try string("deviceId"),
            occurredAt: occurredAt, recordedAt: try timestamp("recordedAt"), causationId: causationId,
            extra: json.count == 7 && json.keys == EventMetadata.sortedStandardKeys
                ? JSONObject() : JSONObject(json.members.filter { !EventMetadata.standardKeys.contains($0.key) })
        )
    }
}
