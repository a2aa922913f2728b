import Foundation
import KvotaAudit
import KvotaCore
import Testing

@testable import KvotaStore

@Suite("Appending to the log")
struct AppendTests {
    @Test("a batch gets dense positions, stream versions and stored canonical bytes with their leaf hash")
    func appendAndReadBack() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        let stream = "permit-a1"
        let statuses = try await store.append([
            Fixture.permit(stream, expected: .noStream), Fixture.permit(stream, expected: .exact(0)),
            Fixture.quota(14_800),
        ])
        #expect(
            statuses == [
                .accepted(position: 0, version: 0), .accepted(position: 1, version: 1),
                .accepted(position: 2, version: 0),
            ])

        let entries = try await readAll(store)
        #expect(entries.map(\.position) == [0, 1, 2])
        #expect(entries.map(\.event.version) == [0, 1, 0])
        for entry in entries {
            #expect(entry.leafHash == MerkleHash.leaf(entry.event.canonicalBytes))
            #expect(entry.event.meta.recordedAt != nil)
        }
        #expect(try await store.headPosition() == 2)
        let streamEntries = try await store.readStream(stream)
        #expect(streamEntries.map(\.event.version) == [0, 1])

        // The stored body is byte for byte the canonical encoding.
        let body = try await store.pool.withConnection { connection in
            try connection.query("SELECT body::text FROM events WHERE position = 0").string(0, 0)
        }
        #expect(Array(body.utf8) == entries[0].event.canonicalBytes)
    }

    @Test("a retried batch returns the original positions and versions and stores nothing twice")
    func idempotentRetry() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        let batch = [Fixture.permit("permit-r1", expected: .noStream), Fixture.permit("permit-r2"), Fixture.quota(1)]
        let first = try await store.append(batch)
        let second = try await store.append(batch)
        #expect(first.allSatisfy { $0.isAccepted })
        let expected: [AppendStatus] = first.map {
            guard case .accepted(let position, let version) = $0 else { return $0 }
            return .duplicate(position: position, version: version)
        }
        #expect(second == expected)
        // Duplicates inside one batch point to the first copy.
        let event = Fixture.permit("permit-r3")
        let inBatch = try await store.append([event, event])
        #expect(inBatch == [.accepted(position: 3, version: 0), .duplicate(position: 3, version: 0)])
        #expect(try await readAll(store).count == 4)

        // Retries of items with exact versions are duplicates too, alone or with their stream's first event.
        let opening = Fixture.permit("permit-r4", expected: .noStream)
        let follow = Fixture.permit("permit-r4", expected: .exact(0))
        #expect(
            try await store.append([opening, follow]) == [
                .accepted(position: 4, version: 0), .accepted(position: 5, version: 1),
            ])
        #expect(try await store.append([follow]) == [.duplicate(position: 5, version: 1)])
        #expect(
            try await store.append([opening, follow]) == [
                .duplicate(position: 4, version: 0), .duplicate(position: 5, version: 1),
            ])
        #expect(try await readAll(store).count == 6)
    }

    @Test("a batch mixing new events with a 'new' stream that exists: only that item conflicts")
    func existingStreamInBatch() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        _ = try await store.append([Fixture.permit("permit-e1")])
        let statuses = try await store.append([
            Fixture.permit("permit-e2", expected: .noStream), Fixture.permit("permit-e1", expected: .noStream),
            Fixture.permit("permit-e3", expected: .noStream),
        ])
        #expect(statuses[0] == .accepted(position: 1, version: 0))
        #expect(statuses[1] == .conflict(.version(stream: "permit-e1", expected: .noStream, current: 0)))
        #expect(statuses[2] == .accepted(position: 2, version: 0))
    }

    @Test("a wrong expected version is a conflict with the current version, and blocks later items of that stream")
    func versionConflicts() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        _ = try await store.append([Fixture.permit("permit-v1", expected: .noStream)])
        let first = Fixture.permit("permit-v1", expected: .noStream)
        let statuses = try await store.append([
            first, Fixture.permit("permit-v1", expected: .exact(1)), Fixture.permit("permit-v2", expected: .exact(3)),
            Fixture.permit("permit-v3", expected: .noStream),
        ])
        #expect(statuses[0] == .conflict(.version(stream: "permit-v1", expected: .noStream, current: 0)))
        #expect(statuses[1] == .blocked(by: first.eventId))
        #expect(statuses[2] == .conflict(.version(stream: "permit-v2", expected: .exact(3), current: -1)))
        #expect(statuses[3] == .accepted(position: 1, version: 0))
        #expect(try await readAll(store).map(\.position) == [0, 1])
    }

    @Test("causation: an earlier item or a stored event is accepted, a failed cause blocks, an unknown one is rejected")
    func causation() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        let stored = Fixture.permit("permit-c0")
        _ = try await store.append([stored])
        let cause = Fixture.permit("permit-c1", expected: .noStream)
        let failing = Fixture.permit("permit-c0", expected: .noStream)
        let unknown = UUID()
        let statuses = try await store.append([
            cause, Fixture.permit("permit-c2", cause: cause.eventId),
            Fixture.permit("permit-c3", cause: stored.eventId),
            failing, Fixture.permit("permit-c4", cause: failing.eventId), Fixture.permit("permit-c5", cause: unknown),
        ])
        #expect(statuses[0].isAccepted && statuses[1].isAccepted && statuses[2].isAccepted)
        #expect(statuses[3].conflictCode == "version")
        #expect(statuses[4] == .blocked(by: failing.eventId))
        guard case .rejected(let rejection) = statuses[5] else {
            Issue.record("expected a rejection, got \(statuses[5])")
            return
        }
        #expect(rejection.code == "unknown-cause" && rejection.field == "causationId")
    }

    @Test("malformed envelopes are rejected naming the field; nothing of them is stored")
    func envelopeRejections() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        var badStream = Fixture.permit("Permit 1")
        badStream.stream = "Permit 1"
        var badType = Fixture.permit("permit-t1")
        badType.type = "permit issued"
        let statuses = try await store.append([badStream, badType, Fixture.permit("permit-t2")])
        guard case .rejected(let streamRejection) = statuses[0], case .rejected(let typeRejection) = statuses[1] else {
            Issue.record("expected rejections, got \(statuses)")
            return
        }
        #expect(streamRejection.field == "stream" && streamRejection.code == "invalid-field")
        #expect(typeRejection.field == "type")
        #expect(statuses[2] == .accepted(position: 0, version: 0))
    }

    @Test("hostile strings are stored and read back unchanged")
    func hostileStrings() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        let hostile = "'; DROP TABLE events; --\u{0}\u{1F}\"\\\u{2028}\u{FEFF}😀ꙮ\u{10FFFF}\r\n\t$1 $$"
        var event = Fixture.permit("permit-h1")
        event.data["reason"] = .string(hostile)
        event.meta.deviceId = hostile
        _ = try await store.append([event])
        let entry = try #require(try await readAll(store).first)
        #expect(entry.event.data["reason"] == .string(hostile))
        #expect(entry.event.meta.deviceId == hostile)
        #expect(entry.event.data == event.data)
    }

    @Test("recordedAt never decreases with position")
    func recordedAtMonotonic() async throws {
        let store = try await TestDatabase.store()
        defer { store.shutdown() }
        for _ in 0..<20 { _ = try await store.append([Fixture.permit()]) }
        let times = try await readAll(store).map(\.event.recordedAt)
        #expect(times == times.sorted())
    }
}
