import Foundation

/// A page of the log as stored: each event's canonical bytes and leaf hash, untouched, for a server
/// that sends them on without decoding them (pulls, the live feed).
public struct RawEventPage: Sendable {
    let rows: PGResult?
    /// The last position returned, or `after` for an empty page (contract, Pull).
    public let next: Int64
    /// The latest position in the log; -1 for an empty log.
    public let head: Int64

    public var count: Int { rows?.rowCount ?? 0 }

    public func position(_ index: Int) -> Int64 { rows!.int64(index, 0) }

    /// The event's canonical bytes (the envelope without `leafHash`); valid while the page lives.
    public func withBody<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(rows!.bytes(index, 1))
    }

    /// The RFC 6962 leaf hash (32 bytes); valid while the page lives.
    public func withLeafHash<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(rows!.bytes(index, 2))
    }
}

extension EventStore {
    static let readRawAfter =
        "SELECT position, body, leaf_hash FROM events WHERE position > $1 ORDER BY position LIMIT $2"
    static let readRange =
        "SELECT position, body, leaf_hash FROM events WHERE position >= $1 AND position < $2 ORDER BY position"
    static let readRawFiltered = """
        SELECT position, body, leaf_hash FROM events WHERE position > $1
           AND ($3::text IS NULL OR stream = $3)
           AND ($4::text IS NULL OR type = $4)
           AND ($5::text IS NULL OR region IS NULL OR region = $5)
         ORDER BY position LIMIT $2
        """

    /// Like ``read(after:limit:filter:)``, without decoding: the stored bytes as they are.
    public func readRaw(after: Int64? = nil, limit: Int = 1000, filter: EventFilter = .all) async throws
        -> RawEventPage
    {
        let after = after ?? -1
        let limit = min(max(limit, 1), EventStore.maxPageSize)
        return try await pool.withConnection { connection in
            let head = try connection.execute("kvota_read_head", EventStore.readHead).int64(0, 0)
            let rows: PGResult
            if filter.isAll {
                rows = try connection.execute("kvota_read_raw", EventStore.readRawAfter, [.int(after), .int(limit)])
            } else {
                rows = try connection.execute(
                    "kvota_read_raw_filtered", EventStore.readRawFiltered,
                    [
                        .int(after), .int(limit), .optional(filter.stream), .optional(filter.type),
                        .optional(filter.visibleToRegion),
                    ])
            }
            let count = rows.rowCount
            let last = count > 0 ? rows.int64(count - 1, 0) : -1
            // A row committed after the head was read still counts: the head is never behind a page.
            return RawEventPage(rows: rows, next: count > 0 ? last : after, head: max(head, last))
        }
    }

    /// The events at positions `range`, in order, as stored (the audit export): no scope, no filter,
    /// at most ``maxPageSize`` at once; `next` and `head` are the last position returned.
    public func readRange(_ range: Range<Int64>) async throws -> RawEventPage {
        let end = min(range.upperBound, range.lowerBound + Int64(EventStore.maxPageSize))
        return try await pool.withConnection { connection in
            let rows = try connection.execute(
                "kvota_read_range", EventStore.readRange, [.int(range.lowerBound), .int(end)])
            let count = rows.rowCount
            let last = count > 0 ? rows.int64(count - 1, 0) : range.lowerBound - 1
            return RawEventPage(rows: rows, next: last, head: last)
        }
    }

    /// Returns after the next append anywhere on the database (this process's or another's), or after
    /// `timeout`, whichever is first. A signal only: read the log again to see what changed.
    public func waitForAppend(timeout: Duration) async {
        await notifier.waitForAppend(timeout: timeout)
    }
}
