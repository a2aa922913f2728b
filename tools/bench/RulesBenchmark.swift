import ArgumentParser
import Foundation
import KvotaCore
import KvotaHistory
import KvotaStore
import Logging

/// `kvota-bench rules`: the quota rules and projections against the event log alone, same events,
/// same run: appends with rules and inline projections versus the log's own append; a projection
/// rebuild versus reading the log; the picture at a past position.
struct RulesBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Append with quota rules vs the plain log; rebuild vs read; past positions.")

    @Option(help: "Events of the synthetic history.") var events = 1_000_000
    @Option(help: "Events per append call.") var batch = 1000
    @Option(help: "libpq URI of a server to use (a database per run is created); default: a private cluster.")
    var databaseURL: String?

    func run() async throws {
        var logger = Logger(label: "kvota-bench")
        logger.logLevel = .warning
        let cluster = try BenchCluster(databaseURL: databaseURL)
        defer { cluster.stop() }
        print("generating a valid history of \(events) events (LargeHistory)...")
        fflush(nil)
        let batches = LargeHistory.batches(count: events, batchSize: batch).map { $0.map(\.stamped) }
        let total = batches.map(\.count).reduce(0, +)
        var table = ResultTable()

        // The log alone and the same events with the rules, batch by batch in turn (so that both see
        // the same moments of a noisy machine), through the import path (the history carries its own
        // recordedAt), one writer each (a history is ordered).
        var stores: [RuleSet: EventStore] = [:]
        var seconds: [RuleSet: Double] = [.envelopeOnly: 0, .quota: 0]
        for rules in [RuleSet.envelopeOnly, .quota] {
            let url = try cluster.freshDatabase(rules == .quota ? "bench_rules" : "bench_log")
            let store = try EventStore(
                configuration: StoreConfiguration(databaseURL: url, rules: rules), logger: logger)
            try await store.migrate()
            stores[rules] = store
        }
        for (index, events) in batches.enumerated() {
            for rules in [RuleSet.envelopeOnly, .quota] {
                let start = ContinuousClock.now
                let statuses = try await stores[rules]!.importHistory(events, source: "bench")
                seconds[rules]! += start.seconds
                if let refused = statuses.firstIndex(where: { !$0.isApplied }) {
                    throw BenchError("\(rules) batch \(index), item \(refused): \(statuses[refused])")
                }
            }
        }
        table.add("baseline: the event log's own append, same events", events: total, seconds: seconds[.envelopeOnly]!)
        table.add(
            "append with quota rules + inline projections, batches of \(batch)", events: total,
            seconds: seconds[.quota]!)
        let store = stores[.quota]!
        defer { stores.values.forEach { $0.shutdown() } }

        let readStart = ContinuousClock.now
        var read = 0
        for try await page in store.scan() { read += page.count }
        let readSeconds = readStart.seconds
        let rebuildStart = ContinuousClock.now
        let rebuilt = try await store.rebuildProjections()
        let rebuildSeconds = rebuildStart.seconds
        print(
            String(
                format: "  read all %d events: %.2f s; rebuild projections (%d rows): %.2f s = %.2fx the read", read,
                readSeconds, rebuilt.rows, rebuildSeconds, rebuildSeconds / readSeconds))

        let key = QuotaKey(year: 2026, line: .foreignLabour)
        for position in [Int64(total) / 2, Int64(total) - 2, Int64(total) * 3 / 4 + 12_345] {
            let start = ContinuousClock.now
            let projection = try await store.quotaProjection(key, atPosition: position)
            print(
                String(
                    format: "  quota projection at position %lld (in use %lld): %.3f s", position, projection.inUse,
                    start.seconds))
        }
        table.printRatio(
            of: "append with quota rules + inline projections, batches of \(batch)",
            to: "baseline: the event log's own append, same events")
    }
}
