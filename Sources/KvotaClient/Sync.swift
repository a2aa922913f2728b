public import Foundation
public import KvotaCore

/// What one `kvota sync` did.
public struct SyncReport: Sendable {
    public var pushed = 0
    public var accepted = 0
    public var duplicates = 0
    public var conflicts = 0
    public var rejected = 0
    public var blocked = 0
    /// Held `quota-exhausted` events that went through this time.
    public var released = 0
    /// Version conflicts rebased automatically (eventId, stream, from, to).
    public var rebased: [(id: UUID, stream: String, from: ExpectedVersion, to: Int64)] = []
    public var pulled = 0
    public var head: Int64 = -1
    public var cursor: Int64 = -1
    public var seconds = 0.0

    public init() {}

    public var json: JSONValue {
        .object([
            "pushed": .int(Int64(pushed)), "accepted": .int(Int64(accepted)), "duplicates": .int(Int64(duplicates)),
            "conflicts": .int(Int64(conflicts)), "rejected": .int(Int64(rejected)), "blocked": .int(Int64(blocked)),
            "released": .int(Int64(released)),
            "rebased": .array(
                rebased.map {
                    .object([
                        "eventId": .string($0.id.lowercased), "stream": .string($0.stream),
                        "expected": $0.from.wire.map(JSONValue.int) ?? .null, "rebasedTo": .int($0.to),
                    ])
                }),
            "pulled": .int(Int64(pulled)), "head": .int(head), "cursor": .int(cursor), "seconds": .double(seconds),
        ])
    }

    /// The summary line.
    public var summary: String {
        var parts = ["pushed \(pushed)", "accepted \(accepted)"]
        if duplicates > 0 { parts.append("already there \(duplicates)") }
        if released > 0 { parts.append("released from hold \(released)") }
        if !rebased.isEmpty { parts.append("rebased \(rebased.count)") }
        if conflicts + rejected + blocked > 0 {
            parts.append("needing attention \(conflicts + rejected + blocked) (see `kvota conflicts`)")
        }
        parts.append("pulled \(pulled)")
        parts.append("at position \(cursor) of \(head)")
        return "sync: " + parts.joined(separator: ", ") + String(format: " in %.1f s", seconds)
    }
}

/// Pushes what was recorded here, then pulls what the server has: `kvota sync`.
///
/// Resumable at any point: pushed events stay in the journal as `sent` until pulled back, a retried
/// push answers `duplicate`, and each pulled page moves the cursor in the same transaction as its rows.
public struct Syncer: Sendable {
    public let journal: Journal
    public let api: ServerAPI
    public let profile: Profile
    public var batchSize = 1_000
    public var pageSize = 10_000
    /// Pages in flight at once while pulling with a ministry or auditor token (see ``pull(_:)``).
    public var pagesAhead = 3
    /// Called as work progresses: a phase (`push`, `pull`), done, total (0 when unknown).
    public var progress: (@Sendable (String, Int, Int) -> Void)?

    public init(journal: Journal, api: ServerAPI, profile: Profile) {
        self.journal = journal
        self.api = api
        self.profile = profile
    }

    public func run() async throws(ClientError) -> SyncReport {
        let started = Date()
        var report = SyncReport()
        // Held events are tried again; blocked ones follow their cause (re-blocked below when it still fails).
        let held = try journal.recorded([.held])
        let heldIds = Set(held.map(\.eventId))
        try journal.update(
            (held + (try journal.recorded([.blocked]))).map { ($0.eventId, .pending, $0.outcome, position: nil) })
        try await push(&report, held: heldIds)
        try await pull(&report)
        // Version conflicts whose intent still holds against what was just pulled go again, rebased.
        for _ in 0..<3 {
            guard try rebase(&report) > 0 else { break }
            try await push(&report, held: heldIds)
            try await pull(&report)
        }
        try await refreshQuota()
        try journal.setSetting("lastSync", Timestamp.now.rfc3339)
        report.cursor = try journal.cursor()
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    // MARK: - Push

    func push(_ report: inout SyncReport, held: Set<UUID>) async throws(ClientError) {
        // Events that are not applied: their stream's later events and their dependents are held back.
        var unapplied: [UUID: UUID] = [:]  // id -> root cause
        var unappliedStreams: [String: UUID] = [:]
        /// An event that did not apply: what names it as cause, and its stream's later events, wait.
        func holdBack(_ event: PendingEvent) {
            unapplied[event.eventId] = event.eventId
            if unappliedStreams[event.stream] == nil { unappliedStreams[event.stream] = event.eventId }
        }
        for event in try journal.recorded([.conflict, .rejected, .held]) { holdBack(event) }
        let total = (try journal.counts())[.pending] ?? 0
        var done = 0
        var after: Int64 = 0
        while true {
            let batch = try journal.recorded([.pending], after: after, limit: batchSize)
            guard let last = batch.last else { break }
            after = last.sequence
            var sending: [PendingEvent] = []
            var changes: [(UUID, PendingEvent.State, PendingEvent.Outcome?, position: Int64?)] = []
            for event in batch {
                let cause = event.causationId.flatMap { unapplied[$0] } ?? unappliedStreams[event.stream]
                if let cause {
                    let outcome = PendingEvent.Outcome(.blocked(by: cause))
                    changes.append((event.eventId, .blocked, outcome, position: nil))
                    unapplied[event.eventId] = cause
                    report.blocked += 1
                } else {
                    sending.append(event)
                }
            }
            if !sending.isEmpty {
                let request = PushRequest(deviceId: profile.deviceId, items: sending.map(\.pushItem))
                let response = try await api.push(request)
                guard response.results.count == sending.count else {
                    throw ClientError(
                        .server, "the server answered \(response.results.count) results for \(sending.count) items")
                }
                report.head = max(report.head, response.head)
                for (event, result) in zip(sending, response.results) {
                    report.pushed += 1
                    switch result.status {
                    case .accepted(let position, _), .duplicate(let position, _):
                        if case .duplicate = result.status { report.duplicates += 1 } else { report.accepted += 1 }
                        if held.contains(event.eventId) { report.released += 1 }
                        changes.append((event.eventId, .sent, nil, position: position))
                    case .conflict(let conflict)
                    where conflict.code == "quota-exhausted" && held.contains(event.eventId):
                        changes.append((event.eventId, .held, PendingEvent.Outcome(result.status), position: nil))
                        holdBack(event)
                    default:
                        let outcome = PendingEvent.Outcome(result.status)
                        switch result.status {
                        case .rejected: report.rejected += 1
                        case .blocked: report.blocked += 1
                        default: report.conflicts += 1
                        }
                        changes.append((event.eventId, outcome?.state ?? .conflict, outcome, position: nil))
                        holdBack(event)
                    }
                }
            }
            try journal.update(changes)
            done += batch.count
            progress?("push", done, total)
        }
    }

    // MARK: - Pull

    /// Pulls pages after the cursor and stores each in order. The next page is always being fetched
    /// while one is stored. A ministry or auditor token sees the whole log, whose positions are dense:
    /// the page after `after + pageSize` can be asked for before the page before it arrives, so
    /// ``pagesAhead`` pages are in flight. A page is stored only when it starts at or before the
    /// cursor (pages may overlap, never leave a gap): should one start past it, the pages fetched
    /// ahead are dropped and the pull goes on from the cursor, one page at a time.
    func pull(_ report: inout SyncReport) async throws(ClientError) {
        var cursor = try journal.cursor()
        var ahead = profile.role == .region ? 1 : max(1, pagesAhead)
        var inFlight: [(after: Int64, task: Task<Result<EventPage, ClientError>, Never>)] = []
        func request(after: Int64) {
            inFlight.append(
                (
                    after,
                    Task { [api, pageSize] in
                        do throws(ClientError) {
                            return .success(try await api.pull(after: after, limit: pageSize))
                        } catch { return .failure(error) }
                    }
                ))
        }
        defer { for fetch in inFlight { fetch.task.cancel() } }
        request(after: cursor)
        while !inFlight.isEmpty {
            let fetch = inFlight.removeFirst()
            let page = try await fetch.task.value.get()
            if fetch.after > cursor {
                for dropped in inFlight { dropped.task.cancel() }
                inFlight.removeAll()
                ahead = 1
                request(after: cursor)
                continue
            }
            // Keep the next pages coming while this one is stored.
            let more = !page.events.isEmpty && page.next < page.head
            if more {
                if inFlight.isEmpty { request(after: page.next) }
                while inFlight.count < ahead, let last = inFlight.last {
                    request(after: last.after + Int64(pageSize))
                }
            }
            try journal.storePulled(page)
            report.pulled += page.events.count
            report.head = page.head
            cursor = max(cursor, page.next)
            progress?("pull", Int(cursor + 1), Int(page.head + 1))
            if !more { break }
        }
    }

    // MARK: - Rebase

    /// Version conflicts that the pulled state now accepts at the stream's current version go back to
    /// pending with that expectation; the others stay for the clerk. Returns how many were rebased.
    func rebase(_ report: inout SyncReport) throws(ClientError) -> Int {
        let conflicts = try journal.recorded([.conflict]).filter { $0.outcome?.code == "version" }
        guard !conflicts.isEmpty else { return 0 }
        var view = try LocalView(journal: journal, principal: profile.principal, deviceId: profile.deviceId)
        var rebased = 0
        for event in conflicts {
            let current = view.version(of: event.stream)
            guard current >= 0 else { continue }
            var candidate = event
            candidate.expectedVersion = .exact(current)
            guard view.check([candidate]).first?.isApplied == true else { continue }
            try journal.rewrite(candidate)
            try journal.note(
                event.eventId, action: "rebase",
                detail: "expected \(event.expectedVersion), rebased onto version \(current)")
            report.rebased.append((event.eventId, event.stream, event.expectedVersion, current))
            report.conflicts = max(0, report.conflicts - 1)
            rebased += 1
        }
        return rebased
    }

    // MARK: - Quota pictures

    /// The server's quota picture of each year and line the journal knows, kept for offline `quota show`.
    func refreshQuota() async throws(ClientError) {
        for (year, line) in try journal.quotaStreams() {
            let body = try await api.quota(year: year, line: line)
            try journal.cacheQuota(
                year: year, line: line, position: body["position"]?.intValue ?? -1, body: CanonicalJSON.encode(body))
        }
    }
}
