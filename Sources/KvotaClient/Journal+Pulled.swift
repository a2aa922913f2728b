public import Foundation
import GRDB
import GRDBSQLite
public import KvotaCore

/// The pulled log: `events`, one row per position, with the canonical bytes and leaf hash as pulled.
extension Journal {
    /// Stores a pulled page and moves the cursor to its `next`, in one transaction; events already
    /// present (a page pulled twice) are skipped, and recorded events that came back leave `pending`.
    public func storePulled(_ page: EventPage) throws(ClientError) {
        try write { db in
            try Journal.insert(page.events, db)
            if !page.events.isEmpty,
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM pending WHERE state IN ('sent', 'pending'))")
                    == true
            {
                let settle = try db.makeStatement(
                    sql: "DELETE FROM pending WHERE event_id = ? AND state IN ('sent', 'pending')")
                for event in page.events { try settle.execute(arguments: [event.eventId.lowercased]) }
            }
            try Journal.setSetting(db, "cursor", String(max(page.next, try Journal.cursor(db))))
            try Journal.setSetting(db, "serverHead", String(page.head))
        }
    }

    /// Inserts pulled events, binding each member straight from the page's memory (GRDB's argument
    /// arrays cost more than SQLite's work here); a position already stored is skipped.
    static func insert(_ events: [PulledEvent], _ db: Database) throws {
        let statement = try db.makeStatement(
            sql: """
                INSERT INTO events (position, event_id, stream, version, type, body, leaf_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """)
        let handle = statement.sqliteStatement
        for event in events {
            var stream = event.stream
            var type = event.type
            // SQLITE_STATIC (nil): SQLite reads the bound memory during the step, which runs while every
            // buffer is in scope; the reset after it drops the bindings' use.
            let (code, message) = withUnsafeBytes(of: event.eventId.uuid) { id in
                event.body.withUnsafeBytes { body in
                    event.digest.withUnsafeBytes { hash in
                        stream.withUTF8 { stream in
                            type.withUTF8 { type in
                                sqlite3_bind_int64(handle, 1, event.position)
                                sqlite3_bind_blob(handle, 2, id.baseAddress, 16, nil)
                                bindText(handle, 3, stream)
                                sqlite3_bind_int64(handle, 4, event.version)
                                bindText(handle, 5, type)
                                sqlite3_bind_blob(handle, 6, body.baseAddress, Int32(body.count), nil)
                                sqlite3_bind_blob(handle, 7, hash.baseAddress, Int32(hash.count), nil)
                                let code = sqlite3_step(handle)
                                let message =
                                    code == SQLITE_DONE ? nil : String(cString: sqlite3_errmsg(db.sqliteConnection))
                                sqlite3_reset(handle)
                                return (code, message)
                            }
                        }
                    }
                }
            }
            guard code == SQLITE_DONE else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql, arguments: nil)
            }
        }
        sqlite3_clear_bindings(handle)
    }

    private static func bindText(_ handle: OpaquePointer, _ index: Int32, _ text: UnsafeBufferPointer<UInt8>) {
        if let base = text.baseAddress, !text.isEmpty {
            base.withMemoryRebound(to: CChar.self, capacity: text.count) {
                _ = sqlite3_bind_text(handle, index, $0, Int32(text.count), nil)
            }
        } else {
            // An empty string, not NULL (the columns are NOT NULL).
            _ = sqlite3_bind_text(handle, index, "", 0, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
    }

    static func cursor(_ db: Database) throws -> Int64 {
        Int64(try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'cursor'") ?? "") ?? -1
    }

    /// The position and version of each pulled event among `ids`. A scan of the pulled log, which
    /// keeps no index by eventId (see ``migrateEventIdToBlob(_:)``): for the few events a view names
    /// as causes, not for every event.
    public func pulledEvents(ids: Set<UUID>) throws(ClientError) -> [UUID: LogSnapshot.StoredEvent] {
        guard !ids.isEmpty else { return [:] }
        let all = Array(ids)
        return try read { db in
            var found: [UUID: LogSnapshot.StoredEvent] = [:]
            for start in stride(from: 0, to: all.count, by: 500) {
                let part = all[start..<min(start + 500, all.count)]
                let rows = try Row.fetchCursor(
                    db,
                    sql: "SELECT event_id, position, version FROM events WHERE event_id IN ("
                        + Array(repeating: "?", count: part.count).joined(separator: ",") + ")",
                    arguments: StatementArguments(part.map { Data($0.bytes) }))
                while let row = try rows.next() {
                    let bytes: Data = row[0]
                    guard let id = UUID(bytes: bytes) else { continue }
                    found[id] = LogSnapshot.StoredEvent(position: row[1], version: row[2])
                }
            }
            return found
        }
    }

    /// The number of pulled events.
    public func pulledCount() throws(ClientError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0 }
    }

    /// Calls `body` with the canonical bytes of every pulled event after position `after`, in position
    /// order, until it returns false.
    public func forEachPulled(after: Int64 = -1, _ body: (Int64, UnsafeRawBufferPointer) throws -> Bool)
        throws(ClientError)
    {
        try read { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT position, body FROM events WHERE position > ? ORDER BY position", arguments: [after])
            while let row = try rows.next() {
                let position: Int64 = row[0]
                let more = try row.withUnsafeData(atIndex: 1) { data in
                    guard let data else { return true }
                    return try data.withUnsafeBytes { try body(position, $0) }
                }
                if !more { return }
            }
        }
    }

    /// Migration v2: `events` as the pull writes it fastest. `event_id` as the UUID's 16 bytes instead
    /// of its 36 characters; the unique index on it and the index on (stream, version) dropped: nothing
    /// looks events up by either (the log is read in position order), and both, keyed by random ids,
    /// dirtied a page of index per pulled event, which made every commit and checkpoint write several
    /// times the log's own size. The position (the primary key) keeps each pulled event once; the
    /// quota streams (`quotaStreams`) keep a partial index of their own. A journal of v1 is rewritten.
    static func migrateEventIdToBlob(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE events_v2 (
                    position INTEGER PRIMARY KEY,
                    event_id BLOB NOT NULL,
                    stream TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    body BLOB NOT NULL,
                    leaf_hash BLOB NOT NULL
                )
                """)
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO events_v2 (position, event_id, stream, version, type, body, leaf_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        let rows = try Row.fetchCursor(
            db, sql: "SELECT position, event_id, stream, version, type, body, leaf_hash FROM events ORDER BY position")
        while let row = try rows.next() {
            let position: Int64 = row[0]
            let text: String = row[1]
            guard let id = UUID(text: text) else {
                throw ClientError(
                    .journal, "the journal's event at position \(position) has no valid eventId (\(text))")
            }
            let values: [DatabaseValue] = [
                position.databaseValue, Data(id.bytes).databaseValue, row[2], row[3], row[4], row[5], row[6],
            ]
            try insert.execute(arguments: StatementArguments(values))
        }
        try db.execute(
            sql: """
                DROP TABLE events;
                ALTER TABLE events_v2 RENAME TO events;
                CREATE INDEX events_quota_stream ON events (stream) WHERE stream LIKE 'quota-%';
                """)
    }
}
