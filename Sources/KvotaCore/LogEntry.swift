/// An event as read back from the log, with its RFC 6962 leaf hash.
public struct LogEntry: Sendable, Hashable {
    public var event: RecordedEvent
    /// SHA-256(0x00 || canonical bytes), 32 bytes.
    public var leafHash: [UInt8]

    public init(event: RecordedEvent, leafHash: [UInt8]) {
        self.event = event
        self.leafHash = leafHash
    }

    public var position: Int64 { event.position }
}
