import Foundation
import KvotaClient
import KvotaCore
import Testing

/// The replayed pulled log kept beside the journal: used when it belongs to the journal, the same
/// as a replay from position 0, and moved forward by the events pulled after it.
@Suite(.serialized) struct SavedStateTests {
    @Test func theSavedStateIsTheReplayedOneAndIsUsedOnlyByItsOwnJournal() async throws {
        let server = try await ClientTestServer.started()
        _ = try await SyncScenarioTests.ministry(server, allocate: 50)
        let a = try await Device.region(server, "a")
        _ = try SyncScenarioTests.issue(a, permits: 3, firstWorker: 1)
        #expect(try await a.sync().accepted == 5)

        // Saved after at least one folded event; then read back, the same as a replay from 0.
        let first = try LocalView.pulledState(a.journal, saveAfter: 1)
        let saved = try #require(LocalView.Pulled.load(a.journal))
        #expect(saved.position == first.position)
        #expect(saved.events == first.events)
        #expect(saved.streams == first.streams)
        #expect(saved.state.snapshot.count == first.state.snapshot.count)
        let book = QuotaKey(year: Scenario.year, line: .foreignLabour)
        #expect(saved.state.book(book) == first.state.book(book))
        #expect(saved.state.permits.count == 3)

        // More events: the saved state plus the new ones is the full replay (a past moment replays from 0).
        _ = try SyncScenarioTests.issue(a, permits: 2, firstWorker: 20)
        #expect(try await a.sync().accepted == 4)
        let moved = try LocalView.pulledState(a.journal, saveAfter: 1_000)
        let replayed = try LocalView.pulledState(a.journal, asOf: Timestamp(microsecondsSinceEpoch: Int64.max / 2))
        #expect(moved.position == replayed.position && moved.position > saved.position)
        #expect(moved.events == replayed.events)
        #expect(moved.streams == replayed.streams)
        #expect(moved.state.book(book) == replayed.state.book(book))
        #expect(moved.state.permits.count == 5)
        #expect(try #require(LocalView.Pulled.load(a.journal)).position == saved.position)

        // Another journal's state is not this one's: nothing at its position, or another leaf hash.
        let b = try await Device.make(server, token: try await server.token(.auditor), device: "auditor-1")
        try FileManager.default.copyItem(at: LocalView.Pulled.file(a.journal), to: LocalView.Pulled.file(b.journal))
        #expect(LocalView.Pulled.load(b.journal) == nil)  // nothing pulled yet: not its state

        // A damaged file is not used; the replay stands in.
        try Data("KPS".utf8).write(to: LocalView.Pulled.file(a.journal))
        #expect(LocalView.Pulled.load(a.journal) == nil)
        #expect(try LocalView.pulledState(a.journal).events == replayed.events)
    }
}
