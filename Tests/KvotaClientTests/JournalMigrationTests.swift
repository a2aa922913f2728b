import Foundation
import GRDB
import KvotaAudit
import KvotaCore
import NIOCore
import Testing

@testable import KvotaClient

/// A journal written before migration v2 (event ids as text) opens, keeps its pulled log and cursor,
/// and takes new pages as before.
@Suite struct JournalMigrationTests {
    @Test func aVersionOneJournalOpensWithItsPulledLog() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kvota-journal-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("journal.sqlite").path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let events = (0..<5).map { EventPageTests.event(Int64($0)) }
        let ids = (0..<5).map { UUID(text: String(format: "00000000-0000-4000-8000-%012d", $0))! }
        // The journal as v1 left it: the first three events pulled, a recorded event of the third sent.
        do {
            let queue = try DatabaseQueue(path: path)
            try Journal.migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                for position in 0..<3 {
                    try db.execute(
                        sql: """
                            INSERT INTO events (position, event_id, stream, version, type, body, leaf_hash)
                            VALUES (?, ?, 'quota-2025-foreign-labour', ?, 'CeilingSet', ?, ?)
                            """,
                        arguments: [
                            position, ids[position].lowercased, position, Data(events[position]),
                            Data(MerkleHash.leaf(events[position])),
                        ])
                }
                try Journal.setSetting(db, "cursor", "2")
                try db.execute(
                    sql: """
                        INSERT INTO pending (event_id, stream, type, data, occurred_at, recorded_at, state)
                        VALUES (?, 'quota-2025-foreign-labour', 'CeilingSet', '{}', 'x', 'x', 'sent')
                        """, arguments: [ids[3].lowercased])
            }
        }
        let journal = try Journal(path: path)
        #expect(try journal.cursor() == 2)
        #expect(try journal.pulledCount() == 3)
        var bodies: [[UInt8]] = []
        try journal.forEachPulled { _, bytes in
            bodies.append(Array(bytes))
            return true
        }
        #expect(bodies == Array(events[0..<3]))
        let stored = try journal.queue.read { db in
            try Row.fetchAll(db, sql: "SELECT event_id FROM events ORDER BY position").map { $0[0] as Data }
        }
        #expect(stored == ids[0..<3].map { Data($0.bytes) })
        #expect(try journal.counts()[.sent] == 1)

        // A page overlapping what is there: the known positions skipped, the sent event settled.
        let items = events[1..<5].map { EventPageTests.wire($0) }.joined(separator: Array(",".utf8))
        let body = Array(#"{"events":["#.utf8) + Array(items) + Array(#"],"next":4,"head":4}"#.utf8)
        try journal.storePulled(try EventPage(ByteBuffer(bytes: body)))
        #expect(try journal.cursor() == 4)
        #expect(try journal.pulledCount() == 5)
        #expect(try journal.counts()[.sent] == nil)
        bodies = []
        try journal.forEachPulled { _, bytes in
            bodies.append(Array(bytes))
            return true
        }
        #expect(bodies == events)
    }
}
