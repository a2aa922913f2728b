public import Foundation
import KvotaAudit
public import KvotaCore
public import KvotaStore
public import Logging
public import ServiceLifecycle

/// Records `PermitExpired` for permits whose last valid day (Asia/Almaty) has passed, as events
/// written by the server itself (role `system`, actor `kvotad`) with the contract's derived eventId,
/// so that several servers sweeping at once store each expiry once.
public struct ExpirySweep: Service {
    let store: EventStore
    let interval: Duration
    let logger: Logger

    public init(store: EventStore, interval: Duration, logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let recorded = try await sweep(
                        now: Timestamp(microsecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1_000_000)))
                    if recorded > 0 { logger.info("recorded permit expiries", metadata: ["count": "\(recorded)"]) }
                } catch {
                    logger.warning("expiry sweep failed; will try again", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One sweep: appends the expiries due at `now`; returns how many were newly stored.
    @discardableResult
    public func sweep(now: Timestamp) async throws -> Int {
        let today = CalendarDate(almatyDayOf: now)
        let due = try await store.expiryCandidates(on: today)
        var recorded = 0
        for chunk in stride(from: 0, to: due.count, by: 500).map({ Array(due[$0..<min($0 + 500, due.count)]) }) {
            let events = chunk.map { ExpirySweep.expiry(of: $0, at: now) }
            let statuses = try await store.append(events)
            recorded += statuses.filter(\.isAccepted).count
        }
        return recorded
    }

    /// The expiry event of a permit, identical whichever server writes it.
    public static func expiry(of permit: UUID, at now: Timestamp) -> ProposedEvent {
        let stream = "permit-\(permit.lowercased)"
        return ProposedEvent(
            eventId: DerivedEventID.once(stream: stream, type: "PermitExpired"), stream: stream, type: "PermitExpired",
            data: JSONObject(), meta: EventMetadata(actor: "kvotad", role: "system", occurredAt: now))
    }
}
