import Foundation
import KvotaCore
import KvotaHistory
import Testing

/// `QuotaState.snapshot`: a state read back from its bytes is the state folded from the log, and
/// goes on deciding as it would.
@Suite("Quota state snapshots")
struct StateSnapshotTests {
    /// Every part of two states, compared as values.
    static func expectSame(_ a: QuotaState, _ b: QuotaState, _ label: String) {
        func map<K, V>(_ entries: [(key: K, value: V)]) -> [K: V] { Dictionary(uniqueKeysWithValues: entries) }
        #expect(a.position == b.position, "\(label): position")
        #expect(a.books == b.books, "\(label): books")
        #expect(map(a.applications.entries) == map(b.applications.entries), "\(label): applications")
        #expect(map(a.permits.entries) == map(b.permits.entries), "\(label): permits")
        #expect(map(a.activeWorkers.entries) == map(b.activeWorkers.entries), "\(label): active workers")
        #expect(map(a.cat1Holders.entries) == map(b.cat1Holders.entries), "\(label): cat1 holders")
        #expect(
            map(a.openCat1Applications.entries) == map(b.openCat1Applications.entries),
            "\(label): open cat1 applications")
        #expect(map(a.bars.entries) == map(b.bars.entries), "\(label): bars")
    }

    @Test(
        "read back at several points of the 2025 history and a large synthetic one, the state is the folded one, and both decide the rest alike",
        arguments: [("2025", 0), ("large", 1)])
    func roundTrip(name: String, which: Int) throws {
        let events = which == 0 ? History2025.events() : LargeHistory.events(count: 40_000)
        let cuts = Set([events.count / 7, events.count / 2, events.count - 1])
        var folded = QuotaState()
        var restored: QuotaState?
        for (index, historical) in events.enumerated() {
            let event = historical.event
            let domain = try DomainEvent(stream: event.stream, type: event.type, data: event.data)
            let context = DecisionContext(meta: event.meta, recordedAt: historical.recordedAt)
            let verdict = folded.decide(domain, context: context)
            #expect(verdict == nil, "\(name) event \(index)")
            folded.evolve(domain, position: Int64(index))
            if var copy = restored {
                #expect(copy.decide(domain, context: context) == verdict, "\(name) event \(index) after a restore")
                copy.evolve(domain, position: Int64(index))
                restored = copy
            }
            if cuts.contains(index) {
                let bytes = folded.snapshot
                let read = try #require(QuotaState(snapshot: bytes), "\(name) at \(index)")
                StateSnapshotTests.expectSame(read, folded, "\(name) at \(index)")
                if let restored {
                    StateSnapshotTests.expectSame(restored, folded, "\(name) restored earlier, at \(index)")
                }
                restored = read
            }
        }
        #expect(folded.permits.count > 1000)
        #expect(!folded.bars.entries.isEmpty || name == "2025")
    }

    @Test("bytes that are not a whole snapshot of this format are not read")
    func malformed() throws {
        var state = QuotaState()
        for (index, historical) in History2025.events().prefix(3000).enumerated() {
            let event = historical.event
            state.evolve(
                try DomainEvent(stream: event.stream, type: event.type, data: event.data), position: Int64(index))
        }
        let bytes = state.snapshot
        #expect(QuotaState(snapshot: bytes) != nil)
        #expect(QuotaState(snapshot: Array(bytes.dropLast())) == nil)
        #expect(QuotaState(snapshot: bytes + [0]) == nil)
        #expect(QuotaState(snapshot: Array(bytes.prefix(bytes.count / 2))) == nil)
        var otherFormat = bytes
        otherFormat[3] = 1
        #expect(QuotaState(snapshot: otherFormat) == nil, "format 1 (whole filings and permits) is not read")
        #expect(QuotaState(snapshot: []) == nil)
    }
}
