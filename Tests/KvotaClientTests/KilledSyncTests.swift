import Foundation
import KvotaClient
import KvotaCore
import KvotaStore
import Testing

/// The real `kvota` binary killed with SIGKILL in the middle of pushing, then run again: every recorded
/// event reaches the log exactly once.
@Suite(.serialized) struct KilledSyncTests {
    /// The kvota built beside this test binary (`KVOTA_CLI` overrides).
    static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["KVOTA_CLI"], !path.isEmpty { return path }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [beside, beside.deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent("kvota").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw HarnessError("no kvota binary beside \(CommandLine.arguments[0]); build it first (tools/test does)")
    }

    @Test func killedMidPushAndRunAgainEveryEventLandsExactlyOnce() async throws {
        let server = try await ClientTestServer.started()
        _ = try await SyncScenarioTests.ministry(server, allocate: 10)
        let device = try await Device.region(server, "d")
        let count = 3_000
        var view = try device.view()
        let events = (0..<count).map { _ in Drafts(view: view).fileApplication(Scenario.application()) }
        let statuses = view.check(events)
        #expect(statuses.allSatisfy { $0.isAccepted })
        try device.journal.record(events)

        let home = device.paths.configDirectory.deletingLastPathComponent().path
        var environment = ProcessInfo.processInfo.environment
        environment["KVOTA_HOME"] = home
        environment["KVOTA_PROFILE"] = device.profile.name
        let log = NSTemporaryDirectory() + "kvota-sync-\(UUID().uuidString.prefix(6)).log"
        let pid = try ProcessRunner.spawn(
            [try KilledSyncTests.binary(), "sync", "--batch", "50"], environment: environment, log: log)
        // Killed once part of the journal has been pushed (some batches answered, others not).
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let sent = try device.journal.counts()[.sent] ?? 0
            if sent >= 500 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(pid, SIGKILL)
        _ = ProcessRunner.wait(pid)
        let before = try device.journal.counts()
        #expect((before[.sent] ?? 0) >= 500 && (before[.pending] ?? 0) > 0, "killed mid-push: \(before)")

        let report = try await device.sync()
        #expect(report.conflicts == 0 && report.rejected == 0)
        #expect(report.accepted + report.duplicates == before[.pending] ?? 0)
        #expect(try device.journal.counts().isEmpty)
        // The server holds each recorded event once, at dense positions.
        let api = ServerAPI(profile: device.profile)
        var seen: Set<UUID> = []
        var after: Int64 = -1
        while true {
            let page = try await api.pull(after: after, limit: 10_000)
            for event in page.events where event.type == "ApplicationFiled" {
                #expect(seen.insert(event.eventId).inserted)
            }
            if page.events.isEmpty || page.next >= page.head { break }
            after = page.next
        }
        #expect(seen == Set(events.map(\.eventId)))
        await server.stop()
    }
}
