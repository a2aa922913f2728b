/// Creating databases on a cluster (the embedded PostgreSQL's, the test suites' throwaway ones).
public enum DatabaseAdmin {
    /// Creates database `name` (lowercase letters, digits, `_`) on the cluster `adminConninfo` reaches,
    /// unless it exists; returns the connection string of that database.
    public static func createIfMissing(_ name: String, adminConninfo: String) throws(StoreError) -> String {
        guard !name.isEmpty,
            name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F })
        else {
            throw StoreError(.invalidArgument, "database name \(name) must be lowercase letters, digits and _")
        }
        let connection = try PGConnection(conninfo: adminConninfo)
        let exists = try connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [.text(name)]).rowCount > 0
        if !exists { try connection.exec("CREATE DATABASE \(name)") }
        return try ConnectionString.replacingDatabase(in: adminConninfo, with: name)
    }
}
