/// What a writer expects of a stream before its event is appended (optimistic concurrency).
public enum ExpectedVersion: Sendable, Hashable, CustomStringConvertible {
    /// No check: append at whatever version the stream has (wire: `null`).
    case any
    /// The stream must not exist yet (wire: `-1`).
    case noStream
    /// The stream's current version must be exactly this (wire: `n >= 0`).
    case exact(Int64)

    /// The wire form: `nil` for ``any``, `-1` for ``noStream``, the version otherwise.
    public init?(wire: Int64?) {
        switch wire {
        case nil: self = .any
        case -1: self = .noStream
        case let version? where version >= 0: self = .exact(version)
        default: return nil
        }
    }

    public var wire: Int64? {
        switch self {
        case .any: return nil
        case .noStream: return -1
        case .exact(let version): return version
        }
    }

    /// Whether a stream whose last version is `current` (-1 when it does not exist) satisfies this expectation.
    public func isSatisfied(byCurrent current: Int64) -> Bool {
        switch self {
        case .any: return true
        case .noStream: return current == -1
        case .exact(let version): return current == version
        }
    }

    public var description: String {
        switch self {
        case .any: return "any"
        case .noStream: return "no stream"
        case .exact(let version): return String(version)
        }
    }
}
