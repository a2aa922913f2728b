/// An event envelope that breaks a structural rule: names the field and the rule.
public struct EnvelopeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable code for programs: always `invalid-field` for envelopes.
    public var code: String { "invalid-field" }
    /// The field, as a dotted path (`stream`, `data`, `meta.occurredAt`).
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field) \(message)" }
}
