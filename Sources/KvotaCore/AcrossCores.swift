import Dispatch
import Foundation
import Synchronization

/// Pure work over a range of indices, split into contiguous parts run on the machine's cores
/// (`DispatchQueue.concurrentPerform`), results joined in order. Below `minimumPerPart` items per
/// part it runs on the caller's thread.
public enum AcrossCores {
    /// Read once: on Linux `activeProcessorCount` reads cgroup files on every call.
    public static let cores = ProcessInfo.processInfo.activeProcessorCount

    public static func map<T: Sendable>(
        count: Int, minimumPerPart: Int, _ work: @Sendable (Range<Int>) throws -> [T]
    ) throws -> [T] {
        let parts = max(1, min(cores, count / max(1, minimumPerPart)))
        if parts == 1 { return try work(0..<count) }
        let results = Mutex([Result<[T], any Error>?](repeating: nil, count: parts))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let result = Result { try work((count * part / parts)..<(count * (part + 1) / parts)) }
            results.withLock { $0[part] = result }
        }
        return try results.withLock { parts in try parts.flatMap { try $0!.get() } }
    }
}
