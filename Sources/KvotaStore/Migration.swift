import KvotaAudit
import Logging

/// One versioned SQL migration of `schema/migrations` (embedded in the binary by `tools/gen-migrations`).
struct Migration: Sendable {
    var version: Int
    var name: String
    var sql: String

    /// SHA-256 of the SQL text, recorded when applied so that an edited migration is refused.
    var checksum: String { Digest.sha256Hex(sql.utf8) }
}

/// What `migrate` did.
public struct MigrationReport: Sendable, Hashable {
    /// Names of the migrations applied by this call, in order.
    public var applied: [String]
    /// The schema version now in the database.
    public var version: Int
}

/// Applies pending migrations in order, each once and inside its own transaction, under an advisory
/// lock so that servers starting together cannot race; refuses an applied migration whose text changed.
enum MigrationRunner {
    /// Advisory lock key: "KVOTA" in ASCII.
    static let lockKey: Int64 = 0x4B_56_4F_54_41

    static func migrate(_ connection: PGConnection, migrations: [Migration], logger: Logger) throws -> MigrationReport {
        try connection.query("SELECT pg_advisory_lock($1)", [.int(lockKey)])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", [.int(lockKey)]) }
        try connection.exec(
            """
            CREATE TABLE IF NOT EXISTS kvota_migrations (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        let rows = try connection.query("SELECT version, name, checksum FROM kvota_migrations ORDER BY version")
        var applied: [Int: (name: String, checksum: String)] = [:]
        for row in 0..<rows.rowCount {
            applied[Int(rows.int64(row, 0))] = (rows.string(row, 1), rows.string(row, 2))
        }
        let known = Set(migrations.map(\.version))
        if let unknown = applied.keys.filter({ !known.contains($0) }).max() {
            throw StoreError(
                .schema,
                "the database has migration \(unknown) (\(applied[unknown]!.name)), which this kvotad does not know: "
                    + "it was migrated by a newer version; run that version")
        }
        var report = MigrationReport(applied: [], version: applied.keys.max() ?? 0)
        for migration in migrations.sorted(by: { $0.version < $1.version }) {
            if let existing = applied[migration.version] {
                guard existing.checksum == migration.checksum else {
                    throw StoreError(
                        .migration,
                        "migration \(migration.name) was edited after it was applied (recorded checksum "
                            + "\(existing.checksum.prefix(12)), now \(migration.checksum.prefix(12))); "
                            + "add a new migration instead of changing an applied one")
                }
                continue
            }
            do {
                try connection.exec("BEGIN")
                try connection.exec(migration.sql)
                try connection.query(
                    "INSERT INTO kvota_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    [.int(migration.version), .text(migration.name), .text(migration.checksum)])
                try connection.exec("COMMIT")
            } catch {
                _ = try? connection.exec("ROLLBACK")
                throw StoreError(.migration, "migration \(migration.name) failed and was rolled back: \(error)")
            }
            logger.info("applied migration", metadata: ["migration": "\(migration.name)"])
            report.applied.append(migration.name)
            report.version = migration.version
        }
        return report
    }

    /// The highest applied version, or 0 for an unmigrated database.
    static func currentVersion(_ connection: PGConnection) throws -> Int {
        let exists = try connection.query("SELECT to_regclass('kvota_migrations') IS NOT NULL")
        guard exists.bool(0, 0) else { return 0 }
        let rows = try connection.query("SELECT coalesce(max(version), 0) FROM kvota_migrations")
        return Int(rows.int64(0, 0))
    }
}
