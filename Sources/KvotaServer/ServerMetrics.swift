import CoreMetrics
import Foundation
import KvotaStore
public import Prometheus
import Synchronization

/// The figures `GET /metrics` shows, made through swift-metrics with a Prometheus factory. Each
/// application has its own registry, so several servers in one process (tests) do not mix counts.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    let pushDuration: CoreMetrics.Timer
    let eventsAppended: CoreMetrics.Counter
    let pullLag: CoreMetrics.Gauge
    let headPosition: CoreMetrics.Gauge
    let liveSubscribers: CoreMetrics.Gauge
    let appendLockWait: CoreMetrics.Timer
    let appendWork: CoreMetrics.Timer
    let appendCommit: CoreMetrics.Timer
    let appendPushes: CoreMetrics.Recorder
    private let liveCount = Mutex(0)
    /// Counters with labels, made once each (making one looks it up in the registry under a lock).
    private let counters = Mutex<[CounterKey: CoreMetrics.Counter]>([:])

    private struct CounterKey: Hashable {
        var name: String
        var label: String
        var value: String
        var second: String = ""
    }

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        factory.valueHistogramBuckets["kvota_append_transaction_pushes"] = [1, 2, 4, 8, 16, 32, 64, 128, 256]
        self.factory = factory
        pushDuration = CoreMetrics.Timer(label: "kvota_push_duration_seconds", factory: factory)
        eventsAppended = CoreMetrics.Counter(label: "kvota_events_appended_total", factory: factory)
        pullLag = CoreMetrics.Gauge(label: "kvota_pull_lag_events", factory: factory)
        headPosition = CoreMetrics.Gauge(label: "kvota_log_head_position", factory: factory)
        liveSubscribers = CoreMetrics.Gauge(label: "kvota_live_subscribers", factory: factory)
        appendLockWait = CoreMetrics.Timer(label: "kvota_append_lock_wait_seconds", factory: factory)
        appendWork = CoreMetrics.Timer(label: "kvota_append_work_seconds", factory: factory)
        appendCommit = CoreMetrics.Timer(label: "kvota_append_commit_seconds", factory: factory)
        appendPushes = CoreMetrics.Recorder(label: "kvota_append_transaction_pushes", factory: factory)
    }

    /// One append transaction committed (a group commit of `timing.submissions` pushes): the wait
    /// for the log head's lock, the work under it, and `COMMIT` (PostgreSQL's WAL flush).
    func appendCommitted(_ timing: AppendTiming) {
        appendLockWait.recordNanoseconds(timing.lockWait.nanoseconds)
        appendWork.recordNanoseconds(timing.work.nanoseconds)
        appendCommit.recordNanoseconds(timing.commit.nanoseconds)
        appendPushes.record(timing.submissions)
    }

    func request(method: String, status: Int) {
        counter(CounterKey(name: "kvota_http_requests_total", label: "method", value: method, second: String(status)))
            .increment()
    }

    private func counter(_ key: CounterKey) -> CoreMetrics.Counter {
        counters.withLock { counters in
            if let counter = counters[key] { return counter }
            var dimensions = [(key.label, key.value)]
            if !key.second.isEmpty { dimensions.append(("status", key.second)) }
            let counter = CoreMetrics.Counter(label: key.name, dimensions: dimensions, factory: factory)
            counters[key] = counter
            return counter
        }
    }

    /// One push answered: its latency, and what happened to its items.
    func push(duration: Duration, statuses: some Sequence<(status: String, code: String?)>, head: Int64) {
        pushDuration.recordNanoseconds(duration.nanoseconds)
        var accepted = 0
        var byStatus: [String: Int] = [:]
        var byConflict: [String: Int] = [:]
        var byRejection: [String: Int] = [:]
        for (status, code) in statuses {
            byStatus[status, default: 0] += 1
            if status == "accepted" { accepted += 1 }
            if status == "conflict", let code { byConflict[code, default: 0] += 1 }
            if status == "rejected", let code { byRejection[code, default: 0] += 1 }
        }
        if accepted > 0 { eventsAppended.increment(by: accepted) }
        for (status, count) in byStatus {
            counter(CounterKey(name: "kvota_push_items_total", label: "status", value: status)).increment(by: count)
        }
        for (code, count) in byConflict {
            counter(CounterKey(name: "kvota_conflicts_total", label: "code", value: code)).increment(by: count)
        }
        for (code, count) in byRejection {
            counter(CounterKey(name: "kvota_rejections_total", label: "code", value: code)).increment(by: count)
        }
        headPosition.record(Double(head))
    }

    /// A page pulled: how far behind the head its reader still is.
    func pulled(next: Int64, head: Int64) {
        pullLag.record(Double(max(0, head - next)))
        headPosition.record(Double(head))
    }

    func liveSubscriber(_ delta: Int) {
        let count = liveCount.withLock { count in
            count += delta
            return count
        }
        liveSubscribers.record(Double(count))
    }

    /// The Prometheus text exposition.
    func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
