import Dispatch
import Synchronization

/// The byte checks of a chunk's batches of events, run ahead on every core while the caller replays
/// the batches already checked, in order: the pure work and the sequential replay overlap. Checkers
/// run at most `window` batches ahead of the replay, so memory stays bounded however large the chunk.
final class CheckPipeline: Sendable {
    typealias Batch = [Result<CheckedEvent, LogVerifier.Failure>]

    let ranges: [Range<Int>]
    private let results: Mutex<[Batch?]>
    private let ready: [DispatchSemaphore]
    /// One permit per batch the checkers may run ahead.
    private let window: DispatchSemaphore
    private let next = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let group = DispatchGroup()
    private let checkers: Int

    /// Starts `checkers` threads checking `chunk`'s events (the first at position `first`) in batches.
    init(chunk: EventChunk, first: Int64, batchSize: Int, checkers: Int) {
        ranges = stride(from: 0, to: chunk.count, by: batchSize).map { $0..<min($0 + batchSize, chunk.count) }
        results = Mutex([Batch?](repeating: nil, count: ranges.count))
        ready = ranges.map { _ in DispatchSemaphore(value: 0) }
        // Made at 0 and raised: libdispatch traps when a semaphore is freed below the value it was
        // made with, which this one is whenever the replay stops at a failure before taking every batch.
        window = DispatchSemaphore(value: 0)
        for _ in 0..<(4 * checkers) { window.signal() }
        self.checkers = checkers
        for _ in 0..<checkers {
            DispatchQueue.global().async(group: group) { [self] in
                var scratch = LogVerifier.Scratch()
                while true {
                    window.wait()
                    let index = next.add(1, ordering: .relaxed).oldValue
                    guard index < ranges.count, !stopped.load(ordering: .relaxed) else { return }
                    let batch = LogVerifier.check(chunk, ranges[index], first: first, scratch: &scratch)
                    results.withLock { $0[index] = batch }
                    ready[index].signal()
                }
            }
        }
    }

    /// The checked batch `index`, waiting for it; lets the checkers run one batch further ahead.
    func take(_ index: Int) -> Batch {
        ready[index].wait()
        window.signal()
        return results.withLock { results in
            defer { results[index] = nil }
            return results[index]!
        }
    }

    /// Stops the checkers after their current batch and waits for them.
    func finish() {
        stopped.store(true, ordering: .relaxed)
        for _ in 0..<checkers { window.signal() }
        group.wait()
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
/// passed and the failure of the next one. The stage owns the rules' memory until ``finish()``.
final class EnvelopeStage: @unchecked Sendable {
    typealias Batch = (checked: CheckPipeline.Batch, passed: Int, failure: LogVerifier.Failure?)

    private var envelope: EnvelopeRules
    private let results: Mutex<[Batch?]>
    private let ready: [DispatchSemaphore]
    private let window: DispatchSemaphore
    private let stopped = Atomic<Bool>(false)
    private let group = DispatchGroup()

    private let pipeline: CheckPipeline
    private let first: Int64

    /// A stage over `pipeline`'s batches (the first event at `first`); ``start(_:)`` hands it the rules.
    init(_ pipeline: CheckPipeline, first: Int64, ahead: Int = 4) {
        self.pipeline = pipeline
        self.first = first
        envelope = EnvelopeRules()
        results = Mutex([Batch?](repeating: nil, count: pipeline.ranges.count))
        ready = pipeline.ranges.map { _ in DispatchSemaphore(value: 0) }
        // Made at 0 and raised, as the checkers' window (see ``CheckPipeline``).
        window = DispatchSemaphore(value: 0)
        for _ in 0..<max(1, ahead) { window.signal() }
    }

    /// Takes the envelope rules (leaving empty ones: the stage must hold the only copy of their sets,
    /// or its first change copies them whole) and starts checking.
    func start(_ rules: inout EnvelopeRules) {
        swap(&envelope, &rules)
        // A queue of its own (a thread of its own): the stage waits for the checkers, which must not
        // wait for a thread of the global pool that the stage holds.
        DispatchQueue(label: "kvota.audit.envelope").async(group: group) { [self] in
            for (index, range) in pipeline.ranges.enumerated() {
                window.wait()
                guard !stopped.load(ordering: .relaxed) else { return }
                let checked = pipeline.take(index)
                let (passed, failure) = envelope.check(checked, first: first + Int64(range.lowerBound))
                results.withLock { $0[index] = (checked, passed, failure) }
                ready[index].signal()
                if failure != nil { return }
            }
        }
    }

    /// Batch `index`, its envelopes checked, waiting for it; lets the stage run one batch further ahead.
    func take(_ index: Int) -> Batch {
        ready[index].wait()
        window.signal()
        return results.withLock { results in
            defer { results[index] = nil }
            return results[index]!
        }
    }

    /// Stops the stage after its current batch, waits for it, and hands back the envelope rules.
    func finish(into rules: inout EnvelopeRules) {
        stopped.store(true, ordering: .relaxed)
        window.signal()
        group.wait()
        swap(&envelope, &rules)
    }
}
