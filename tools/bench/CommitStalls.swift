import Foundation
import KvotaStore
import Synchronization

/// The append transactions of one phase and their `COMMIT`s (PostgreSQL's WAL flush, with the log's
/// head locked): how many, how many pushes shared each, how many flushes took over 50 ms, and how many
/// transactions spent over 50 ms before it (waiting for the head's lock, or working under it). Read
/// from kvotad's `/metrics` histograms (before and after a phase) or from the bench's own store
/// (``Recorder``), so that a latency row can be read against the commits that made it.
struct CommitStalls {
    var transactions = 0
    var pushes = 0.0
    var over50ms = 0
    /// The slowest commit: exact from a recorder, an upper bound (a bucket's) from a histogram.
    var slowest = 0.0
    var slowestIsBound = false
    /// Transactions whose lock wait, or whose work under the lock, took over 50 ms.
    var lockOver50ms = 0
    var workOver50ms = 0

    var summary: String {
        guard transactions > 0 else { return "no commits" }
        func count(_ value: Int) -> String { value >= 0 ? "\(value)" : "(no 50 ms bucket)" }
        let slowestText =
            slowest.isFinite
            ? (slowestIsBound ? "≤ " : "") + String(format: "%.0f ms", slowest * 1000) : "over the last bucket"
        return String(
            format: "%d commits of %.1f pushes each, %@ over 50 ms, slowest %@ (lock wait over 50 ms: %@, work: %@)",
            transactions, pushes / Double(transactions), count(over50ms), slowestText, count(lockOver50ms),
            count(workOver50ms))
    }

    /// kvotad's exposition: its append histograms and the pushes per transaction.
    struct Scrape {
        /// A histogram's cumulative buckets and count.
        struct Histogram {
            var buckets: [(bound: Double, count: Int)] = []
            var count = 0

            /// Observations between `earlier` and this one, by bucket (cumulative).
            func since(_ earlier: Histogram) -> (count: Int, buckets: [(bound: Double, count: Int)]) {
                let before = Dictionary(earlier.buckets.map { ($0.bound, $0.count) }, uniquingKeysWith: { $1 })
                return (count - earlier.count, buckets.map { ($0.bound, $0.count - (before[$0.bound] ?? 0)) })
            }

            /// Observations over 50 ms since `earlier`; -1 without a bucket at exactly 50 ms (kvotad has one).
            func over50ms(since earlier: Histogram) -> Int {
                let (count, buckets) = since(earlier)
                return buckets.first { $0.bound == 0.05 }.map { count - $0.count } ?? -1
            }
        }

        var histograms: [String: Histogram] = [:]
        var pushes = 0.0

        init(_ text: String) {
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: " ")
                guard parts.count == 2, let value = Double(parts[1]) else { continue }
                let name = parts[0]
                if let open = name.range(of: "_bucket{le=\"") {
                    let bound = name[open.upperBound...].prefix { $0 != "\"" }
                    histograms[String(name[..<open.lowerBound]), default: Histogram()].buckets.append(
                        (bound == "+Inf" ? .infinity : Double(bound) ?? .infinity, Int(value)))
                } else if name.hasSuffix("_count") {
                    histograms[String(name.dropLast("_count".count)), default: Histogram()].count = Int(value)
                } else if name == "kvota_append_transaction_pushes_sum" {
                    pushes = value
                }
            }
            for key in histograms.keys { histograms[key]!.buckets.sort { $0.bound < $1.bound } }
        }

        /// What happened between `earlier` and this scrape.
        func since(_ earlier: Scrape) -> CommitStalls {
            func histogram(_ name: String, _ scrape: Scrape) -> Histogram { scrape.histograms[name] ?? Histogram() }
            let commit = histogram("kvota_append_commit_seconds", self)
            let commitBefore = histogram("kvota_append_commit_seconds", earlier)
            let (transactions, within) = commit.since(commitBefore)
            var stalls = CommitStalls(transactions: transactions, pushes: pushes - earlier.pushes)
            stalls.over50ms = commit.over50ms(since: commitBefore)
            stalls.slowest = within.first { $0.count == transactions }?.bound ?? .infinity
            stalls.slowestIsBound = true
            stalls.lockOver50ms = histogram("kvota_append_lock_wait_seconds", self).over50ms(
                since: histogram("kvota_append_lock_wait_seconds", earlier))
            stalls.workOver50ms = histogram("kvota_append_work_seconds", self).over50ms(
                since: histogram("kvota_append_work_seconds", earlier))
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
            let commits = taken.map(\.commit.seconds)
            return CommitStalls(
                transactions: taken.count, pushes: Double(taken.map(\.submissions).reduce(0, +)),
                over50ms: commits.filter { $0 > 0.05 }.count, slowest: commits.max() ?? 0,
                lockOver50ms: taken.filter { $0.lockWait.seconds > 0.05 }.count,
                workOver50ms: taken.filter { $0.work.seconds > 0.05 }.count)
        }
    }
}
