public import Logging
public import ServiceLifecycle

/// Signs a checkpoint whenever the log has grown: wakes on each committed append (any server's), signs
/// the tree head, then waits at least `interval` (`KVOTA_CHECKPOINT_INTERVAL_MS`) before the next, so
/// that a busy log gets one checkpoint per interval and a quiet one a checkpoint per append. Several
/// servers may run it at once: a size is stored once.
public struct CheckpointService: Service {
    let audit: AuditLog
    let interval: Duration
    let logger: Logger
    /// The longest it sleeps without a notification (one may be missed while the listener reconnects).
    static let recheck: Duration = .seconds(1)

    public init(audit: AuditLog, interval: Duration, logger: Logger) {
        self.audit = audit
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await audit.signLatest()
                } catch {
                    logger.error("signing a checkpoint failed; will try again", metadata: ["error": "\(error)"])
                }
                await audit.store.waitForAppend(timeout: CheckpointService.recheck)
                if interval > .zero { try? await Task.sleep(for: interval) }
            }
        }
    }
}
