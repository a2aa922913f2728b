import Foundation
import KvotaAudit
import KvotaCore

/// One batch submitted to the store, with its payloads already in canonical form.
struct AppendSubmission: Sendable {
    var events: [ProposedEvent]
    /// `CanonicalJSON.encode(.object(event.data))` for each event, computed before the lock is taken.
    var encodedData: [[UInt8]]
    /// The operator's import of a past history: events carry their own `recordedAt`.
    var historical: Bool

    init(_ events: [ProposedEvent], historical: Bool = false) {
        self.events = events
        self.historical = historical
        // Large batches are encoded on all cores (before the lock, in the caller's task).
        self.encodedData =
            (try? AcrossCores.map(count: events.count, minimumPerPart: 256) { range in
                events[range].map { CanonicalJSON.encode(.object($0.data)) }
            }) ?? events.map { CanonicalJSON.encode(.object($0.data)) }
    }
}

/// One database transaction appending several submissions (group commit): lock the head row once,
/// read what the batch must be checked against, plan in memory, COPY the rows, move the head, commit.
enum AppendTransaction {
    static let notifyChannel = "kvota_events"

    static let lockHead = """
        SELECT next_position, last_recorded_at, clock_timestamp(), merkle_frontier FROM log_head WHERE id = 1 \
        FOR UPDATE
        """
    static let findEvents = "SELECT event_id, position, version FROM events WHERE event_id = ANY($1::uuid[])"
    static let streamHeads = """
        SELECT s.stream, e.version, e.region FROM unnest($1::text[]) AS s(stream)
        JOIN LATERAL (SELECT version, region FROM events WHERE events.stream = s.stream
                      ORDER BY version DESC LIMIT 1) e ON true
        """
    static let advanceHead = "UPDATE log_head SET next_position = $1, last_recorded_at = $2 WHERE id = 1"
    static let advanceHeadAndTree =
        "UPDATE log_head SET next_position = $1, last_recorded_at = $2, merkle_frontier = $3 WHERE id = 1"
    static let notify = "SELECT pg_notify('\(notifyChannel)', $1)"
    static let copyEvents = """
        COPY events (position, event_id, stream, version, type, region, recorded_at, body, leaf_hash) \
        FROM STDIN (FORMAT binary)
        """

    /// Runs the transaction and returns each submission's statuses. With `merkleTree`, the Merkle tree
    /// grows with the log in the same transaction (`MerkleAppender`); without it (benchmarks' baseline)
    /// the tree falls behind, and the next append or migrate that keeps it catches up. Throws (with nothing applied)
    /// when the database fails; the statuses are only returned once the commit succeeded.
    ///
    /// The first attempt reads only what the batch cannot do without (Marten's "quick append"): the
    /// heads of streams written with an exact or `any` expected version, and causes outside the
    /// batch. When that plan is anything but all accepted, or when a new stream that already exists
    /// or an eventId stored before breaks a unique index at COPY, the batch is decided again with
    /// every eventId and stream looked up, so the answer is always the one a full read gives.
    /// `timing` receives where the committed attempt spent its time.
    static func run<Rules: AppendRules>(
        on connection: PGConnection, submissions: [AppendSubmission], rules: Rules, timing: inout AppendTiming,
        merkleTree: Bool = true
    ) throws -> [[AppendStatus]] {
        do {
            return try attempt(connection, submissions, rules, complete: false, merkleTree: merkleTree, timing: &timing)
        } catch let error as StoreError where error.sqlState == "23505" {
            return try attempt(connection, submissions, rules, complete: true, merkleTree: merkleTree, timing: &timing)
        }
    }

    private static func attempt<Rules: AppendRules>(
        _ connection: PGConnection, _ submissions: [AppendSubmission], _ rules: Rules, complete: Bool,
        merkleTree: Bool, timing: inout AppendTiming
    ) throws -> [[AppendStatus]] {
        let clock = ContinuousClock()
        let begun = clock.now
        try connection.exec("BEGIN")
        do {
            let head = try connection.execute("kvota_lock_head", lockHead)
            let locked = clock.now
            let quick = try readSnapshot(connection, submissions, head: head, complete: complete)
            let policy = try rules.policy(connection, after: quick)
            var planner = AppendPlanner(snapshot: quick, policy: policy)
            var statuses = submissions.map { planner.plan($0.events, historical: $0.historical) }
            if !complete && !statuses.allSatisfy({ $0.allSatisfy(\.isAccepted) }) {
                // Anything but a clean accept may hide a duplicate the quick read did not look for.
                planner = AppendPlanner(
                    snapshot: try readSnapshot(connection, submissions, head: head, complete: true), policy: policy)
                statuses = submissions.map { planner.plan($0.events, historical: $0.historical) }
            }
            var encodedData: [UUID: [UInt8]] = [:]
            for submission in submissions {
                for (event, data) in zip(submission.events, submission.encodedData) {
                    encodedData[event.eventId] = data
                }
            }
            if !planner.planned.isEmpty {
                var tree: MerkleAppender?
                if merkleTree {
                    var appender = try MerkleAppender(headRow: head, column: 3)
                    try appender.catchUp(to: quick.nextPosition, on: connection)
                    tree = appender
                }
                try copyRows(connection, planner.planned, encodedData, tree: &tree)
                try tree?.writeNodes(on: connection)
                try rules.write(planner.policy, on: connection)
                var headValues: [PGParameter] = [
                    .int(planner.snapshot.nextPosition),
                    .text((planner.snapshot.lastRecordedAt ?? planner.snapshot.recordedAt).rfc3339),
                ]
                if let tree {
                    headValues.append(.binary(tree.serializedFrontier))
                    try connection.execute("kvota_advance_head_tree", advanceHeadAndTree, headValues)
                } else {
                    try connection.execute("kvota_advance_head", advanceHead, headValues)
                }
                try connection.execute("kvota_notify", notify, [.int(planner.snapshot.nextPosition - 1)])
            }
            let committing = clock.now
            try connection.exec("COMMIT")
            timing.submissions = submissions.count
            timing.lockWait = locked - begun
            timing.work = committing - locked
            timing.commit = clock.now - committing
            planner.withPolicy { rules.committed(&$0) }
            return statuses
        } catch {
            if !connection.isBroken { _ = try? connection.exec("ROLLBACK") }
            throw error
        }
    }

    /// What the batch is checked against, read under the head's lock (`head`: the locked row).
    private static func readSnapshot(
        _ connection: PGConnection, _ submissions: [AppendSubmission], head: PGResult, complete: Bool
    ) throws -> LogSnapshot {
        let nextPosition = head.int64(0, 0)
        let now = head.timestamp(0, 2)
        let last = head.optionalTimestamp(0, 1)
        let recordedAt = max(now, last ?? now)

        var batchIds: Set<UUID> = []
        var ids: Set<UUID> = []
        var streams: Set<String> = []
        var seenStreams: Set<String> = []
        for submission in submissions {
            for event in submission.events {
                batchIds.insert(event.eventId)
                if complete { ids.insert(event.eventId) }
                if let cause = event.meta.causationId, complete || !batchIds.contains(cause) { ids.insert(cause) }
                // Quick: a stream first written here as new (-1) is assumed new; the unique index checks.
                if seenStreams.insert(event.stream).inserted && (complete || event.expectedVersion != .noStream) {
                    streams.insert(event.stream)
                }
            }
        }
        var stored: [UUID: LogSnapshot.StoredEvent] = [:]
        if !ids.isEmpty {
            let found = try connection.execute("kvota_find_events", findEvents, [.textArray(ids.map(\.lowercased))])
            for row in 0..<found.rowCount {
                stored[found.uuid(row, 0)] = .init(position: found.int64(row, 1), version: found.int64(row, 2))
            }
        }
        var heads: [String: LogSnapshot.StreamHead] = [:]
        if !streams.isEmpty {
            let rows = try connection.execute("kvota_stream_heads", streamHeads, [.textArray(streams)])
            for row in 0..<rows.rowCount {
                heads[rows.string(row, 0)] = .init(version: rows.int64(row, 1), region: rows.optionalString(row, 2))
            }
        }
        return LogSnapshot(
            stored: stored, streams: heads, nextPosition: nextPosition, recordedAt: recordedAt, lastRecordedAt: last)
    }

    /// Streams the rows to COPY in chunks, so that PostgreSQL parses one chunk while the next is encoded;
    /// each leaf also goes into `tree`.
    private static func copyRows(
        _ connection: PGConnection, _ planned: [PlannedEvent], _ encodedData: [UUID: [UInt8]],
        tree: inout MerkleAppender?
    ) throws {
        if let tree, let first = planned.first, UInt64(first.event.position) != tree.frontier.size {
            throw StoreError(
                .queryFailed,
                "the Merkle tree has \(tree.frontier.size) leaves, the batch starts at \(first.event.position)")
        }
        let rowsPerChunk = 128
        var index = 0
        var copy = CopyEncoder(capacity: rowsPerChunk * 1024)
        var finished = false
        var body: [UInt8] = []
        body.reserveCapacity(2048)
        try connection.copyIn(copyEvents) {
            if finished { return nil }
            let end = min(index + rowsPerChunk, planned.count)
            while index < end {
                let item = planned[index]
                let event = item.event
                body.removeAll(keepingCapacity: true)
                CanonicalEvent.write(
                    data: encodedData[event.eventId]!, eventId: event.eventId, meta: event.meta,
                    position: event.position,
                    stream: event.stream, type: event.type, version: event.version, to: &body)
                copy.beginRow(fields: 9)
                copy.int64(event.position)
                copy.bytes(event.eventId.bytes)
                copy.text(event.stream)
                copy.int64(event.version)
                copy.text(event.type)
                copy.text(item.scopeRegion)
                copy.timestamp(event.recordedAt)
                copy.bytes(body)
                let leaf = TreeHash.leaf(body)
                leaf.withUnsafeBytes { copy.bytes($0) }
                tree?.append(leaf)
                index += 1
            }
            if index == planned.count {
                copy.finish()
                finished = true
            }
            return copy.take()
        }
    }
}
