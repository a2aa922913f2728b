public import Foundation

/// Everything the quota rules need to know, folded from the log by ``evolve(_:context:)``. The
/// server, the client's offline checks and the auditor's replay all hold one of these and ask
/// ``decide(_:context:)`` before an event may join the log.
public struct QuotaState: Sendable {
    public var books: [QuotaKey: QuotaBook] = [:]
    public var applications = LayeredMap<UUID, ApplicationRecord>()
    public var permits = LayeredMap<UUID, PermitRecord>()
    /// The active permit of each worker and year.
    public var activeWorkers = LayeredMap<WorkerYear, UUID>()
    /// The active permit holding each `cat1` seat.
    public var cat1Holders = LayeredMap<Cat1Seat, UUID>()
    /// The open (filed or approved, not yet used) `cat1` application for each seat.
    public var openCat1Applications = LayeredMap<Cat1Seat, UUID>()
    /// Every bar recorded for an employer (a new bar never shortens one in force).
    public var bars = LayeredMap<BIN, [BarRecord]>()
    /// Position of the last event folded in; -1 for none.
    public var position: Int64 = -1

    /// Makes room for the records of about `events` more events (a replay that knows its length):
    /// applications and permits take most of a log, and each permit holds a worker for its year.
    public mutating func reserve(events: Int) {
        let events = max(0, events)
        applications.reserveCapacity(applications.count + events / 4)
        permits.reserveCapacity(permits.count + events / 2)
        activeWorkers.reserveCapacity(activeWorkers.count + events / 2)
    }

    public init() {}

    public func book(_ key: QuotaKey) -> QuotaBook { books[key] ?? QuotaBook() }

    /// The last day of the bar in force for `employer` on `day` (the latest `until` of the unlifted
    /// bars covering it), or nil when the employer may hire.
    public func barUntil(_ employer: BIN, on day: CalendarDate) -> CalendarDate? {
        bars[employer]?.filter { $0.covers(day) }.map(\.bar.until).max()
    }

    /// Folds the overlays of every map into their bases (see ``LayeredMap``).
    public mutating func flatten() {
        applications.flatten()
        permits.flatten()
        activeWorkers.flatten()
        cat1Holders.flatten()
        openCat1Applications.flatten()
        bars.flatten()
    }

    /// Active permits whose last valid day is before `today`: the server appends `PermitExpired` for each.
    public func expiredPermits(on today: CalendarDate) -> [UUID] {
        permits.entries.filter { $0.value.status == .active && $0.value.validUntil < today }.map(\.key).sorted {
            $0.uuidString < $1.uuidString
        }
    }

    /// Active `cat4` permits past their replacement deadline.
    public func overdueCat4(on today: CalendarDate) -> [(permit: UUID, record: PermitRecord)] {
        permits.entries.compactMap { entry in
            guard entry.value.status == .active, let deadline = entry.value.replacementDeadline, deadline < today
            else { return nil }
            return (entry.key, entry.value)
        }.sorted {
            ($0.record.replacementDeadline!, $0.permit.uuidString) < (
                $1.record.replacementDeadline!, $1.permit.uuidString
            )
        }
    }
}

/// Who writes an event, and when, as the rules see it.
public struct DecisionContext: Sendable, Hashable {
    /// `region`, `ministry` or `system`.
    public var role: String
    /// The writer's region, for region tokens.
    public var region: Region?
    /// The server's clock at append: bars and expiry are judged on its Almaty day.
    public var recordedAt: Timestamp
    /// The writer's clock (the filing date of an application).
    public var occurredAt: Timestamp

    public init(role: String, region: Region?, recordedAt: Timestamp, occurredAt: Timestamp) {
        self.role = role
        self.region = region
        self.recordedAt = recordedAt
        self.occurredAt = occurredAt
    }

    /// From an event's metadata (`recordedAt` must be set).
    public init(meta: EventMetadata, recordedAt: Timestamp) {
        self.init(
            role: meta.role, region: meta.region.flatMap { Region(code: $0) }, recordedAt: recordedAt,
            occurredAt: meta.occurredAt)
    }

    public var today: CalendarDate { CalendarDate(almatyDayOf: recordedAt) }
}
