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
