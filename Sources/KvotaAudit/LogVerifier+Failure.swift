import KvotaCore

extension LogVerifier {
    /// The first thing wrong with a log, as ``LogVerifier`` finds it: what kind of failure, where, the
    /// stable code a program branches on (for a refusal by the rules, the rule's own code such as
    /// `quota-exhausted`), and a message for people.
    ///
    /// `description` reads `position 77: position-mismatch: expected position 77, found 78 (...)`, or
    /// `tree size 1000: root-mismatch: ...` for failures that name a tree size rather than one event.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            /// The bytes are not an event: not JSON, or an envelope with a missing or mistyped member.
            case unreadable = "unreadable"
            /// The event reads, but its bytes are not its canonical encoding (`schema/canonical-encoding.md`).
            case nonCanonical = "non-canonical"
            /// The event's `position` is not its index in the log: an event is missing, repeated or moved.
            case positionMismatch = "position-mismatch"
            /// The leaf hash recomputed from the bytes differs from the one the log claims for it.
            case leafHashMismatch = "leaf-hash-mismatch"
            /// The eventId was used by an earlier event.
            case duplicateEventId = "duplicate-event-id"
            /// The stream's versions are not 0, 1, 2, ... in position order.
            case versionGap = "version-gap"
            /// `meta.recordedAt` is missing, or earlier than the previous event's.
            case recordedAtDecreasing = "recorded-at-decreasing"
            /// `meta` does not fit the writer: an unknown role, a region token without a valid region, an
            /// event of the server (`system`) other than its `PermitExpired` with the derived eventId.
            case invalidMeta = "invalid-meta"
            /// `meta.causationId` names no earlier event.
            case unknownCause = "unknown-cause"
            /// The server's rules refuse the event against the state before it; `code` is the rule's
            /// (`quota-exhausted`, `forbidden`, `invalid-field`, ...).
            case refused = "refused"
            /// After the event, a quota invariant no longer holds; `code` names it like the rules would.
            case invariantBroken = "invariant-broken"
            /// The root at a tree size differs from the one expected (a checkpoint's).
            case rootMismatch = "root-mismatch"
            /// The log ends before a tree size that was expected (a checkpoint's): a truncated tail.
            case truncated = "truncated"
            /// The export ends inside an event: bytes after the last newline.
            case unterminated = "unterminated"
        }

        public var kind: Kind
        /// The position of the failing event; for ``Kind/truncated`` and ``Kind/unterminated``, the first
        /// missing position; nil for a ``Kind/rootMismatch`` (some event before ``treeSize`` differs).
        public var position: Int64?
        /// The tree size a root or truncation failure is about.
        public var treeSize: UInt64?
        /// Stable: the kind's raw value, or for ``Kind/refused`` and ``Kind/invariantBroken`` the rule's code.
        public var code: String
        public var message: String

        public init(_ kind: Kind, position: Int64?, treeSize: UInt64? = nil, code: String? = nil, _ message: String) {
            self.kind = kind
            self.position = position
            self.treeSize = treeSize
            self.code = code ?? kind.rawValue
            self.message = message
        }

        public var description: String {
            let place = position.map { "position \($0)" } ?? "tree size \(treeSize ?? 0)"
            return "\(place): \(code): \(message)"
        }
    }
}

extension LogVerifier.Failure {
    /// A refusal by the rules (the verdict `decide` gives), with its code, message and `current`.
    static func refused(_ status: AppendStatus, position: Int64) -> LogVerifier.Failure {
        switch status {
        case .rejected(let rejection):
            return LogVerifier.Failure(.refused, position: position, code: rejection.code, rejection.message)
        case .conflict(let conflict):
            return LogVerifier.Failure(
                .refused, position: position, code: conflict.code, conflict.message + conflict.current.readable)
        default:
            return LogVerifier.Failure(.refused, position: position, "the rules refuse it: \(status)")
        }
    }

    static func invariant(_ conflict: Conflict, position: Int64) -> LogVerifier.Failure {
        LogVerifier.Failure(
            .invariantBroken, position: position, code: conflict.code, conflict.message + conflict.current.readable)
    }
}

extension JSONObject {
    /// ` (allocated 100, inUse 100, region KZ-75, shortfall 1)`, or empty for no members.
    fileprivate var readable: String {
        guard !members.isEmpty else { return "" }
        let parts = members.map { member in
            "\(member.key) \(member.value.stringValue ?? CanonicalJSON.string(member.value))"
        }
        return " (" + parts.joined(separator: ", ") + ")"
    }
}
