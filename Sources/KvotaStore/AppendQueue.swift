import Foundation
import KvotaCore
import Logging
import Synchronization

/// Group commit: appends submitted concurrently within one process are gathered into shared
/// transactions by a single writer (as EventStoreDB's single writer does), so that many small
/// appends share one lock acquisition, one COPY and one commit.
final class AppendQueue: Sendable {
    private struct Pending {
        var submission: AppendSubmission
        var continuation: CheckedContinuation<[AppendStatus], any Error>
    }

    private struct State {
        var pending: [Pending] = []
        var draining = false
    }

    private let pool: ConnectionPool
    private let ruleSet: RuleSet
    /// The quota rules' state; only the drain task touches it.
    let ledger: QuotaLedger
    private let maxEventsPerTransaction: Int
    private let snapshotInterval: Int64
    private let merkleTree: Bool
    /// The ledger position of the last snapshot check (only the drain task touches it).
    private let lastSnapshotCheck = Mutex<Int64>(-1)
    private let logger: Logger
    private let state = Mutex(State())
    /// Told where each committed transaction spent its time (``EventStore/observeAppends(_:)``).
    let observer = Mutex<(@Sendable (AppendTiming) -> Void)?>(nil)

    init(
        pool: ConnectionPool, ruleSet: RuleSet, maxEventsPerTransaction: Int, snapshotInterval: Int,
        merkleTree: Bool, logger: Logger
    ) {
        self.snapshotInterval = Int64(snapshotInterval)
        self.merkleTree = merkleTree
        self.pool = pool
        self.ruleSet = ruleSet
        self.ledger = QuotaLedger(logger: logger)
        self.maxEventsPerTransaction = max(1, maxEventsPerTransaction)
        self.logger = logger
    }

    func append(_ submission: AppendSubmission) async throws -> [AppendStatus] {
        try await withCheckedThrowingContinuation { continuation in
            let startDrain = state.withLock { state in
                state.pending.append(Pending(submission: submission, continuation: continuation))
                if state.draining { return false }
                state.draining = true
                return true
            }
            if startDrain { Task { await self.drain() } }
        }
    }

    /// Takes what is pending, up to the transaction size, until nothing is.
    private func drain() async {
        while true {
            let group: [Pending] = state.withLock { state in
                var events = 0
                var taken = 0
                for pending in state.pending {
                    let count = pending.submission.events.count
                    if taken > 0 && events + count > maxEventsPerTransaction { break }
                    events += count
                    taken += 1
                }
                let group = Array(state.pending.prefix(taken))
                state.pending.removeFirst(taken)
                if group.isEmpty { state.draining = false }
                return group
            }
            if group.isEmpty { return }
            await commit(group)
        }
    }

    /// After an append that carried the log past a multiple of the snapshot interval, writes a
    /// snapshot of the books at the ledger's position (derived data, outside the append's transaction).
    private func snapshotIfDue() async throws {
        guard ruleSet == .quota, snapshotInterval > 0 else { return }
        let (position, books) = ledger.read { ($0.position, $0.books) }
        let previous = lastSnapshotCheck.withLock { last in
            defer { last = position }
            return last
        }
        guard previous >= 0, position / snapshotInterval > previous / snapshotInterval else { return }
        try await pool.withConnection { connection in try EventStore.writeSnapshot(books, at: position, connection) }
    }

    /// `QuotaPolicy.parse`, split across the machine's cores for large groups.
    static func parseAcrossCores(_ events: [ProposedEvent]) -> [UUID: DomainEvent] {
        let parsed = try? AcrossCores.map(count: events.count, minimumPerPart: 256) { range in
            QuotaPolicy.parse(events[range]).map { ($0.key, $0.value) }
        }
        return Dictionary(parsed ?? [], uniquingKeysWith: { first, _ in first })
    }

    private func commit(_ group: [Pending]) async {
        do {
            let submissions = group.map(\.submission)
            let (ruleSet, ledger, merkleTree) = (self.ruleSet, self.ledger, self.merkleTree)
            let (statuses, timing) = try await pool.withConnection { connection in
                var timing = AppendTiming()
                switch ruleSet {
                case .envelopeOnly:
                    let statuses = try AppendTransaction.run(
                        on: connection, submissions: submissions, rules: EnvelopeRules(), timing: &timing,
                        merkleTree: merkleTree)
                    return (statuses, timing)
                case .quota:
                    // Reading the items as typed events needs no state: before the lock, on all cores.
                    let parsed = AppendQueue.parseAcrossCores(submissions.flatMap(\.events))
                    // Most of a catch-up happens before the lock; under it only what came meanwhile.
                    try ledger.catchUp(
                        connection, through: try connection.execute("kvota_read_head", EventStore.readHead).int64(0, 0))
                    let statuses = try AppendTransaction.run(
                        on: connection, submissions: submissions, rules: QuotaRules(ledger: ledger, parsed: parsed),
                        timing: &timing, merkleTree: merkleTree)
                    return (statuses, timing)
                }
            }
            // Observed before anyone is answered: a client that reads the metrics after its answer sees it.
            observer.withLock { $0 }?(timing)
            for (pending, result) in zip(group, statuses) { pending.continuation.resume(returning: result) }
            // Written beside the appends, not in their way: the next group does not wait for it.
            Task.detached(priority: .utility) { try? await self.snapshotIfDue() }
        } catch let error as StoreError where error.code == .queryFailed && group.count > 1 {
            // One submission may have made the shared transaction fail: give each its own.
            logger.warning(
                "a group append failed; retrying its submissions one by one", metadata: ["error": "\(error)"])
            for pending in group { await commit([pending]) }
        } catch {
            for pending in group { pending.continuation.resume(throwing: error) }
        }
    }
}
