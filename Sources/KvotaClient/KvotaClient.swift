// KvotaClient: the offline client's library — wire types of the contract's push and pull, the HTTP
// client, the SQLite journal (GRDB), sync and conflict resolution. It is built with the offline
// client (issue 5) on the server's API (issue 4); the domain rules it checks offline are KvotaCore's.
import KvotaCore
