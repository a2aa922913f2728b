public import Foundation

/// What happened to one pushed item (contract, Push), in order of precedence.
public enum AppendStatus: Sendable, Hashable {
    /// The eventId was stored before; this is where. Counts as applied for dependent items.
    case duplicate(position: Int64, version: Int64)
    /// The item itself is wrong.
    case rejected(Rejection)
    /// Not attempted: an earlier item of the batch in the same stream, or its cause, was not applied.
    case blocked(by: UUID)
    /// Valid, but cannot apply to today's state.
    case conflict(Conflict)
    /// Stored.
    case accepted(position: Int64, version: Int64)

    /// Whether the item is in the log after this call (stored now or before).
    public var isApplied: Bool {
        switch self {
        case .accepted, .duplicate: return true
        default: return false
        }
    }

    public var isAccepted: Bool {
        if case .accepted = self { return true }
        return false
    }

    public var position: Int64? {
        switch self {
        case .accepted(let position, _), .duplicate(let position, _): return position
        default: return nil
        }
    }
}

/// An item refused for what it is: stable `code` (`invalid-field`, `unknown-type`, `forbidden`,
/// `unknown-cause`), a message for people, and the offending field when there is one.
public struct Rejection: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var field: String?

    public init(code: String, message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public init(_ error: EnvelopeError) {
        self.init(code: error.code, message: "\(error.field) \(error.message)", field: error.field)
    }

    public var description: String { "\(code): \(message)" }
}

/// An item that is valid but cannot apply to the current state: stable `code` (`version`,
/// `quota-exhausted`, ...), a message for people, and `current`, the state needed to resolve it.
public struct Conflict: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var current: JSONObject

    public init(code: String, message: String, current: JSONObject) {
        self.code = code
        self.message = message
        self.current = current
    }

    /// The stream moved: its current version (-1: it does not exist) differs from what the writer expected.
    public static func version(stream: String, expected: ExpectedVersion, current: Int64) -> Conflict {
        let actual = current < 0 ? "does not exist" : "is at version \(current)"
        return Conflict(
            code: "version", message: "stream \(stream) \(actual), but the writer expected \(expected)",
            current: JSONObject(["version": .int(current)]))
    }

    public var description: String { "\(code): \(message)" }
}
