import Foundation
import KvotaCore
import KvotaHistory
import Testing

@Suite("Large synthetic histories")
struct LargeHistoryTests {
    static let events = LargeHistory.events(count: 50_000)

    @Test("50,000 events, all accepted by the rules in order")
    func accepted() {
        #expect(Self.events.count == 50_000)
        let replay = Replay(Self.events)
        #expect(replay.failure == nil, "\(replay.failure.map(String.init(describing:)) ?? "")")
        #expect(replay.expiryDelays.allSatisfy { $0 == 1 })
    }

    @Test("envelope: order, unique ids, clocks, stream versions")
    func envelope() {
        #expect(EnvelopeChecks.problems(Self.events) == [])
    }

    @Test("the whole vocabulary is used")
    func vocabulary() {
        let types = Set(Self.events.map(\.event.type))
        #expect(types == DomainEvent.allTypes)
    }

    @Test("events are about 600 canonical bytes each, envelope included")
    func size() {
        var total = 0
        for (position, historical) in Self.events.enumerated() {
            var meta = historical.event.meta
            meta.recordedAt = historical.recordedAt
            var out: [UInt8] = []
            CanonicalEvent.write(
                data: CanonicalJSON.encode(.object(historical.event.data)), eventId: historical.event.eventId,
                meta: meta,
                position: Int64(position), stream: historical.event.stream, type: historical.event.type, version: 0,
                to: &out)
            total += out.count
        }
        let average = total / Self.events.count
        #expect(average > 450 && average < 800, "average \(average) bytes")
    }

    @Test("deterministic for a seed; batches are the same events in order")
    func determinism() {
        #expect(LargeHistory.events(count: 5_000) == Array(Self.events.prefix(5_000)))
        #expect(LargeHistory.events(count: 1_000, seed: 2) != Array(Self.events.prefix(1_000)))
        let batches = LargeHistory.batches(count: 5_001, batchSize: 1_000)
        #expect(batches.map(\.count) == [1_000, 1_000, 1_000, 1_000, 1_000, 1])
        #expect(Array(batches.joined()) == Array(Self.events.prefix(5_001)))
    }
}
