import Foundation

/// A private PostgreSQL cluster that Kvota owns: initialised under a directory of its own, listening
/// on a private socket directory and a loopback port, run as the `postgres` OS user when we are root
/// (PostgreSQL refuses to run as root). `kvotad serve` uses it when no database is configured; tests
/// use it to stop and restart a database under a running store.
public struct EmbeddedPostgres: Sendable {
    /// Holds `data/`, `sock/`, `port` and `postgres.log`.
    public let directory: String
    /// The database created for Kvota.
    public let database: String

    public init(directory: String, database: String = "kvota") {
        self.directory = directory
        self.database = database
    }

    var dataDirectory: String { directory + "/data" }
    var socketDirectory: String { directory + "/sock" }
    public var logFile: String { directory + "/postgres.log" }
    private var portFile: String { directory + "/port" }

    /// The server binaries: `KVOTA_PG_BIN_DIR`, else the newest `/usr/lib/postgresql/*/bin`, else PATH.
    public static func binDirectory() -> String? {
        if let dir = ProcessInfo.processInfo.environment["KVOTA_PG_BIN_DIR"], !dir.isEmpty { return dir }
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        let newest = versions.compactMap { Int($0) }.sorted().last { version in
            FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb")
        }
        return newest.map { "\(root)/\($0)/bin" }
    }

    private static var isRoot: Bool { geteuid() == 0 }

    /// Settings for an append-heavy log: loopback only, room for several kvotad pools, buffers for the
    /// hot index pages, and WAL space so that checkpoints do not force full-page writes every minute.
    /// fsync and synchronous_commit stay on: an accepted event is durable.
    static let serverSettings = [
        "listen_addresses=127.0.0.1", "max_connections=200", "shared_buffers=512MB", "max_wal_size=4GB",
        "checkpoint_timeout=15min",
    ].map { "-c \($0)" }.joined(separator: " ")

    /// The connection string of the running cluster's Kvota database.
    public var conninfo: String {
        get throws(StoreError) {
            guard let text = try? String(contentsOfFile: portFile, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            else {
                throw StoreError(.unavailable, "the embedded PostgreSQL under \(directory) was never started")
            }
            return ConnectionString.conninfo([
                "host": socketDirectory, "port": String(port), "user": "postgres", "dbname": database,
            ])
        }
    }

    /// Initialises the cluster if needed, starts it unless it runs, creates the database, and returns
    /// its connection string. Safe to call when it already runs.
    @discardableResult
    public func start() throws(StoreError) -> String { try startIfNeeded().conninfo }

    /// As ``start()``, also saying whether this call started the server (false: it was running,
    /// owned by another process, which will stop it).
    public func startIfNeeded() throws(StoreError) -> (conninfo: String, started: Bool) {
        guard let bin = EmbeddedPostgres.binDirectory() else {
            throw StoreError(
                .unavailable, "PostgreSQL server binaries not found: install postgresql or set KVOTA_PG_BIN_DIR")
        }
        guard database.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F })
        else {
            throw StoreError(
                .badConnectionString, "database name \(database) must be lowercase letters, digits and '_'")
        }
        try prepareDirectories()
        if !FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") {
            try owner(
                ["\(bin)/initdb", "-D", dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"],
                "initdb")
        }
        let started = try !isRunning(bin: bin)
        if started {
            let port = try choosePort()
            try owner(
                [
                    "\(bin)/pg_ctl", "-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "-o",
                    "-k \(socketDirectory) -p \(port) " + EmbeddedPostgres.serverSettings,
                    "start",
                ], "pg_ctl start")
        }
        _ = try DatabaseAdmin.createIfMissing(
            database, adminConninfo: try ConnectionString.replacingDatabase(in: conninfo, with: "postgres"))
        return (try conninfo, started)
    }

    /// Stops the cluster (fast shutdown: open sessions are ended). No-op when it is not running.
    public func stop() throws(StoreError) {
        guard let bin = EmbeddedPostgres.binDirectory(), try isRunning(bin: bin) else { return }
        try owner(["\(bin)/pg_ctl", "-D", dataDirectory, "-m", "fast", "-w", "stop"], "pg_ctl stop")
    }

    /// Whether the postmaster of this cluster runs.
    public func isRunning() throws(StoreError) -> Bool {
        guard let bin = EmbeddedPostgres.binDirectory() else { return false }
        return try isRunning(bin: bin)
    }

    private func isRunning(bin: String) throws(StoreError) -> Bool {
        guard FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") else { return false }
        return try ProcessRunner.run(asOwner(["\(bin)/pg_ctl", "-D", dataDirectory, "status"]), log: "/dev/null") == 0
    }

    private func asOwner(_ arguments: [String]) -> [String] {
        EmbeddedPostgres.isRoot ? ["runuser", "-u", "postgres", "--"] + arguments : arguments
    }

    private func owner(_ arguments: [String], _ what: String) throws(StoreError) {
        let status = try ProcessRunner.run(asOwner(arguments), log: logFile)
        guard status == 0 else {
            let tail =
                (try? String(contentsOfFile: logFile, encoding: .utf8))?.split(separator: "\n").suffix(8)
                .joined(separator: "\n") ?? ""
            throw StoreError(.unavailable, "\(what) failed with status \(status) (log \(logFile)):\n\(tail)")
        }
    }

    /// The remembered port if it is still free (or in use by this cluster), else a new free one.
    private func choosePort() throws(StoreError) -> Int {
        if let text = try? String(contentsOfFile: portFile, encoding: .utf8),
            let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), LoopbackPort.canBind(port)
        {
            return port
        }
        guard let port = LoopbackPort.free() else { throw StoreError(.unavailable, "no free loopback port") }
        do {
            try "\(port)\n".write(toFile: portFile, atomically: true, encoding: .utf8)
        } catch {
            throw StoreError(.unavailable, "cannot write \(portFile): \(error)")
        }
        return port
    }

    private func prepareDirectories() throws(StoreError) {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for dir in [dataDirectory, socketDirectory] where !manager.fileExists(atPath: dir) {
                try manager.createDirectory(atPath: dir, withIntermediateDirectories: true)
                chmod(dir, 0o700)
            }
            if !manager.fileExists(atPath: logFile) { _ = manager.createFile(atPath: logFile, contents: nil) }
        } catch {
            throw StoreError(.unavailable, "cannot create \(directory): \(error)")
        }
        guard EmbeddedPostgres.isRoot else { return }
        guard let user = getpwnam("postgres") else {
            throw StoreError(.unavailable, "running as root, but there is no postgres OS user to run PostgreSQL as")
        }
        for path in [dataDirectory, socketDirectory, logFile] { chown(path, user.pointee.pw_uid, user.pointee.pw_gid) }
        // The postgres user must be able to reach the directory.
        var path = directory
        while path != "/" && !path.isEmpty {
            var info = stat()
            if stat(path, &info) == 0 && info.st_mode & 0o001 == 0 { chmod(path, info.st_mode | 0o001) }
            path = (path as NSString).deletingLastPathComponent
        }
    }

}
