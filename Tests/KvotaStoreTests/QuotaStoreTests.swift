import Foundation
import KvotaAudit
import KvotaCore
import KvotaServer
import Testing

@testable import KvotaStore

@Suite("Quota rules enforced in the append")
struct QuotaStoreTests {
    /// (region, allocated, in_use) rows of the inline projection.
    static func regionRows(_ store: EventStore) async throws -> [String: (Int64, Int64)] {
        try await store.pool.withConnection { connection in
            let rows = try connection.query("SELECT region, allocated, in_use FROM quota_regions WHERE year = 2025")
            var result: [String: (Int64, Int64)] = [:]
            for row in 0..<rows.rowCount { result[rows.string(row, 0)] = (rows.int64(row, 1), rows.int64(row, 2)) }
            return result
        }
    }

    @Test("a full lifecycle: ceiling, allocation, application, permits, revocation; projections follow")
    func lifecycle() async throws {
        let store = try await TestDatabase.store(rules: .quota)
        defer { store.shutdown() }
        let setup = try await store.append([QuotaFixture.ceiling(100), QuotaFixture.allocation("KZ-75", 2)])
        #expect(setup.allSatisfy { $0.isAccepted })
        let (application, filing) = QuotaFixture.approvedApplication()
        #expect(try await store.append(filing).allSatisfy { $0.isAccepted })

        let first = QuotaFixture.permit(application: application, worker: 1)
        let permits = [
            first, QuotaFixture.permit(application: application, worker: 2),
            QuotaFixture.permit(application: application, worker: 3),
        ]
        let statuses = try await store.append(permits)
        #expect(statuses[0].isAccepted && statuses[1].isAccepted)
        guard case .conflict(let conflict) = statuses[2] else {
            Issue.record("expected quota-exhausted, got \(statuses[2])")
            return
        }
        #expect(conflict.code == "quota-exhausted")
        #expect(conflict.current == ["region": "KZ-75", "allocated": 2, "inUse": 2, "shortfall": 1])
        #expect(try await Self.regionRows(store)["KZ-75"]! == (2, 2))

        // Revoking frees the unit; the held permit then goes through.
        #expect(try await store.append([QuotaFixture.revoke(first.stream)]).allSatisfy { $0.isAccepted })
        #expect(try await Self.regionRows(store)["KZ-75"]! == (2, 1))
        #expect(try await store.append([permits[2]]).allSatisfy { $0.isAccepted })
        #expect(try await Self.regionRows(store)["KZ-75"]! == (2, 2))

        // A bad field is rejected naming it; nothing of it is stored.
        var bad = QuotaFixture.permit(application: application, worker: 9)
        bad.data["workerRef"] = "AB12"
        let refused = try await store.append([bad])
        guard case .rejected(let rejection) = refused[0] else {
            Issue.record("expected a rejection, got \(refused[0])")
            return
        }
        #expect(rejection.code == "invalid-field" && rejection.field == "data.workerRef")
    }

    @Test("writers in two processes racing for the last units of a region never pass its allocation")
    func racingForLastUnits() async throws {
        let first = try await TestDatabase.store(rules: .quota)
        let second = try EventStore(configuration: first.configuration, logger: TestDatabase.logger)
        defer {
            first.shutdown()
            second.shutdown()
        }
        let allocation: Int64 = 25
        _ = try await first.append([QuotaFixture.ceiling(1000), QuotaFixture.allocation("KZ-75", allocation)])
        let (application, filing) = QuotaFixture.approvedApplication(workers: 1000)
        _ = try await first.append(filing)

        let attempts = 8 * 10
        let statuses = try await withThrowingTaskGroup(of: [AppendStatus].self) { group in
            for writer in 0..<8 {
                let store = writer % 2 == 0 ? first : second
                group.addTask {
                    var statuses: [AppendStatus] = []
                    for round in 0..<10 {
                        statuses += try await store.append([
                            QuotaFixture.permit(application: application, worker: writer * 100 + round)
                        ])
                    }
                    return statuses
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(statuses.count == attempts)
        #expect(statuses.filter { $0.isAccepted }.count == Int(allocation))
        #expect(statuses.filter { $0.conflictCode == "quota-exhausted" }.count == attempts - Int(allocation))
        #expect(try await Self.regionRows(first)["KZ-75"]! == (allocation, allocation))
        let issued = try await readAll(first, filter: EventFilter(type: "PermitIssued"))
        #expect(issued.count == Int(allocation))
    }

    @Test("the server records each expiry once, with its derived eventId, even when two servers sweep at once")
    func expirySweep() async throws {
        let first = try await TestDatabase.store(rules: .quota)
        let second = try EventStore(configuration: first.configuration, logger: TestDatabase.logger)
        defer {
            first.shutdown()
            second.shutdown()
        }
        let now = Timestamp(microsecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1_000_000))
        let today = CalendarDate(almatyDayOf: now)
        _ = try await first.append([QuotaFixture.ceiling(100), QuotaFixture.allocation("KZ-75", 10)])
        let (application, filing) = QuotaFixture.approvedApplication()
        _ = try await first.append(filing)
        let ended = QuotaFixture.permit(
            application: application, worker: 1, validFrom: today.adding(days: -60).description,
            validUntil: today.adding(days: -1).description)
        let running = QuotaFixture.permit(
            application: application, worker: 2, validFrom: today.adding(days: -60).description,
            validUntil: today.adding(days: 30).description)
        #expect(try await first.append([ended, running]).allSatisfy { $0.isAccepted })
        #expect(try await Self.regionRows(first)["KZ-75"]! == (10, 2))

        let sweeps = [first, second].map { ExpirySweep(store: $0, interval: .seconds(60), logger: TestDatabase.logger) }
        async let a = sweeps[0].sweep(now: now)
        async let b = sweeps[1].sweep(now: now)
        #expect(try await a + b == 1)
        #expect(try await sweeps[1].sweep(now: now) == 0)

        let expiries = try await readAll(first, filter: EventFilter(type: "PermitExpired"))
        #expect(expiries.count == 1)
        #expect(expiries.first?.event.stream == ended.stream)
        #expect(expiries.first?.event.eventId == DerivedEventID.once(stream: ended.stream, type: "PermitExpired"))
        #expect(expiries.first?.event.meta.role == "system" && expiries.first?.event.meta.actor == "kvotad")
        #expect(try await Self.regionRows(first)["KZ-75"]! == (10, 1))
    }

    @Test("across two processes: one worker gets one permit, and a bar recorded by one binds the other at once")
    func rulesAcrossProcesses() async throws {
        let first = try await TestDatabase.store(rules: .quota)
        let second = try EventStore(configuration: first.configuration, logger: TestDatabase.logger)
        defer {
            first.shutdown()
            second.shutdown()
        }
        _ = try await first.append([QuotaFixture.ceiling(100), QuotaFixture.allocation("KZ-75", 50)])
        let (application, filing) = QuotaFixture.approvedApplication(workers: 50)
        _ = try await first.append(filing)
        // The second store has folded nothing yet: it must catch up under the lock before deciding.
        let statuses = try await withThrowingTaskGroup(of: AppendStatus.self) { group in
            for store in [first, second, first, second] {
                group.addTask { try await store.append([QuotaFixture.permit(application: application, worker: 7)])[0] }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.filter { $0.isAccepted }.count == 1)
        #expect(statuses.filter { $0.conflictCode == "duplicate-worker" }.count == 3)

        let bar = ProposedEvent(
            stream: "employer-\(QuotaFixture.bin(1))", type: "EmployerBarred",
            data: ["from": "2020-01-01", "until": "2099-01-01", "reason": "violation found by inspection"],
            meta: QuotaFixture.meta(ministry: true))
        #expect(try await first.append([bar]).allSatisfy { $0.isAccepted })
        let afterBar = try await second.append([QuotaFixture.permit(application: application, worker: 8)])
        guard case .conflict(let conflict) = afterBar[0] else {
            Issue.record("expected employer-barred, got \(afterBar[0])")
            return
        }
        #expect(conflict.code == "employer-barred" && conflict.current == ["until": "2099-01-01"])
    }

    @Test(
        "a new process folds a log of several pages into its rules' state at start, once, and decides against all of it"
    )
    func prepareRules() async throws {
        let first = try await TestDatabase.store(rules: .quota)
        let second = try EventStore(configuration: first.configuration, logger: TestDatabase.logger)
        defer {
            first.shutdown()
            second.shutdown()
        }
        _ = try await first.append([QuotaFixture.ceiling(20_000), QuotaFixture.allocation("KZ-75", 11_000)])
        // 11 applications of 1,000 workers and a permit for each worker: over 11,000 events, more
        // than one page of the catch-up's reads (10,000), each page parsed across cores.
        for employer in 0..<11 {
            let (application, filing) = QuotaFixture.approvedApplication(employer: employer, workers: 1_000)
            let permits = (0..<1_000).map {
                QuotaFixture.permit(application: application, employer: employer, worker: employer * 1_000 + $0)
            }
            let statuses = try await first.append(filing + permits)
            #expect(statuses.allSatisfy { $0.isAccepted }, "employer \(employer)")
        }
        let head = try await first.headPosition()
        #expect(head == 2 + 11 * 1_002 - 1)

        // Two preparations and the expiry sweep's catch-up at once: one of the three reads the whole
        // log, the others wait for it and find nothing left; the sweep sees the whole log, not a part.
        async let one = second.prepareRules()
        async let two = second.prepareRules()
        async let candidates = second.expiryCandidates(on: CalendarDate("2026-06-01")!)
        let folded = try await [one, two]
        #expect(folded.sorted() == [0, head + 1] || folded == [0, 0], "one call folds the whole log: \(folded)")
        #expect(try await candidates.count == 11_000, "every permit's last day is 2026-05-31")
        try await second.checkReady()
        #expect(try await second.prepareRules() == 0, "nothing more to fold")

        // A third process is not ready from the moment its preparation starts until it ends.
        let third = try EventStore(configuration: first.configuration, logger: TestDatabase.logger)
        defer { third.shutdown() }
        let preparation = third.startPreparingRules()
        do {
            try await third.checkReady()
            Issue.record("ready while folding the log")
        } catch let error as StoreError {
            #expect(error.code == .starting)
        }
        #expect(try await preparation.value == head + 1)
        try await third.checkReady()

        // The second process's rules know every permit the first wrote (the appends would catch up
        // by themselves too: this checks what the fold built, over both pages).
        let (spare, filing) = QuotaFixture.approvedApplication(employer: 20, workers: 2)
        #expect(try await second.append(filing).allSatisfy { $0.isAccepted })
        let statuses = try await second.append([QuotaFixture.permit(application: spare, employer: 20, worker: 5_123)])
        #expect(statuses[0].conflictCode == "duplicate-worker")
        let exhausted = try await second.append([QuotaFixture.permit(application: spare, employer: 20, worker: 99_999)])
        #expect(exhausted[0].conflictCode == "quota-exhausted")
    }
}
