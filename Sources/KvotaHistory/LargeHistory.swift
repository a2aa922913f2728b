/// Large synthetic histories for benchmarks: years of quota decisions, applications, permits,
/// extensions, revocations, expiries, reallocations and employer bars from 2026 on, with the
/// vocabulary and envelope of the 2025 history (about 600 canonical bytes per event). Every event
/// is accepted by the rules when replayed in order, and so is every prefix: the generator makes
/// events day by day, on demand.
public enum LargeHistory {
    /// The first `count` events of the history for `seed`.
    public static func events(count: Int, seed: UInt64 = 1) -> [HistoricalEvent] {
        var generator = Generator(seed: seed)
        var events: [HistoricalEvent] = []
        events.reserveCapacity(max(0, count))
        while events.count < count, let event = generator.next() { events.append(event) }
        return events
    }

    /// The first `count` events of the history for `seed`, in consecutive batches of `batchSize`
    /// (the last one shorter when `count` is not a multiple).
    public static func batches(count: Int, batchSize: Int, seed: UInt64 = 1) -> [[HistoricalEvent]] {
        precondition(batchSize > 0, "batchSize must be positive")
        var generator = Generator(seed: seed)
        var batches: [[HistoricalEvent]] = []
        var left = count
        while left > 0 {
            var batch: [HistoricalEvent] = []
            batch.reserveCapacity(min(batchSize, left))
            while batch.count < min(batchSize, left), let event = generator.next() { batch.append(event) }
            if batch.isEmpty { break }
            left -= batch.count
            batches.append(batch)
        }
        return batches
    }

    /// The history as a sequence: events are made one simulated day at a time (a few thousand),
    /// so memory stays small however many are drawn. Ends before the year 2100.
    public struct Generator: IteratorProtocol, Sequence {
        var state: LargeHistoryState

        /// A generator that starts on 2026-01-01; the same `seed` gives the same events.
        public init(seed: UInt64 = 1) { state = LargeHistoryState(seed: seed) }

        /// The next event in recording order (nil once the simulation reaches the year 2100).
        public mutating func next() -> HistoricalEvent? { state.next() }
    }
}
