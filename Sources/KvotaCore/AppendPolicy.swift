/// Domain checks run inside the append, in order, against the state left by the items before.
/// The event log alone uses ``NoPolicy``; the quota rules plug in here.
public protocol AppendPolicy {
    /// The rejection of an item for what it is (contract precedence 2: before `blocked` and
    /// `conflict`), judged against the state the items before it left; nil when it is well formed.
    mutating func rejection(of event: ProposedEvent) -> Rejection?
    /// Nil to accept `event` at `version`, or the rejection or conflict that stops it.
    mutating func verdict(on event: ProposedEvent, version: Int64) -> AppendStatus?
    /// Takes an accepted event into the state that later items are checked against.
    mutating func apply(_ event: RecordedEvent)
}

extension AppendPolicy {
    /// By default every item is well formed; its verdict alone decides.
    public func rejection(of event: ProposedEvent) -> Rejection? { nil }
}

/// Accepts everything the envelope rules accept.
public struct NoPolicy: AppendPolicy {
    public init() {}
    public func verdict(on event: ProposedEvent, version: Int64) -> AppendStatus? { nil }
    public func apply(_ event: RecordedEvent) {}
}
