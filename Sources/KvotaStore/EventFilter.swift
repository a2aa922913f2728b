public import KvotaCore

/// Which events a read returns.
public struct EventFilter: Sendable, Hashable {
    /// Only this stream.
    public var stream: String?
    /// Only this event type.
    public var type: String?
    /// A region's view: its own region's streams and the streams every region sees (quota, employer).
    public var visibleToRegion: String?

    public init(stream: String? = nil, type: String? = nil, visibleToRegion: String? = nil) {
        self.stream = stream
        self.type = type
        self.visibleToRegion = visibleToRegion
    }

    public static let all = EventFilter()

    var isAll: Bool { stream == nil && type == nil && visibleToRegion == nil }
}

/// A page of the log in position order.
public struct EventPage: Sendable {
    public var entries: [LogEntry]
    /// The last position returned, or `after` for an empty page (contract, Pull).
    public var next: Int64
    /// The latest position in the log; -1 for an empty log.
    public var head: Int64
}
