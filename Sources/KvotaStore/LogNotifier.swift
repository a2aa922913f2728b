import Foundation
import Logging
import Synchronization

/// Wakes readers tailing the log. A dedicated thread LISTENs on the append channel; every append
/// transaction NOTIFYs the new head. The notification is only a signal: readers re-read the table,
/// which stays the truth, and also wake on a timeout, so a lost notification delays, never loses.
final class LogNotifier: Sendable {
    private struct Waiter {
        var id: UInt64
        var deadline: ContinuousClock.Instant
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var waiters: [Waiter] = []
        var nextId: UInt64 = 0
        var started = false
        var stopped = false
    }

    private let conninfo: String
    private let logger: Logger
    private let state = Mutex(State())
    /// How long the thread blocks in poll() before it checks deadlines and shutdown.
    private let tick = 0.1

    init(conninfo: String, logger: Logger) {
        self.conninfo = conninfo
        self.logger = logger
    }

    /// Returns after the next append anywhere on the database, or after `timeout`.
    func waitForAppend(timeout: Duration) async {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let (start, stopped) = state.withLock { state -> (Bool, Bool) in
                if state.stopped { return (false, true) }
                state.nextId += 1
                state.waiters.append(Waiter(id: state.nextId, deadline: deadline, continuation: continuation))
                let start = !state.started
                state.started = true
                return (start, false)
            }
            if stopped { continuation.resume() }
            if start {
                let thread = Thread { [self] in self.listen() }
                thread.name = "kvota-listen"
                thread.start()
            }
        }
    }

    func stop() {
        let waiters = state.withLock { state in
            state.stopped = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.continuation.resume() }
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func listen() {
        var connection: PGConnection?
        var backoff = 0.1
        while !isStopped {
            do {
                if connection == nil {
                    let fresh = try PGConnection(conninfo: conninfo)
                    try fresh.exec("LISTEN \(AppendTransaction.notifyChannel)")
                    connection = fresh
                    backoff = 0.1
                    wake { _ in true }  // appends may have happened while not listening
                }
                let payloads = try connection!.awaitNotifications(timeout: tick)
                if payloads.isEmpty {
                    wake { $0.deadline <= ContinuousClock.now }
                } else {
                    wake { _ in true }
                }
            } catch {
                if connection != nil {
                    logger.warning("lost the LISTEN connection; reconnecting", metadata: ["error": "\(error)"])
                }
                connection = nil
                wake { $0.deadline <= ContinuousClock.now }
                Thread.sleep(forTimeInterval: backoff)
                backoff = min(backoff * 2, 2)
            }
        }
    }

    private func wake(where shouldWake: (Waiter) -> Bool) {
        let woken = state.withLock { state in
            var woken: [Waiter] = []
            state.waiters.removeAll { waiter in
                guard shouldWake(waiter) else { return false }
                woken.append(waiter)
                return true
            }
            return woken
        }
        for waiter in woken { waiter.continuation.resume() }
    }
}
