import KvotaHistory
public import KvotaStore
public import Logging

/// `kvotad serve --demo`: the published 2025 history (`KvotaHistory.History2025`) imported into an
/// empty log through the operator's import path, every event checked by the quota rules.
public enum DemoHistory {
    public static let source = "kvota-history-2025"

    /// Loads the history when the log is empty; returns how many events were stored.
    @discardableResult
    public static func load(into store: EventStore, logger: Logger) async throws -> Int {
        guard try await store.headPosition() < 0 else {
            logger.notice("--demo: the log is not empty; nothing loaded")
            return 0
        }
        let history = History2025.events()
        logger.notice("--demo: importing the 2025 history", metadata: ["events": "\(history.count)"])
        var stored = 0
        for start in stride(from: 0, to: history.count, by: 1000) {
            let batch = history[start..<min(start + 1000, history.count)].map(\.stamped)
            let statuses = try await store.importHistory(batch, source: source)
            if let refused = statuses.firstIndex(where: { !$0.isApplied }) {
                throw DemoError(
                    message: "the 2025 history was refused at event \(start + refused): \(statuses[refused])")
            }
            stored += statuses.count
        }
        logger.notice(
            "--demo: loaded the 2025 history; try: kvotad quota --year 2025 --as-of 2025-12-01",
            metadata: ["events": "\(stored)"])
        return stored
    }

    struct DemoError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
