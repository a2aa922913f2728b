import Foundation
import KvotaAudit
import KvotaCore

/// Where `schema/test-vectors/` is, from this source file's place in the repository.
enum VectorFiles {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("schema/test-vectors")

    /// Set to regenerate the files from the cases in these tests instead of checking them:
    /// `KVOTA_WRITE_TEST_VECTORS=1 swift test --filter KvotaAuditTests`.
    static var shouldWrite: Bool { ProcessInfo.processInfo.environment["KVOTA_WRITE_TEST_VECTORS"] == "1" }

    static func read(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    static func write(_ name: String, _ text: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
    }

    /// A JSON string literal (canonical escaping; readable, since non-ASCII stays as itself).
    static func quoted(_ text: String) -> String { CanonicalJSON.string(.string(text)) }

    static func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }
}
