import Foundation
import KvotaAudit
import KvotaClient
import KvotaCore
import Testing

@testable import KvotaStore

/// `kvota audit verify` against a real server whose database is then tampered with directly, as a
/// superuser with the protecting triggers bypassed: each change is caught and its position named.
@Suite(.serialized) struct AuditVerifyTests {
    /// A server with a short history: the ministry's quota, a region's applications and permits.
    static func history() async throws -> (ClientTestServer, Device) {
        let server = try await ClientTestServer.started()
        _ = try await SyncScenarioTests.ministry(server, allocate: 20)
        let region = try await Device.region(server, "r")
        for batch in 0..<3 { _ = try SyncScenarioTests.issue(region, permits: 3, firstWorker: batch * 10) }
        _ = try await region.sync()
        let auditor = try await Device.make(server, token: try await server.token(.auditor), device: "auditor")
        return (server, auditor)
    }

    static func verify(_ device: Device, server: ClientTestServer) async throws -> AuditVerification.Outcome {
        _ = try await server.audit?.signLatest()
        return try await AuditVerification(directory: device.paths.dataDirectory(profile: device.profile.name))
            .verifyOnline(api: ServerAPI(profile: device.profile), key: nil)
    }

    /// Runs SQL on the server's database as the superuser, with triggers off (`session_replication_role`).
    static func tamper(_ server: ClientTestServer, _ statements: [String]) throws {
        let connection = try PGConnection(conninfo: server.databaseURL)
        _ = try connection.exec("BEGIN")
        _ = try connection.exec("SET LOCAL session_replication_role = replica")
        for statement in statements { _ = try connection.exec(statement) }
        _ = try connection.exec("COMMIT")
    }

    static func failure(after statements: [String]) async throws -> (LogVerifier.Failure?, Int64) {
        let (server, auditor) = try await AuditVerifyTests.history()
        let clean = try await verify(auditor, server: server)
        #expect(clean.report.isValid, "\(String(describing: clean.report.failure))")
        let size = Int64(clean.checkpoint.size)
        try tamper(server, statements.map { $0.replacingOccurrences(of: "$LAST", with: String(size - 1)) })
        // The checkpoint signed before the change stays the one served: the head did not move.
        let outcome = try await AuditVerification(
            directory: auditor.paths.dataDirectory(profile: auditor.profile.name)
        ).verifyOnline(api: ServerAPI(profile: auditor.profile), key: nil)
        await server.stop()
        return (outcome.report.failure, size)
    }

    @Test func aCleanLogVerifiesAndTheKeyIsPinned() async throws {
        let (server, auditor) = try await AuditVerifyTests.history()
        let first = try await AuditVerifyTests.verify(auditor, server: server)
        #expect(first.report.isValid && first.keyPinned && first.report.size == first.checkpoint.size)
        #expect(first.report.size == 17)
        let second = try await AuditVerifyTests.verify(auditor, server: server)
        #expect(second.report.isValid && !second.keyPinned && second.consistentWith == first.checkpoint.size)
        await server.stop()
    }

    @Test func aChangedFieldThatBreaksNoRuleIsFoundByConsistencyProofs() async throws {
        let (failure, _) = try await AuditVerifyTests.failure(after: [
            """
            UPDATE events SET body = replace(body, 'order 1', 'order 9')
            WHERE position = 0
            """
        ])
        #expect(failure?.position == 0 && failure?.kind == .rootMismatch, "\(String(describing: failure))")
    }

    @Test func aChangedFieldThatBreaksARuleIsCaughtAtItsPosition() async throws {
        let (failure, _) = try await AuditVerifyTests.failure(after: [
            """
            UPDATE events SET body = replace(body, '"units":20', '"units":2000')
            WHERE position = 1
            """
        ])
        #expect(failure?.position == 1, "\(String(describing: failure))")
    }

    @Test func aDeletedEventIsCaughtAtItsPosition() async throws {
        let (failure, _) = try await AuditVerifyTests.failure(after: ["DELETE FROM events WHERE position = 7"])
        #expect(failure?.position == 7 && failure?.kind == .positionMismatch, "\(String(describing: failure))")
    }

    @Test func swappedEventsAreCaughtAtTheFirst() async throws {
        let (failure, _) = try await AuditVerifyTests.failure(after: [
            "UPDATE events SET position = 1000000 WHERE position = 5",
            "UPDATE events SET position = 5 WHERE position = 6",
            "UPDATE events SET position = 6 WHERE position = 1000000",
        ])
        #expect(failure?.position == 5 && failure?.kind == .positionMismatch, "\(String(describing: failure))")
    }

    @Test func aTruncatedTailIsCaughtAtTheFirstMissingPosition() async throws {
        let (failure, size) = try await AuditVerifyTests.failure(after: [
            "DELETE FROM events WHERE position >= $LAST - 2", "UPDATE log_head SET next_position = next_position - 3",
        ])
        #expect(failure?.position == size - 3 && failure?.kind == .truncated, "\(String(describing: failure))")
    }

    @Test func anInsertedEventIsCaughtWhereItWasInserted() async throws {
        // A copy of event 3 with a new eventId, slipped in at position 4; later events move up one.
        let (failure, _) = try await AuditVerifyTests.failure(after: [
            "UPDATE events SET position = position + 1000000 WHERE position >= 4",
            "UPDATE events SET position = position - 1000000 + 1 WHERE position >= 1000000",
            """
            INSERT INTO events (position, event_id, stream, version, type, region, recorded_at, body, leaf_hash)
            SELECT 4, gen_random_uuid(), stream || '-x', 0, type, region, recorded_at,
                replace(replace(body, '"position":3', '"position":4'), event_id::text, gen_random_uuid()::text),
                leaf_hash
            FROM events WHERE position = 3
            """,
        ])
        let position = try #require(failure?.position)
        #expect(position == 4 || position == 5, "\(String(describing: failure))")
    }

    @Test func aServerPresentingAForkedHistoryIsCaughtByTheSavedCheckpoint() async throws {
        // Two logs under one key and origin: the auditor verifies the first, then is shown the second.
        let keyFile = NSTemporaryDirectory() + "kvota-fork-\(UUID().uuidString.prefix(8))/signing.key"
        let origin = "kvota.kz/fork-test"
        let honest = try ClientTestServer(signingKeyFile: keyFile, origin: origin)
        try await honest.start()
        _ = try await SyncScenarioTests.ministry(honest, allocate: 20)
        let auditor = try await Device.make(honest, token: try await honest.token(.auditor), device: "auditor")
        #expect(try await AuditVerifyTests.verify(auditor, server: honest).report.isValid)
        await honest.stop()

        let forked = try ClientTestServer(signingKeyFile: keyFile, origin: origin)
        try await forked.start()
        _ = try await SyncScenarioTests.ministry(forked, allocate: 15)
        _ = try await forked.audit?.signLatest()
        var profile = auditor.profile
        profile.server = forked.baseURL
        profile.token = try await forked.token(.auditor)
        let directory = auditor.paths.dataDirectory(profile: auditor.profile.name)
        await #expect(throws: ClientError.self) {
            _ = try await AuditVerification(directory: directory).verifyOnline(
                api: ServerAPI(profile: profile), key: nil)
        }
        do {
            _ = try await AuditVerification(directory: directory).verifyOnline(
                api: ServerAPI(profile: profile), key: nil)
        } catch {
            #expect(error.message.contains("fork"), "\(error)")
        }
        await forked.stop()
    }

    @Test func anExportBundleVerifiesOfflineAndATamperedOneDoesNot() async throws {
        let (server, auditor) = try await AuditVerifyTests.history()
        _ = try await server.audit?.signLatest()
        let bundle = FileManager.default.temporaryDirectory.appendingPathComponent("bundle-\(UUID().uuidString)")
        let exported = try await AuditVerification.export(api: ServerAPI(profile: auditor.profile), to: bundle)
        await server.stop()
        let fresh = FileManager.default.temporaryDirectory.appendingPathComponent("pins-\(UUID().uuidString)")
        let clean = try AuditVerification(directory: fresh).verifyBundle(bundle, key: nil)
        #expect(clean.report.isValid && clean.report.size == exported.size)
        // The independent verifier (Python, standard library) agrees on every leaf and the root.
        #expect(try AuditVerifyTests.python(bundle) == 0)
        // One byte of one event changed in the file.
        let events = bundle.appendingPathComponent("events.ndjson")
        var text = try String(contentsOf: events, encoding: .utf8)
        let range = try #require(text.range(of: "\"units\":20"))
        text.replaceSubrange(range, with: "\"units\":21")
        try text.write(to: events, atomically: true, encoding: .utf8)
        let tampered = try AuditVerification(directory: fresh).verifyBundle(bundle, key: nil)
        #expect(!tampered.report.isValid)
        #expect(try AuditVerifyTests.python(bundle) == 1)
    }

    /// `tools/kvota-verify.py --bundle DIR`'s exit status.
    static func python(_ bundle: URL) throws -> Int32 {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("tools/kvota-verify.py").path
        let log = NSTemporaryDirectory() + "kvota-verify-\(UUID().uuidString.prefix(6)).log"
        return try ProcessRunner.run(["/usr/bin/env", "python3", script, "--bundle", bundle.path], log: log)
    }
}
