public import Foundation
public import GRDB
import KvotaCore

/// The device's journal in SQLite (GRDB): the pulled log (as far as the token may see it), the
/// events recorded here and not yet pulled back, the sync cursor, the server's quota pictures at the
/// last sync, and a record of every resolution. One file per profile; WAL, so that a `kvota status`
/// can read while a sync writes.
///
/// Exactly once: a pulled page and the cursor move in one transaction; a pushed event stays in
/// `pending` (as `sent`) until the pull brings it back, so a sync killed at any point and run again
/// pushes it again (the server answers `duplicate`) or finds it pulled.
public final class Journal: Sendable {
    public let queue: DatabaseQueue

    public init(path: String) throws(ClientError) {
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                // WAL with synchronous=NORMAL: a commit is not synced to disk until the next checkpoint,
                // so a power loss (not a killed process: the WAL is in the OS's cache) may undo the last
                // transactions, never half of one. Safe here because everything that belongs together
                // moves in one transaction: a pulled page's rows with the cursor and the `pending` rows
                // it settles, a recording with all its events. An undone page is pulled again from the
                // older cursor; an undone recording was never pushed (the push reads the journal).
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                // A checkpoint (copying the WAL into the database, with two fsyncs) after 32 MB of WAL
                // rather than 4: a large pull writes its pages in far fewer, longer strides.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 8192")
            }
            configuration.busyMode = .timeout(30)
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try Journal.migrator.migrate(queue)
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError(.journal, "cannot open the journal \(path): \(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events (
                        position INTEGER PRIMARY KEY,
                        event_id TEXT NOT NULL UNIQUE,
                        stream TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        type TEXT NOT NULL,
                        body BLOB NOT NULL,
                        leaf_hash BLOB NOT NULL
                    );
                    CREATE INDEX events_stream ON events (stream, version);
                    CREATE TABLE pending (
                        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                        event_id TEXT NOT NULL UNIQUE,
                        stream TEXT NOT NULL,
                        expected_version INTEGER,
                        type TEXT NOT NULL,
                        data BLOB NOT NULL,
                        occurred_at TEXT NOT NULL,
                        causation_id TEXT,
                        state TEXT NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'sent', 'conflict', 'rejected', 'blocked', 'held')),
                        status TEXT, code TEXT, message TEXT, field TEXT, current BLOB, blocked_by TEXT,
                        recorded_at TEXT NOT NULL,
                        position INTEGER
                    );
                    CREATE INDEX pending_state ON pending (state, sequence);
                    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE quota_cache (
                        year INTEGER NOT NULL, line TEXT NOT NULL, position INTEGER NOT NULL, body BLOB NOT NULL,
                        fetched_at TEXT NOT NULL, PRIMARY KEY (year, line)
                    );
                    CREATE TABLE resolutions (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, action TEXT NOT NULL,
                        detail TEXT NOT NULL, at TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2-event-id-blob") { db in try Journal.migrateEventIdToBlob(db) }
        return migrator
    }

    // MARK: - Settings

    public func setting(_ key: String) throws(ClientError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key]) }
    }

    public func setSetting(_ key: String, _ value: String) throws(ClientError) {
        try write { db in try Journal.setSetting(db, key, value) }
    }

    static func setSetting(_ db: Database, _ key: String, _ value: String) throws {
        try db.execute(
            sql:
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            arguments: [key, value])
    }

    /// The last position pulled (-1: nothing yet).
    public func cursor() throws(ClientError) -> Int64 { Int64(try setting("cursor") ?? "") ?? -1 }

    // MARK: - Recorded events

    /// Records events (already checked) as `pending`, in order, in one transaction.
    public func record(_ events: [PendingEvent]) throws(ClientError) {
        let now = Timestamp.now.rfc3339
        try write { db in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO pending (event_id, stream, expected_version, type, data, occurred_at, causation_id,
                        recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for event in events {
                insert.setUncheckedArguments([
                    event.eventId.lowercased, event.stream, event.expectedVersion.wire, event.type,
                    Data(CanonicalJSON.encode(.object(event.data))), event.occurredAt.rfc3339,
                    event.causationId?.lowercased, now,
                ])
                try insert.execute()
            }
        }
    }

    /// Recorded events in the given states, in recorded order (`after` a sequence, at most `limit`).
    public func recorded(
        _ states: Set<PendingEvent.State>, after sequence: Int64 = 0, limit: Int = .max
    ) throws(ClientError) -> [PendingEvent] {
        let list = states.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sequence, event_id, stream, expected_version, type, data, occurred_at, causation_id, state,
                        status, code, message, field, current, blocked_by
                    FROM pending WHERE state IN (\(list)) AND sequence > ? ORDER BY sequence LIMIT ?
                    """, arguments: [sequence, min(limit, Int(Int32.max))]
            ).map(Journal.pendingEvent)
        }
    }

    /// One recorded event by id (a unique prefix of its eventId is enough).
    public func recorded(id prefix: String) throws(ClientError) -> PendingEvent {
        let pattern = prefix.lowercased()
        let rows = try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sequence, event_id, stream, expected_version, type, data, occurred_at, causation_id, state,
                        status, code, message, field, current, blocked_by
                    FROM pending WHERE event_id LIKE ? ESCAPE '\\' LIMIT 2
                    """, arguments: [pattern.replacingOccurrences(of: "%", with: "\\%") + "%"])
        }
        guard rows.count == 1 else {
            throw ClientError(
                .invalidInput,
                rows.isEmpty ? "no recorded event \(prefix)" : "\(prefix) names more than one event; give more of it",
                field: "ID")
        }
        return try read { _ in try Journal.pendingEvent(rows[0]) }
    }

    static func pendingEvent(_ row: Row) throws -> PendingEvent {
        let data: Data = row["data"]
        guard case .object(let object) = try JSONParser.parse([UInt8](data)) else {
            throw ClientError(.journal, "a recorded event's data is not an object")
        }
        var outcome: PendingEvent.Outcome?
        if let status: String = row["status"] {
            var current: JSONObject?
            if let bytes: Data = row["current"] { current = try JSONParser.parse([UInt8](bytes)).objectValue }
            outcome = PendingEvent.Outcome(
                status: status, code: row["code"], message: row["message"] ?? "", field: row["field"],
                current: current, blockedBy: (row["blocked_by"] as String?).flatMap { UUID(text: $0) })
        }
        let text: String = row["event_id"]
        return PendingEvent(
            sequence: row["sequence"], eventId: UUID(text: text) ?? UUID(), stream: row["stream"],
            expectedVersion: ExpectedVersion(wire: row["expected_version"]) ?? .any, type: row["type"],
            data: object, occurredAt: Timestamp(rfc3339: row["occurred_at"]) ?? .now,
            causationId: (row["causation_id"] as String?).flatMap { UUID(text: $0) },
            state: PendingEvent.State(rawValue: row["state"]) ?? .pending, outcome: outcome)
    }

    /// Sets recorded events' state and outcome (after a push, a local check, or a resolution).
    public func update(_ changes: [(UUID, PendingEvent.State, PendingEvent.Outcome?, position: Int64?)])
        throws(ClientError)
    {
        try write { db in
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE pending SET state = ?, status = ?, code = ?, message = ?, field = ?, current = ?,
                        blocked_by = ?, position = ?
                    WHERE event_id = ?
                    """)
            for (id, state, outcome, position) in changes {
                statement.setUncheckedArguments([
                    state.rawValue, outcome?.status, outcome?.code, outcome?.message, outcome?.field,
                    outcome?.current.map { Data(CanonicalJSON.encode(.object($0))) },
                    outcome?.blockedBy?.lowercased, position, id.lowercased,
                ])
                try statement.execute()
            }
        }
    }

    /// Rewrites a recorded event's expectation and data (a rebase or an amendment) and sets it pending.
    public func rewrite(_ event: PendingEvent) throws(ClientError) {
        try write { db in
            try db.execute(
                sql: """
                    UPDATE pending SET expected_version = ?, data = ?, state = 'pending', status = NULL, code = NULL,
                        message = NULL, field = NULL, current = NULL, blocked_by = NULL
                    WHERE event_id = ?
                    """,
                arguments: [
                    event.expectedVersion.wire, Data(CanonicalJSON.encode(.object(event.data))),
                    event.eventId.lowercased,
                ])
        }
    }

    /// Removes recorded events (a drop) and notes why.
    public func drop(_ ids: [UUID], note: String) throws(ClientError) {
        let now = Timestamp.now.rfc3339
        try write { db in
            for id in ids {
                try db.execute(sql: "DELETE FROM pending WHERE event_id = ?", arguments: [id.lowercased])
                try db.execute(
                    sql: "INSERT INTO resolutions (event_id, action, detail, at) VALUES (?, 'drop', ?, ?)",
                    arguments: [id.lowercased, note, now])
            }
        }
    }

    /// Notes a resolution (rebase, amend, reallocation request) for the record.
    public func note(_ id: UUID, action: String, detail: String) throws(ClientError) {
        try write { db in
            try db.execute(
                sql: "INSERT INTO resolutions (event_id, action, detail, at) VALUES (?, ?, ?, ?)",
                arguments: [id.lowercased, action, detail, Timestamp.now.rfc3339])
        }
    }

    /// How many recorded events are in each state.
    public func counts() throws(ClientError) -> [PendingEvent.State: Int] {
        try read { db in
            var counts: [PendingEvent.State: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM pending GROUP BY state") {
                if let state = PendingEvent.State(rawValue: row[0]) { counts[state] = row[1] }
            }
            return counts
        }
    }

    // MARK: - Quota pictures

    /// The year and line of every quota stream pulled.
    public func quotaStreams() throws(ClientError) -> [(year: Int64, line: String)] {
        try read { db in
            try String.fetchAll(
                db, sql: "SELECT DISTINCT stream FROM events WHERE stream LIKE 'quota-%' ORDER BY stream")
        }.compactMap { stream in
            let parts = stream.split(separator: "-", maxSplits: 2)
            guard parts.count == 3, let year = Int64(parts[1]) else { return nil }
            return (year, String(parts[2]))
        }
    }

    public func cacheQuota(year: Int64, line: String, position: Int64, body: [UInt8]) throws(ClientError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO quota_cache (year, line, position, body, fetched_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (year, line) DO UPDATE SET position = excluded.position, body = excluded.body,
                        fetched_at = excluded.fetched_at
                    """, arguments: [year, line, position, Data(body), Timestamp.now.rfc3339])
        }
    }

    /// The server's quota picture of a year and line at the last sync, and when it was fetched.
    public func cachedQuota(year: Int64, line: String) throws(ClientError) -> (body: [UInt8], fetchedAt: String)? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT body, fetched_at FROM quota_cache WHERE year = ? AND line = ?",
                arguments: [year, line]
            ).map { row in ([UInt8](row[0] as Data), row[1]) }
        }
    }

    // MARK: - Plumbing

    func read<T>(_ body: (Database) throws -> T) throws(ClientError) -> T {
        do { return try queue.read(body) } catch let error as ClientError { throw error } catch {
            throw ClientError(.journal, "the journal: \(error)")
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws(ClientError) -> T {
        do { return try queue.write(body) } catch let error as ClientError { throw error } catch {
            throw ClientError(.journal, "the journal: \(error)")
        }
    }
}
