import Dispatch
import Foundation
import KvotaCore
import Logging
import Synchronization

/// The quota rules' state, folded from the log, that the append checks items against.
///
/// A cache, not a source of truth: it records the position it has folded up to, and before each
/// append, under the head lock, it folds whatever other kvotad processes appended since. So every
/// process decides against the whole log, and a new process rebuilds it by reading the log. Only the
/// process's single writer touches it.
final class QuotaLedger: @unchecked Sendable {
    /// Changed only by the writer, under `lock`; read elsewhere only through ``read(_:)``.
    private(set) var state = QuotaState()
    private let lock = NSLock()
    /// Held through a whole catch-up (see ``catchUp(_:through:)``).
    private let catchingUp = NSLock()
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// Positions are dense, so a page is a range of the primary key that is exactly as long as the
    /// page: the planner reads it from the index whatever its statistics say (with a range to the head
    /// and a LIMIT, stale statistics after a bulk load made it sort the whole rest of the log on disk
    /// for every page: 0.4 s a page, 19 s to fold 500,000 events).
    static let readBodies = "SELECT body FROM events WHERE position > $1 AND position <= $2 ORDER BY position"
    static let pageSize: Int64 = 10_000

    /// Runs `body` on the state while the writer cannot change it (the expiry sweep's scan).
    func read<T>(_ body: (QuotaState) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(state)
    }

    /// Folds the events after the ledger's position up to `head` (inclusive), then folds the maps'
    /// overlays into their bases (cheap here: no transaction holds a copy of the state). Returns how
    /// many events this call folded.
    ///
    /// One catch-up at a time (the writer's, the expiry sweep's, the start's): a second waits and then
    /// reads only what the first left, instead of both reading and parsing the whole log. Each page
    /// is read as typed events across the machine's cores.
    @discardableResult
    func catchUp(_ connection: PGConnection, through head: Int64) throws -> Int64 {
        catchingUp.lock()
        defer { catchingUp.unlock() }
        var folded: Int64 = 0
        while true {
            // Read without the lock (it guards memory, not IO); fold only if no one folded meanwhile
            // (the writer adopts its committed state without catching up).
            let from = read { $0.position }
            if from >= head { break }
            let through = min(head, from + QuotaLedger.pageSize)
            let rows = try connection.execute("kvota_ledger_read", QuotaLedger.readBodies, [.int(from), .int(through)])
            guard rows.rowCount > 0 else {
                throw StoreError(
                    .queryFailed, "the log has no event in positions \(from + 1)...\(through) below its head \(head)")
            }
            let page = try AcrossCores.map(count: rows.rowCount, minimumPerPart: 512) { range in
                try range.map { row -> (position: Int64, event: DomainEvent?) in
                    let event = try RecordedEvent(canonicalBytes: rows.bytes(row, 0))
                    return (event.position, QuotaLedger.typed(event))
                }
            }
            lock.lock()
            if state.position == from {
                fold(typed: page)
                folded += Int64(page.count)
            }
            lock.unlock()
        }
        if folded > QuotaLedger.pageSize {
            logger.info("quota rules state caught up with the log", metadata: ["events": "\(folded)", "to": "\(head)"])
        }
        lock.lock()
        state.flatten()
        lock.unlock()
        return folded
    }

    /// Folds typed events in position order (nil: an event outside the vocabulary, which only moves
    /// the position).
    private func fold(typed page: [(position: Int64, event: DomainEvent?)]) {
        for (position, domain) in page {
            if let domain { state.evolve(domain, position: position) } else { state.position = position }
        }
    }

    /// Folds a page of stored events, read as typed events across the machine's cores first.
    func fold(page: [LogEntry]) {
        fold(typed: Array(zip(page.map(\.position), QuotaLedger.parse(page))))
    }

    /// A stored event as a typed event; nil outside the vocabulary.
    static func typed(_ event: RecordedEvent) -> DomainEvent? {
        try? DomainEvent(stream: event.stream, type: event.type, data: event.data)
    }

    /// Each entry as a typed event (nil outside the vocabulary), split across cores for large pages.
    static func parse(_ page: [LogEntry]) -> [DomainEvent?] {
        // The work cannot throw; `try?` only satisfies the shared signature.
        (try? AcrossCores.map(count: page.count, minimumPerPart: 512) { page[$0].map { typed($0.event) } }) ?? []
    }

    /// Takes the state a committed append planned on (the ledger's, with the accepted events folded
    /// in), leaving the old one in its place; no folding twice. (No flatten here: the old state still
    /// shares the maps' bases until the transaction's planner is gone; the next catch-up flattens.)
    func adopt(_ committed: inout QuotaState) {
        lock.lock()
        defer { lock.unlock() }
        swap(&state, &committed)
    }
}
