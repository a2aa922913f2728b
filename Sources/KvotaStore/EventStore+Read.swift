import Dispatch
import Foundation
public import KvotaCore
import Synchronization

extension EventStore {
    /// The largest page a read returns.
    public static let maxPageSize = 10_000

    static let readStream = """
        SELECT body, leaf_hash FROM events WHERE stream = $1 AND version >= $2 ORDER BY version LIMIT $3
        """
    static let readHead = "SELECT next_position - 1 FROM log_head WHERE id = 1"

    /// Events with positions greater than `after` (nil: from the start), in position order, at most `limit`.
    public func read(after: Int64? = nil, limit: Int = 1000, filter: EventFilter = .all) async throws -> EventPage {
        let raw = try await readRaw(after: after, limit: limit, filter: filter)
        let entries = try raw.rows.map { try EventStore.decode($0, bodyColumn: 1) } ?? []
        return EventPage(entries: entries, next: raw.next, head: raw.head)
    }

    /// One stream's events from `fromVersion` on, in version order.
    public func readStream(_ stream: String, fromVersion: Int64 = 0, limit: Int = 1000) async throws -> [LogEntry] {
        let limit = min(max(limit, 1), EventStore.maxPageSize)
        return try await pool.withConnection { connection in
            try EventStore.decode(
                connection.execute(
                    "kvota_read_stream", EventStore.readStream, [.text(stream), .int(fromVersion), .int(limit)]))
        }
    }

    /// The latest position; -1 for an empty log.
    public func headPosition() async throws -> Int64 {
        try await pool.withConnection { try $0.execute("kvota_read_head", EventStore.readHead).int64(0, 0) }
    }

    /// The whole log from `after` to the head as it is when each page is read, page by page, with the
    /// next page already being read while the caller works on the current one (rebuilds, replays).
    public func scan(after: Int64? = nil, pageSize: Int = EventStore.maxPageSize, filter: EventFilter = .all)
        -> PageScan
    {
        PageScan(store: self, after: after, pageSize: pageSize, filter: filter)
    }

    /// Follows the log from `after` on: every event exactly once, in position order, waiting for new
    /// ones as they are committed. Ends when the consuming task is cancelled or the store shuts down.
    public func follow(after: Int64? = nil, filter: EventFilter = .all, pageSize: Int = 1000)
        -> AsyncThrowingStream<LogEntry, any Error>
    {
        AsyncThrowingStream { continuation in
            let task = Task {
                var cursor = after
                do {
                    while !Task.isCancelled {
                        let page = try await self.read(after: cursor, limit: pageSize, filter: filter)
                        for entry in page.entries { continuation.yield(entry) }
                        cursor = page.next
                        if page.entries.count < pageSize && !Task.isCancelled {
                            await self.notifier.waitForAppend(timeout: .seconds(1))
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Decodes rows (body, leaf_hash at `bodyColumn` and the next) into entries; large pages are split
    /// across the machine's cores.
    static func decode(_ rows: PGResult, bodyColumn: Int = 0) throws -> [LogEntry] {
        try AcrossCores.map(count: rows.rowCount, minimumPerPart: 1024) { try decode(rows, $0, bodyColumn) }
    }

    private static func decode(_ rows: PGResult, _ range: Range<Int>, _ bodyColumn: Int) throws -> [LogEntry] {
        var entries: [LogEntry] = []
        entries.reserveCapacity(range.count)
        for row in range {
            let event = try RecordedEvent(canonicalBytes: rows.bytes(row, bodyColumn))
            entries.append(LogEntry(event: event, leafHash: Array(rows.bytes(row, bodyColumn + 1))))
        }
        return entries
    }
}

/// Pages of the log in order, one page read ahead. See ``EventStore/scan(after:pageSize:filter:)``.
public struct PageScan: AsyncSequence, Sendable {
    public typealias Element = [LogEntry]
    let store: EventStore
    let after: Int64?
    let pageSize: Int
    let filter: EventFilter

    public struct AsyncIterator: AsyncIteratorProtocol {
        let store: EventStore
        let pageSize: Int
        let filter: EventFilter
        var ahead: Task<EventPage, any Error>?

        public mutating func next() async throws -> [LogEntry]? {
            guard let ahead else { return nil }
            let page = try await ahead.value
            if page.entries.isEmpty {
                self.ahead = nil
                return nil
            }
            let (store, pageSize, filter) = (self.store, self.pageSize, self.filter)
            self.ahead = Task { try await store.read(after: page.next, limit: pageSize, filter: filter) }
            return page.entries
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        let (store, after, pageSize, filter) = (self.store, self.after, self.pageSize, self.filter)
        return AsyncIterator(
            store: store, pageSize: pageSize, filter: filter,
            ahead: Task { try await store.read(after: after, limit: pageSize, filter: filter) })
    }
}
