public import Foundation
public import KvotaCore

/// An event recorded on this device and not yet in the pulled log, with what the last push said of it.
public struct PendingEvent: Sendable, Hashable {
    /// Where a recorded event stands.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// Waiting for the next sync.
        case pending
        /// Accepted (or found a duplicate) by the server; leaves the journal when the pull brings it.
        case sent
        /// The server (or the local check) found a conflict: waits for a resolution.
        case conflict
        /// The server refused the item itself: waits for `--amend` or `--drop`.
        case rejected
        /// Not attempted because its cause (same stream earlier, or its `causationId`) is not applied.
        case blocked
        /// A `quota-exhausted` conflict held for a reallocation: retried by every sync until it applies.
        case held
    }

    public var sequence: Int64
    public var eventId: UUID
    public var stream: String
    public var expectedVersion: ExpectedVersion
    public var type: String
    public var data: JSONObject
    public var occurredAt: Timestamp
    public var causationId: UUID?
    public var state: State
    /// The last outcome that was not a success: code, message, field, `current`, blockedBy.
    public var outcome: Outcome?

    public struct Outcome: Sendable, Hashable {
        public var status: String
        public var code: String?
        public var message: String
        public var field: String?
        public var current: JSONObject?
        public var blockedBy: UUID?

        public init(
            status: String, code: String?, message: String, field: String? = nil, current: JSONObject? = nil,
            blockedBy: UUID? = nil
        ) {
            self.status = status
            self.code = code
            self.message = message
            self.field = field
            self.current = current
            self.blockedBy = blockedBy
        }

        /// The outcome of a status that did not apply (nil for accepted and duplicate).
        public init?(_ status: AppendStatus) {
            switch status {
            case .accepted, .duplicate:
                return nil
            case .rejected(let rejection):
                self.init(status: "rejected", code: rejection.code, message: rejection.message, field: rejection.field)
            case .blocked(let cause):
                self.init(
                    status: "blocked", code: nil, message: "waits for \(cause.lowercased), which is not applied",
                    blockedBy: cause)
            case .conflict(let conflict):
                self.init(status: "conflict", code: conflict.code, message: conflict.message, current: conflict.current)
            }
        }

        /// The state an event with this outcome is left in.
        var state: State {
            switch status {
            case "rejected": return .rejected
            case "blocked": return .blocked
            default: return .conflict
            }
        }
    }

    public init(
        sequence: Int64 = 0, eventId: UUID = .random(), stream: String, expectedVersion: ExpectedVersion, type: String,
        data: JSONObject, occurredAt: Timestamp, causationId: UUID? = nil, state: State = .pending,
        outcome: Outcome? = nil
    ) {
        self.sequence = sequence
        self.eventId = eventId
        self.stream = stream
        self.expectedVersion = expectedVersion
        self.type = type
        self.data = data
        self.occurredAt = occurredAt
        self.causationId = causationId
        self.state = state
        self.outcome = outcome
    }

    /// The item as pushed.
    public var pushItem: PushItem {
        PushItem(
            eventId: eventId, stream: stream, expectedVersion: expectedVersion, type: type, data: data,
            occurredAt: occurredAt, causationId: causationId)
    }

    /// The item as the local planner checks it, written by `principal` from `deviceId`.
    public func proposed(by principal: Principal, deviceId: String) -> ProposedEvent {
        ProposedEvent(
            eventId: eventId, stream: stream, expectedVersion: expectedVersion, type: type, data: data,
            meta: principal.metadata(deviceId: deviceId, occurredAt: occurredAt, causationId: causationId))
    }
}

extension Timestamp {
    /// The client's clock.
    public static var now: Timestamp {
        Timestamp(microsecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()))
    }
}
