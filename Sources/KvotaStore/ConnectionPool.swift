import Dispatch
import Logging
import Synchronization

/// A pool of libpq connections whose blocking calls run on a dedicated dispatch queue, never on the
/// caller's executor (and so never on a server's event loops).
///
/// It survives a PostgreSQL restart: a connection found broken is dropped and replaced on the next
/// call; the call that was running on it fails with a retryable ``StoreError`` (`connection-lost`),
/// and calls made while the database is down fail with `database-unavailable`.
final class ConnectionPool: Sendable {
    private enum Lease {
        case existing(PGConnection)
        case create
    }

    private struct State {
        var idle: [PGConnection] = []
        var open = 0
        var waiters: [CheckedContinuation<Lease, any Error>] = []
        var closed = false
    }

    let conninfo: String
    let maxConnections: Int
    private let logger: Logger
    private let queue = DispatchQueue(label: "kvota.store.libpq", attributes: .concurrent)
    private let state = Mutex(State())

    init(conninfo: String, maxConnections: Int, logger: Logger) throws(StoreError) {
        try PGConnection.validate(conninfo: conninfo)
        self.conninfo = conninfo
        self.maxConnections = max(1, maxConnections)
        self.logger = logger
    }

    /// Runs `body` with a connection of its own, on the IO queue.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        let lease = try await acquire()
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: self.run(lease, body))
            }
        }
    }

    /// Runs `body` on the IO queue with no connection (for other blocking work).
    func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Closes idle connections and refuses new calls; calls in flight finish.
    func close() {
        let (idle, waiters) = state.withLock { state in
            state.closed = true
            defer {
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        _ = idle
        for waiter in waiters { waiter.resume(throwing: StoreError(.shutDown, "the event store is shut down")) }
    }

    private func acquire() async throws -> Lease {
        enum Immediate {
            case lease(Lease)
            case closed
            case wait
        }
        let immediate: Immediate = state.withLock { state in
            if state.closed { return .closed }
            if let connection = state.idle.popLast() { return .lease(.existing(connection)) }
            if state.open < maxConnections {
                state.open += 1
                return .lease(.create)
            }
            return .wait
        }
        switch immediate {
        case .lease(let lease): return lease
        case .closed: throw StoreError(.shutDown, "the event store is shut down")
        case .wait:
            return try await withCheckedThrowingContinuation { continuation in
                let closed = state.withLock { state in
                    if state.closed { return true }
                    if let connection = state.idle.popLast() {
                        continuation.resume(returning: .existing(connection))
                    } else if state.open < maxConnections {
                        state.open += 1
                        continuation.resume(returning: .create)
                    } else {
                        state.waiters.append(continuation)
                    }
                    return false
                }
                if closed { continuation.resume(throwing: StoreError(.shutDown, "the event store is shut down")) }
            }
        }
    }

    private func run<T>(_ lease: Lease, _ body: (PGConnection) throws -> T) -> Result<T, any Error> {
        let connection: PGConnection
        var reused = false
        do {
            switch lease {
            case .existing(let existing) where existing.checkAlive():
                connection = existing
                reused = true
            case .existing:
                logger.info("dropping a broken idle connection to PostgreSQL; reconnecting")
                dropIdle()
                connection = try PGConnection(conninfo: conninfo)
            case .create:
                connection = try PGConnection(conninfo: conninfo)
            }
        } catch {
            release(nil)
            return .failure(error)
        }
        let result = Result { try body(connection) }
        if reused, case .failure(let error as StoreError) = result, error.code == .connectionLost {
            // An idle connection the server closed while it waited (a restart): nothing of the call
            // can have run on it, or, for an append, running it again is safe (eventIds). Once more,
            // on a new connection; the other idle ones are as stale.
            logger.info("an idle connection to PostgreSQL had gone; retrying on a new one")
            dropIdle()
            return run(.create, body)  // takes over this connection's place in the pool
        }
        if !connection.isBroken && !connection.isIdle {
            _ = try? connection.exec("ROLLBACK")
        }
        if connection.isBroken {
            logger.warning("lost a connection to PostgreSQL; it will be replaced")
            release(nil)
        } else {
            release(connection)
        }
        return result
    }

    /// Closes every idle connection (after one was found gone, the others usually are too).
    private func dropIdle() {
        let dropped = state.withLock { state in
            defer {
                state.open -= state.idle.count
                state.idle = []
            }
            return state.idle
        }
        _ = dropped
    }

    /// Hands a connection (or, for a dropped one, the right to open a new one) to a waiter, or parks it.
    private func release(_ connection: PGConnection?) {
        let waiter: (CheckedContinuation<Lease, any Error>, Lease)? = state.withLock { state in
            if state.closed {
                state.open -= 1
                return nil
            }
            if !state.waiters.isEmpty {
                let waiter = state.waiters.removeFirst()
                return (waiter, connection.map(Lease.existing) ?? .create)
            }
            if let connection { state.idle.append(connection) } else { state.open -= 1 }
            return nil
        }
        if let (continuation, lease) = waiter { continuation.resume(returning: lease) }
    }
}
