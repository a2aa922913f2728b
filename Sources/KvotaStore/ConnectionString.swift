import CLibPQ

/// Parsing and rewriting libpq connection strings (URIs or `key=value` conninfo).
public enum ConnectionString {
    /// The options of a connection string, as libpq reads them. Throws `bad-connection-string`.
    public static func options(_ conninfo: String) throws(StoreError) -> [String: String] {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "unparseable"
            if let errorMessage { PQfreemem(errorMessage) }
            throw StoreError(.badConnectionString, "not a valid libpq connection string: \(message)")
        }
        defer { PQconninfoFree(options) }
        var result: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { result[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        return result
    }

    /// A `key='value'` conninfo string from options.
    public static func conninfo(_ options: [String: String]) -> String {
        options.sorted { $0.key < $1.key }.map { key, value in
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            return "\(key)='\(escaped)'"
        }.joined(separator: " ")
    }

    /// The same connection with another database name.
    public static func replacingDatabase(in conninfo: String, with database: String) throws(StoreError) -> String {
        var options = try options(conninfo)
        options["dbname"] = database
        return self.conninfo(options)
    }
}
