import Dispatch
import Synchronization

/// The byte checks of a chunk's batches of events, run ahead on every core while the caller replays
/// the batches already checked, in order: the pure work and the sequential replay overlap. Checkers
/// run at most four batches each ahead of the next stage, so memory stays bounded however large the chunk.
final class CheckPipeline: Sendable {
    typealias Batch = [Result<CheckedEvent, LogVerifier.Failure>]

    let ranges: [Range<Int>]
    private let handoff: BatchHandoff<Batch>
    private let next = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let group = DispatchGroup()
    private let checkers: Int

    /// Starts `checkers` threads checking `chunk`'s events (the first at position `first`) in batches.
    init(chunk: EventChunk, first: Int64, batchSize: Int, checkers: Int) {
        ranges = stride(from: 0, to: chunk.count, by: batchSize).map { $0..<min($0 + batchSize, chunk.count) }
        handoff = BatchHandoff(count: ranges.count, ahead: 4 * checkers)
        self.checkers = checkers
        for _ in 0..<checkers {
            DispatchQueue.global().async(group: group) { [self] in
                var scratch = LogVerifier.Scratch()
                while true {
                    handoff.waitForRoom()
                    let index = next.add(1, ordering: .relaxed).oldValue
                    guard index < ranges.count, !stopped.load(ordering: .relaxed) else { return }
                    handoff.put(LogVerifier.check(chunk, ranges[index], first: first, scratch: &scratch), at: index)
                }
            }
        }
    }

    /// The checked batch `index`, waiting for it; lets the checkers run one batch further ahead.
    func take(_ index: Int) -> Batch { handoff.take(index) }

    /// Stops the checkers after their current batch and waits for them.
    func finish() {
        stopped.store(true, ordering: .relaxed)
        handoff.release(checkers)
        group.wait()
    }
}

/// Batches handed from a stage running ahead to the next one, which takes them in index order: the
/// producers wait for room (at most `ahead` batches put and not yet taken), so memory stays bounded.
final class BatchHandoff<Value: Sendable>: Sendable {
    private let values: Mutex<[Value?]>
    private let ready: [DispatchSemaphore]
    /// One permit per batch the producers may put ahead of the consumer.
    private let room: DispatchSemaphore

    init(count: Int, ahead: Int) {
        values = Mutex([Value?](repeating: nil, count: count))
        ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        // Made at 0 and raised: libdispatch traps when a semaphore is freed below the value it was
        // made with, which this one is whenever the consumer stops at a failure before taking every batch.
        room = DispatchSemaphore(value: 0)
        release(max(1, ahead))
    }

    /// Waits until there is room for one more batch.
    func waitForRoom() { room.wait() }

    /// Gives `count` more permits: to wake producers waiting for room when the work stops.
    func release(_ count: Int) {
        for _ in 0..<count { room.signal() }
    }

    func put(_ value: Value, at index: Int) {
        values.withLock { $0[index] = value }
        ready[index].signal()
    }

    /// Batch `index`, waiting for it; makes room for one more.
    func take(_ index: Int) -> Value {
        ready[index].wait()
        room.signal()
        return values.withLock { values in
            defer { values[index] = nil }
            return values[index]!
        }
    }
}

extension LogVerifier {
    /// The byte checks of the events of `chunk` in `range`, stopping at the first failure.
    static func check(
        _ chunk: EventChunk, _ range: Range<Int>, first: Int64, scratch: inout Scratch
    ) -> [Result<CheckedEvent, Failure>] {
        var results: [Result<CheckedEvent, Failure>] = []
        results.reserveCapacity(range.count)
        for index in range {
            let result = chunk.withEvent(index) { bytes in
                LogVerifier.check(
                    bytes, position: first + Int64(index), claimed: chunk.claimed?[index], scratch: &scratch)
            }
            results.append(result)
            if case .failure = result { break }
        }
        return results
    }
}

/// The envelope rules over a chunk's checked batches, in order, on a thread of their own: at most
/// `ahead` batches ahead of the rules' replay, which takes each batch with how many of its events
/// passed and the failure of the next one. The stage owns the rules' memory until ``finish(into:)``.
final class EnvelopeStage: @unchecked Sendable {
    typealias Batch = (checked: CheckPipeline.Batch, passed: Int, failure: LogVerifier.Failure?)

    private var envelope: EnvelopeRules
    private let handoff: BatchHandoff<Batch>
    private let stopped = Atomic<Bool>(false)
    private let group = DispatchGroup()
    private let pipeline: CheckPipeline
    private let first: Int64

    /// A stage over `pipeline`'s batches (the first event at `first`); ``start(_:)`` hands it the rules.
    init(_ pipeline: CheckPipeline, first: Int64, ahead: Int = 4) {
        self.pipeline = pipeline
        self.first = first
        envelope = EnvelopeRules()
        handoff = BatchHandoff(count: pipeline.ranges.count, ahead: ahead)
    }

    /// Takes the envelope rules (leaving empty ones: the stage must hold the only copy of their sets,
    /// or its first change copies them whole) and starts checking.
    func start(_ rules: inout EnvelopeRules) {
        swap(&envelope, &rules)
        // A queue of its own (a thread of its own): the stage waits for the checkers, which must not
        // wait for a thread of the global pool that the stage holds.
        DispatchQueue(label: "kvota.audit.envelope").async(group: group) { [self] in
            for (index, range) in pipeline.ranges.enumerated() {
                handoff.waitForRoom()
                guard !stopped.load(ordering: .relaxed) else { return }
                let checked = pipeline.take(index)
                let (passed, failure) = envelope.check(checked, first: first + Int64(range.lowerBound))
                handoff.put((checked, passed, failure), at: index)
                if failure != nil { return }
            }
        }
    }

    /// Batch `index`, its envelopes checked, waiting for it; lets the stage run one batch further ahead.
    func take(_ index: Int) -> Batch { handoff.take(index) }

    /// Stops the stage after its current batch, waits for it, and hands back the envelope rules.
    func finish(into rules: inout EnvelopeRules) {
        stopped.store(true, ordering: .relaxed)
        handoff.release(1)
        group.wait()
        swap(&envelope, &rules)
    }
}
