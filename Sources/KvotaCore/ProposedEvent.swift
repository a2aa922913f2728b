public import Foundation

/// An event a writer wants appended: not yet positioned or versioned.
public struct ProposedEvent: Sendable, Hashable {
    /// Client-generated; the idempotency key.
    public var eventId: UUID
    public var stream: String
    public var expectedVersion: ExpectedVersion
    public var type: String
    /// The payload; always a JSON object.
    public var data: JSONObject
    /// Writer metadata; `recordedAt` is set by the store.
    public var meta: EventMetadata
    /// Set when the item could not be read whole from the wire (see ``PushItem``): the append answers it
    /// `rejected` with this, in its place, so that later items of its stream are blocked.
    public var malformed: Rejection?

    public init(
        eventId: UUID = .random(), stream: String, expectedVersion: ExpectedVersion = .any, type: String,
        data: JSONObject, meta: EventMetadata
    ) {
        self.eventId = eventId
        self.stream = stream
        self.expectedVersion = expectedVersion
        self.type = type
        self.data = data
        self.meta = meta
    }

    /// Structural checks that hold for every event, whatever its type: stream name, type name.
    public func validateEnvelope() throws(EnvelopeError) {
        try StreamName.validate(stream)
        try StreamName.validateType(type)
    }
}
