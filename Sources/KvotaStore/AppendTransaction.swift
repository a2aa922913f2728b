import Foundation
import KvotaAudit
import KvotaCore

/// One batch submitted to the store, with its payloads already in canonical form.
struct AppendSubmission: Sendable {
    var events: [ProposedEvent]
    /// `CanonicalJSON.encode(.object(event.data))` for each event, computed before the lock is taken.
    var encodedData: [[UInt8]]

    init(_ events: [ProposedEvent]) {
        self.events = events
        self.encodedData = events.map { CanonicalJSON.encode(.object($0.data)) }
    }
}

/// One database transaction appending several submissions (group commit): lock the head row once,
/// read what the batch must be checked against, plan in memory, COPY the rows, move the head, commit.
enum AppendTransaction {
    static let notifyChannel = "kvota_events"

    static let lockHead = "SELECT next_position, last_recorded_at, clock_timestamp() FROM log_head WHERE id = 1 FOR UPDATE"
    static let findEvents = "SELECT event_id, position, version FROM events WHERE event_id = ANY($1::uuid[])"
    static let streamHeads = """
        SELECT s.stream, e.version, e.region FROM unnest($1::text[]) AS s(stream)
        JOIN LATERAL (SELECT version, region FROM events WHERE events.stream = s.stream
                      ORDER BY version DESC LIMIT 1) e ON true
        """
    static let advanceHead = "UPDATE log_head SET next_position = $1, last_recorded_at = $2 WHERE id = 1"
    static let notify = "SELECT pg_notify('\(notifyChannel)', $1)"
    static let copyEvents = """
        COPY events (position, event_id, stream, version, type, region, recorded_at, body, leaf_hash) \
        FROM STDIN (FORMAT binary)
        """

    /// Runs the transaction and returns each submission's statuses. Throws (with nothing applied)
    /// when the database fails; the statuses are only returned once the commit succeeded.
    static func run<Policy: AppendPolicy>(
        on connection: PGConnection, submissions: [AppendSubmission], policy: Policy
    ) throws -> [[AppendStatus]] {
        try connection.exec("BEGIN")
        do {
            let snapshot = try readSnapshot(connection, submissions)
            var planner = AppendPlanner(snapshot: snapshot, policy: policy)
            var encodedData: [UUID: [UInt8]] = [:]
            for submission in submissions {
                for (event, data) in zip(submission.events, submission.encodedData) { encodedData[event.eventId] = data }
            }
            let statuses = submissions.map { planner.plan($0.events) }
            if !planner.planned.isEmpty {
                try connection.copyIn(copyEvents, encodeRows(planner.planned, encodedData))
                try connection.execute(
                    "kvota_advance_head", advanceHead,
                    [.int(planner.snapshot.nextPosition), .text(planner.snapshot.recordedAt.rfc3339)])
                try connection.execute("kvota_notify", notify, [.int(planner.snapshot.nextPosition - 1)])
            }
            try connection.exec("COMMIT")
            return statuses
        } catch {
            if !connection.isBroken { _ = try? connection.exec("ROLLBACK") }
            throw error
        }
    }

    private static func readSnapshot(_ connection: PGConnection, _ submissions: [AppendSubmission]) throws -> LogSnapshot {
        let head = try connection.execute("kvota_lock_head", lockHead)
        let nextPosition = head.int64(0, 0)
        let now = head.timestamp(0, 2)
        let recordedAt = max(now, head.optionalTimestamp(0, 1) ?? now)

        var ids: Set<UUID> = []
        var streams: Set<String> = []
        for submission in submissions {
            for event in submission.events {
                ids.insert(event.eventId)
                if let cause = event.meta.causationId { ids.insert(cause) }
                streams.insert(event.stream)
            }
        }
        var stored: [UUID: LogSnapshot.StoredEvent] = [:]
        let found = try connection.execute("kvota_find_events", findEvents, [.textArray(ids.map(\.lowercased))])
        for row in 0..<found.rowCount {
            stored[found.uuid(row, 0)] = .init(position: found.int64(row, 1), version: found.int64(row, 2))
        }
        var heads: [String: LogSnapshot.StreamHead] = [:]
        let streamRows = try connection.execute("kvota_stream_heads", streamHeads, [.textArray(streams)])
        for row in 0..<streamRows.rowCount {
            heads[streamRows.string(row, 0)] = .init(
                version: streamRows.int64(row, 1), region: streamRows.optionalString(row, 2))
        }
        return LogSnapshot(stored: stored, streams: heads, nextPosition: nextPosition, recordedAt: recordedAt)
    }

    private static func encodeRows(_ planned: [PlannedEvent], _ encodedData: [UUID: [UInt8]]) -> [UInt8] {
        var copy = CopyEncoder(capacity: planned.count * 1024)
        for item in planned {
            let event = item.event
            let body = event.canonicalBytes(encodedData: encodedData[event.eventId]!)
            copy.beginRow(fields: 9)
            copy.int64(event.position)
            copy.bytes(event.eventId.bytes)
            copy.text(event.stream)
            copy.int64(event.version)
            copy.text(event.type)
            copy.text(item.scopeRegion)
            copy.timestamp(event.recordedAt)
            copy.bytes(body)
            copy.bytes(MerkleHash.leaf(body))
        }
        copy.finish()
        return copy.bytes
    }
}
