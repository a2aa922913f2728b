import Foundation
import KvotaStore
import Synchronization

/// The append transactions of one phase and their `COMMIT`s (PostgreSQL's WAL flush, with the log's
/// head locked): how many, how many pushes shared each, and how many flushes took over 50 ms. Read
/// from kvotad's `/metrics` histograms (before and after a phase) or from the bench's own store
/// (``Recorder``), so that a latency row can be read against the commits that made it.
struct CommitStalls {
    var transactions = 0
    var pushes = 0.0
    var over50ms = 0
    /// The slowest commit: exact from a recorder, an upper bound (a bucket's) from a histogram.
    var slowest = 0.0
    var slowestIsBound = false

    var summary: String {
        guard transactions > 0 else { return "no commits" }
        let over = over50ms >= 0 ? "\(over50ms)" : "(no 50 ms bucket)"
        let slowestText =
            slowest.isFinite
            ? (slowestIsBound ? "≤ " : "") + String(format: "%.0f ms", slowest * 1000) : "over the last bucket"
        return String(
            format: "%d commits of %.1f pushes each, %@ over 50 ms, slowest %@", transactions,
            pushes / Double(transactions), over, slowestText)
    }

    /// kvotad's exposition: the `kvota_append_commit_seconds` histogram and the pushes per transaction.
    struct Scrape {
        var buckets: [(bound: Double, count: Int)] = []
        var count = 0
        var pushes = 0.0

        init(_ text: String) {
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: " ")
                guard parts.count == 2, let value = Double(parts[1]) else { continue }
                let name = parts[0]
                if name.hasPrefix("kvota_append_commit_seconds_bucket{le=\"") {
                    let bound = name.dropFirst("kvota_append_commit_seconds_bucket{le=\"".count).prefix { $0 != "\"" }
                    buckets.append((bound == "+Inf" ? .infinity : Double(bound) ?? .infinity, Int(value)))
                } else if name == "kvota_append_commit_seconds_count" {
                    count = Int(value)
                } else if name == "kvota_append_transaction_pushes_sum" {
                    pushes = value
                }
            }
            buckets.sort { $0.bound < $1.bound }
        }

        /// What happened between `earlier` and this scrape.
        func since(_ earlier: Scrape) -> CommitStalls {
            var stalls = CommitStalls(transactions: count - earlier.count, pushes: pushes - earlier.pushes)
            let before = Dictionary(earlier.buckets.map { ($0.bound, $0.count) }, uniquingKeysWith: { $1 })
            let within = buckets.map { (bound: $0.bound, count: $0.count - (before[$0.bound] ?? 0)) }
            // kvotad's buckets have a bound at exactly 50 ms (ServerMetrics); without it, no count.
            stalls.over50ms = within.first { $0.bound == 0.05 }.map { stalls.transactions - $0.count } ?? -1
            stalls.slowest = within.first { $0.count == stalls.transactions }?.bound ?? .infinity
            stalls.slowestIsBound = true
            return stalls
        }
    }

    /// The bench's own store's commits, observed (``EventStore/observeAppends(_:)``).
    final class Recorder: Sendable {
        private let timings = Mutex<[AppendTiming]>([])

        init(_ store: EventStore) {
            store.observeAppends { timing in self.timings.withLock { $0.append(timing) } }
        }

        /// The commits since the last call.
        func take() -> CommitStalls {
            let taken = timings.withLock { timings in
                defer { timings = [] }
                return timings
            }
            let seconds = taken.map {
                Double($0.commit.components.seconds) + Double($0.commit.components.attoseconds) / 1e18
            }
            return CommitStalls(
                transactions: taken.count, pushes: Double(taken.map(\.submissions).reduce(0, +)),
                over50ms: seconds.filter { $0 > 0.05 }.count, slowest: seconds.max() ?? 0)
        }
    }
}
