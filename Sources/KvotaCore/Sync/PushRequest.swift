public import Foundation

/// `POST /v1/sync/push` (contract, Push): a device's batch of items, as read from or written to the
/// wire. The server reads it with ``parse(_:maxEvents:)``; the client writes it with ``json``.
public struct PushRequest: Sendable, Hashable {
    public static let maxDeviceIdLength = 200

    public var deviceId: String
    public var items: [PushItem]

    public init(deviceId: String, items: [PushItem]) {
        self.deviceId = deviceId
        self.items = items
    }

    /// The request body.
    public var json: JSONValue {
        .object(["deviceId": .string(deviceId), "events": .array(items.map(\.json))])
    }

    public static func parse(_ body: [UInt8], maxEvents: Int) throws(Rejection) -> PushRequest {
        try body.withUnsafeBufferPointer { buffer throws(Rejection) in try parse(buffer, maxEvents: maxEvents) }
    }

    /// Reads a request body. A body that is not JSON, or not the request's shape, is an error of the
    /// whole request (a ``Rejection`` with code `malformed-json`, `invalid-request` or `batch-too-large`); an item that cannot be read whole comes back with ``PushItem/malformed`` set, so
    /// that it is answered `rejected` in its place and the items after it are decided as the contract says.
    public static func parse(_ body: UnsafeBufferPointer<UInt8>, maxEvents: Int) throws(Rejection) -> PushRequest {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw Rejection(code: "malformed-json", message: "the body is not JSON: \(error)")
        }
        guard case .object(let object) = value else {
            throw Rejection(code: "invalid-request", message: "the body must be a JSON object")
        }
        if let unknown = object.keys.first(where: { $0 != "deviceId" && $0 != "events" }) {
            throw Rejection(
                code: "invalid-request", message: "\(unknown) is not a member of a push request (deviceId, events)",
                field: unknown)
        }
        guard case .string(let deviceId)? = object["deviceId"] else {
            throw Rejection(code: "invalid-request", message: "deviceId must be a string", field: "deviceId")
        }
        guard !deviceId.isEmpty, deviceId.count <= maxDeviceIdLength else {
            throw Rejection(
                code: "invalid-request", message: "deviceId must have 1 to \(maxDeviceIdLength) characters",
                field: "deviceId")
        }
        guard case .array(let events)? = object["events"] else {
            throw Rejection(code: "invalid-request", message: "events must be an array", field: "events")
        }
        guard !events.isEmpty else {
            throw Rejection(code: "invalid-request", message: "events must not be empty", field: "events")
        }
        guard events.count <= maxEvents else {
            throw Rejection(
                code: "batch-too-large",
                message: "a push takes at most \(maxEvents) events, this one has \(events.count); split it",
                field: "events")
        }
        return PushRequest(deviceId: deviceId, items: events.map(PushItem.init(wire:)))
    }
}

/// One item of a push: an event as a device proposes it; the server adds the rest of `meta`.
public struct PushItem: Sendable, Hashable {
    /// The eventId as the item gave it (echoed in its result), nil when it gave no string.
    public var wireEventId: String?
    public var eventId: UUID
    public var stream: String
    public var expectedVersion: ExpectedVersion
    public var type: String
    public var data: JSONObject
    public var occurredAt: Timestamp
    public var causationId: UUID?
    /// Why the item could not be read whole; nil for a well-formed item.
    public var malformed: Rejection?

    public init(
        eventId: UUID, stream: String, expectedVersion: ExpectedVersion, type: String, data: JSONObject,
        occurredAt: Timestamp, causationId: UUID? = nil
    ) {
        self.wireEventId = eventId.lowercased
        self.eventId = eventId
        self.stream = stream
        self.expectedVersion = expectedVersion
        self.type = type
        self.data = data
        self.occurredAt = occurredAt
        self.causationId = causationId
    }

    static let members: Set<String> = [
        "eventId", "stream", "expectedVersion", "type", "data", "occurredAt", "causationId",
    ]

    /// Reads an item leniently: the first problem is kept in `malformed` (naming the field and the
    /// rule), the rest filled with placeholders that are never stored.
    init(wire value: JSONValue) {
        self.init(
            eventId: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), stream: "", expectedVersion: .any,
            type: "", data: JSONObject(), occurredAt: Timestamp(microsecondsSinceEpoch: 0))
        wireEventId = nil
        // An item that gives no usable id gets a fresh one (never stored: the item is rejected), so
        // that it can neither match a stored event nor another item; one that gives its id costs
        // none (a random id is a system call: 4% of kvotad's time under batched pushes).
        var identified = false
        defer { if !identified { eventId = .random() } }
        guard case .object(let object) = value else {
            malformed = Self.invalid("", "an item must be a JSON object")
            return
        }
        func fail(_ field: String, _ rule: String) {
            if malformed == nil { malformed = Self.invalid(field, rule) }
        }
        func string(_ key: String) -> String? {
            guard case .string(let text)? = object[key] else {
                fail(key, object[key] == nil ? "is required" : "must be a string")
                return nil
            }
            return text
        }
        if case .string(let text)? = object["eventId"] { wireEventId = text }
        if let text = string("eventId") {
            if let id = UUID(text: text) {
                eventId = id
                identified = true
            } else {
                fail("eventId", "must be a UUID")
            }
        }
        if let unknown = object.keys.first(where: { !Self.members.contains($0) }) {
            fail(
                unknown,
                unknown == "meta" || unknown == "recordedAt" || unknown == "position" || unknown == "version"
                    ? "is set by the server" : "is not a member of a push item")
        }
        stream = string("stream") ?? ""
        type = string("type") ?? ""
        switch object["expectedVersion"] {
        case nil, .null?: expectedVersion = .any
        case let number?:
            if let wire = number.intValue, let expected = ExpectedVersion(wire: wire) {
                expectedVersion = expected
            } else {
                fail("expectedVersion", "must be null, -1 (the stream must not exist) or a version >= 0")
            }
        }
        switch object["data"] {
        case .object(let payload)?: data = payload
        case nil: fail("data", "is required")
        default: fail("data", "must be a JSON object")
        }
        if let text = string("occurredAt") {
            if let time = Timestamp(rfc3339: text) {
                occurredAt = time
            } else {
                fail("occurredAt", "must be an RFC 3339 timestamp such as 2025-03-01T09:30:00Z")
            }
        }
        switch object["causationId"] {
        case nil, .null?: causationId = nil
        case .string(let text)?:
            if let id = UUID(text: text) { causationId = id } else { fail("causationId", "must be a UUID or null") }
        default: fail("causationId", "must be a UUID or null")
        }
    }

    private static func invalid(_ field: String, _ rule: String) -> Rejection {
        field.isEmpty
            ? Rejection(code: "invalid-field", message: rule)
            : Rejection(code: "invalid-field", message: "\(field) \(rule)", field: field)
    }

    /// The item on the wire.
    public var json: JSONValue {
        var members: [JSONObject.Member] = [
            .init("eventId", .string(eventId.lowercased)), .init("stream", .string(stream)),
            .init("expectedVersion", expectedVersion.wire.map(JSONValue.int) ?? .null), .init("type", .string(type)),
            .init("data", .object(data)), .init("occurredAt", .string(occurredAt.rfc3339)),
        ]
        if let causationId { members.append(.init("causationId", .string(causationId.lowercased))) }
        return .object(JSONObject(members))
    }

    /// The event the store is asked to append, with the server's `meta` for `principal` and `deviceId`.
    public func proposed(by principal: Principal, deviceId: String) -> ProposedEvent {
        var event = ProposedEvent(
            eventId: eventId, stream: stream, expectedVersion: expectedVersion, type: type, data: data,
            meta: principal.metadata(deviceId: deviceId, occurredAt: occurredAt, causationId: causationId))
        event.malformed = malformed
        return event
    }
}
