/// An error of the client, said for a clerk: what failed, and where it can be seen.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// A command's input is wrong (a flag, a CSV row, a field).
        case invalidInput = "invalid-input"
        /// The local rules refuse the event (the same rules the server runs).
        case refused
        /// No profile, or a profile that is incomplete.
        case profile
        /// The server could not be reached or answered with an error.
        case server
        /// The journal (SQLite) failed.
        case journal
        /// The history does not verify.
        case audit
    }

    public var kind: Kind
    public var message: String
    /// The field or flag at fault, when there is one.
    public var field: String?

    public init(_ kind: Kind, _ message: String, field: String? = nil) {
        self.kind = kind
        self.message = message
        self.field = field
    }

    public var description: String {
        if let field { return "\(field): \(message)" }
        return message
    }
}
