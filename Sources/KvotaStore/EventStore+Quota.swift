import Foundation
public import KvotaCore

extension EventStore {
    /// The quota picture of `key` now, from the inline projection tables, read in one snapshot with
    /// the head position it corresponds to.
    public func quotaProjection(_ key: QuotaKey) async throws -> QuotaProjection {
        try await pool.withConnection { connection in
            try connection.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            defer { _ = try? connection.exec("COMMIT") }
            let head = try connection.execute("kvota_read_head", EventStore.readHead).int64(0, 0)
            let (book, breakdown) = try EventStore.readTables(key, connection)
            return QuotaProjection(key: key, book: book, breakdown: breakdown, position: head)
        }
    }

    /// The quota picture of `key` after position `position` (or the head, if the log is shorter),
    /// rebuilt from the log: the books of the nearest snapshot at or before it, then the events after
    /// the snapshot replayed through the same `QuotaBook` changes as `evolve` makes.
    public func quotaProjection(_ key: QuotaKey, atPosition position: Int64) async throws -> QuotaProjection {
        let replay = try await replayBooks(through: position)
        return QuotaProjection(key: key, book: replay.books[key] ?? QuotaBook(), position: replay.position)
    }

    /// The books after `position`, from the nearest snapshot and the events after it.
    public func replayBooks(through position: Int64) async throws -> QuotaBookReplay {
        var replay = try await pool.withConnection { connection in
            try EventStore.nearestSnapshot(at: position, connection)
        }
        guard position > replay.position else { return replay }
        scanning: for try await page in scan(after: replay.position) {
            let within = Array(page.prefix { $0.position <= position })
            let events = Array(zip(within.map(\.position), QuotaLedger.parse(within)))
            let missing = replay.missingPermits(in: events.compactMap(\.1))
            let facts = missing.isEmpty ? [:] : try await permitFacts(missing)
            for (eventPosition, event) in events {
                if let event {
                    replay.apply(event, position: eventPosition, facts: facts)
                } else {
                    replay.skip(to: eventPosition)
                }
            }
            if events.count < page.count || replay.position >= position { break scanning }
        }
        return replay
    }

    static let snapshotAt = """
        SELECT position, year, line, book FROM quota_snapshots
         WHERE position = (SELECT max(position) FROM quota_snapshots WHERE position <= $1)
        """

    static func nearestSnapshot(at position: Int64, _ connection: PGConnection) throws -> QuotaBookReplay {
        let rows = try connection.execute("kvota_snapshot_at", snapshotAt, [.int(position)])
        guard rows.rowCount > 0 else { return QuotaBookReplay() }
        var books: [QuotaKey: QuotaBook] = [:]
        for row in 0..<rows.rowCount {
            guard let line = QuotaLine(rawValue: rows.string(row, 2)),
                let book = QuotaBook(json: try JSONParser.parse(rows.bytes(row, 3)))
            else { throw StoreError(.queryFailed, "quota snapshot at \(rows.int64(row, 0)) is unreadable") }
            books[QuotaKey(year: rows.int64(row, 1), line: line)] = book
        }
        return QuotaBookReplay(books: books, position: rows.int64(0, 0))
    }

    /// The issue facts of permits (their `PermitIssued`, version 0 of their stream).
    func permitFacts(_ ids: Set<UUID>) async throws -> [UUID: PermitIssued] {
        let entries = try await pool.withConnection { connection in
            try EventStore.decode(
                connection.execute(
                    "kvota_first_events",
                    "SELECT body, leaf_hash FROM events WHERE stream = ANY($1::text[]) AND version = 0",
                    [.textArray(ids.map { "permit-\($0.lowercased)" })]))
        }
        var facts: [UUID: PermitIssued] = [:]
        for entry in entries {
            if case .permitIssued(let id, let permit)? = try? DomainEvent(
                stream: entry.event.stream, type: entry.event.type, data: entry.event.data)
            {
                facts[id] = permit
            }
        }
        return facts
    }

    /// Writes a snapshot of `books` at `position` (idempotent).
    static func writeSnapshot(_ books: [QuotaKey: QuotaBook], at position: Int64, _ connection: PGConnection) throws {
        for (key, book) in books {
            try connection.execute(
                "kvota_write_snapshot",
                "INSERT INTO quota_snapshots (position, year, line, book) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                [.int(position), .int(key.year), .text(key.line.rawValue), .text(CanonicalJSON.string(book.json))])
        }
    }

    /// The quota picture of `key` after the last event recorded at or before `time`.
    public func quotaProjection(_ key: QuotaKey, asOf time: Timestamp) async throws -> QuotaProjection {
        try await quotaProjection(key, atPosition: try await position(asOf: time))
    }

    /// The position of the last event whose `recordedAt` is at or before `time`; -1 when none is.
    /// `recordedAt` never decreases with position, so a binary search on the primary key finds it.
    public func position(asOf time: Timestamp) async throws -> Int64 {
        try await pool.withConnection { connection in
            var low: Int64 = -1
            var high = try connection.execute("kvota_read_head", EventStore.readHead).int64(0, 0)
            while low < high {
                let middle = low + (high - low + 1) / 2
                let row = try connection.execute(
                    "kvota_recorded_at", "SELECT recorded_at FROM events WHERE position = $1", [.int(middle)])
                if row.timestamp(0, 0) <= time { low = middle } else { high = middle - 1 }
            }
            return low
        }
    }

    /// The rules' state after position `position` (or the head, if the log is shorter), folded from the log.
    public func replay(through position: Int64) async throws -> QuotaState {
        let ledger = QuotaLedger(logger: logger)
        guard position >= 0 else { return ledger.state }
        for try await page in scan() {
            let within = page.prefix { $0.position <= position }
            ledger.fold(page: Array(within))
            if within.count < page.count { break }
        }
        return ledger.state
    }

    /// Rebuilds the quota projection tables from the log alone, replacing what is there; the result is
    /// what the inline maintenance gives. Appends wait while the tables are replaced (the head lock).
    @discardableResult
    public func rebuildProjections() async throws -> (position: Int64, rows: Int) {
        let ledger = QuotaLedger(logger: logger)
        let every = Int64(configuration.snapshotInterval)
        var snapshots: [(Int64, [QuotaKey: QuotaBook])] = []
        for try await page in scan() {
            // Pages of 10,000 and snapshots every multiple of `every` (≥ 10,000 in practice): fold up
            // to each boundary, snapshot, fold the rest.
            var rest = page[...]
            while !rest.isEmpty {
                let cut = every > 0 ? rest.firstIndex { ($0.position + 1) % every == 0 } : nil
                let part = cut.map { rest[...$0] } ?? rest
                ledger.fold(page: Array(part))
                if cut != nil { snapshots.append((ledger.state.position, ledger.state.books)) }
                rest = rest[part.endIndex...]
            }
        }
        let snapshotsToWrite = snapshots
        return try await pool.withConnection { connection in
            try connection.exec("BEGIN")
            do {
                let head = try connection.query("SELECT next_position - 1 FROM log_head WHERE id = 1 FOR UPDATE").int64(
                    0, 0)
                try ledger.catchUp(connection, through: head)
                try connection.exec(
                    "DELETE FROM quota_ceilings; DELETE FROM quota_regions; DELETE FROM quota_region_categories; "
                        + "DELETE FROM quota_origins; DELETE FROM quota_sectors; DELETE FROM quota_snapshots")
                for (position, books) in snapshotsToWrite {
                    try EventStore.writeSnapshot(books, at: position, connection)
                }
                let everything = QuotaProjectionWriter.everything(in: ledger.state)
                try QuotaProjectionWriter.write(everything, from: ledger.state, on: connection)
                try connection.exec("COMMIT")
                return (
                    head,
                    everything.ceilings.count + everything.regions.count + everything.categories.count
                        + everything.countries.count + everything.sectors.count
                )
            } catch {
                _ = try? connection.exec("ROLLBACK")
                throw error
            }
        }
    }

    /// The operator's import path: appends a past history (each event's `meta.recordedAt` set, in time
    /// order, not before the log's last event), marking every event's meta with `import.source`.
    public func importHistory(_ events: [ProposedEvent], source: String) async throws -> [AppendStatus] {
        let marked = events.map { event in
            var event = event
            event.meta.extra["import"] = .object(["source": .string(source)])
            return event
        }
        return try await appendSubmission(AppendSubmission(marked, historical: true))
    }

    /// A book's ceiling and allocations, and the breakdown, as the inline tables hold them.
    static func readTables(_ key: QuotaKey, _ connection: PGConnection) throws -> (QuotaBook, QuotaBreakdown) {
        var book = QuotaBook()
        var breakdown = QuotaBreakdown()
        let parameters: [PGParameter] = [.int(key.year), .text(key.line.rawValue)]
        let ceiling = try connection.query(
            "SELECT units, percent, labor_force, basis FROM quota_ceilings WHERE year = $1 AND line = $2", parameters)
        if ceiling.rowCount == 1 {
            book.ceiling = CeilingSet(
                units: ceiling.int64(0, 0), percent: ceiling.optionalDouble(0, 1),
                laborForce: ceiling.optionalInt64(0, 2),
                basis: ceiling.string(0, 3))
        }
        let regions = try connection.query(
            "SELECT region, allocated, in_use FROM quota_regions WHERE year = $1 AND line = $2", parameters)
        for row in 0..<regions.rowCount {
            guard let region = Region(rawValue: regions.string(row, 0)) else { continue }
            book.allocations[region] = regions.int64(row, 1)
            book.inUse[region] = regions.int64(row, 2)
        }
        let categories = try connection.query(
            "SELECT region, category, active FROM quota_region_categories WHERE year = $1 AND line = $2", parameters)
        for row in 0..<categories.rowCount {
            guard let region = Region(rawValue: categories.string(row, 0)),
                let category = PermitCategory(rawValue: categories.string(row, 1))
            else { continue }
            breakdown.regionCategories[RegionCategory(region: region, category: category)] = categories.int64(row, 2)
        }
        let origins = try connection.query(
            "SELECT country, active FROM quota_origins WHERE year = $1 AND line = $2", parameters)
        for row in 0..<origins.rowCount { breakdown.countries[origins.string(row, 0)] = origins.int64(row, 1) }
        let sectors = try connection.query(
            "SELECT sector, active FROM quota_sectors WHERE year = $1 AND line = $2", parameters)
        for row in 0..<sectors.rowCount { breakdown.sectors[sectors.string(row, 0)] = sectors.int64(row, 1) }
        return (book, breakdown)
    }
}
