public import KvotaCore

extension EventStore {
    /// The quota picture of `key` now, from the inline projection tables, read in one snapshot with
    /// the head position it corresponds to.
    public func quotaProjection(_ key: QuotaKey) async throws -> QuotaProjection {
        try await pool.withConnection { connection in
            try connection.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            defer { _ = try? connection.exec("COMMIT") }
            let head = try connection.execute("kvota_read_head", EventStore.readHead).int64(0, 0)
            return QuotaProjection(key: key, book: try EventStore.readBook(key, connection), position: head)
        }
    }

    /// The quota picture of `key` after position `position`, rebuilt by replaying the log through
    /// the rules' `evolve`.
    public func quotaProjection(_ key: QuotaKey, atPosition position: Int64) async throws -> QuotaProjection {
        let state = try await replay(through: position)
        return QuotaProjection(key: key, book: state.book(key), position: state.position)
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
        scanning: for try await page in scan() {
            for entry in page {
                if entry.position > position { break scanning }
                ledger.fold(entry.event)
            }
        }
        return ledger.state
    }

    /// Rebuilds the quota projection tables from the log alone, replacing what is there; the result is
    /// what the inline maintenance gives. Appends wait while the tables are replaced (the head lock).
    @discardableResult
    public func rebuildProjections() async throws -> (position: Int64, rows: Int) {
        let ledger = QuotaLedger(logger: logger)
        for try await page in scan() { for entry in page { ledger.fold(entry.event) } }
        return try await pool.withConnection { connection in
            try connection.exec("BEGIN")
            do {
                let head = try connection.query("SELECT next_position - 1 FROM log_head WHERE id = 1 FOR UPDATE").int64(
                    0, 0)
                try ledger.catchUp(connection, through: head)
                try connection.exec("DELETE FROM quota_ceilings; DELETE FROM quota_regions; DELETE FROM quota_usage")
                let everything = QuotaProjectionWriter.everything(in: ledger.state)
                try QuotaProjectionWriter.write(everything, from: ledger.state, on: connection)
                try connection.exec("COMMIT")
                return (head, everything.ceilings.count + everything.regions.count + everything.usage.count)
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

    /// A projection book as the inline tables hold it.
    static func readBook(_ key: QuotaKey, _ connection: PGConnection) throws -> QuotaBook {
        var book = QuotaBook()
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
        let usage = try connection.query(
            "SELECT region, category, country, sector, active FROM quota_usage WHERE year = $1 AND line = $2",
            parameters)
        for row in 0..<usage.rowCount {
            guard let region = Region(rawValue: usage.string(row, 0)),
                let category = PermitCategory(rawValue: usage.string(row, 1)),
                let country = CountryCode(usage.string(row, 2)), let sector = OKEDSection(usage.string(row, 3))
            else { continue }
            book.usage[UsageKey(region: region, category: category, country: country, sector: sector)] = usage.int64(
                row, 4)
        }
        return book
    }
}
