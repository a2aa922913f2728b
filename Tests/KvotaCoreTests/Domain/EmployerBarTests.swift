import KvotaCore
import Testing

private typealias F = DomainFixtures

@Suite("Employer bars: judged on the server's Almaty day, from `from` up to `until`, unless lifted")
struct EmployerBarTests {
    /// A quota with units for Almaty, an approved application for employer A, and A barred 2025-09-15 to 2026-09-15.
    private func barredWorld() throws -> QuotaWorld {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10])
        try world.approvedApplication(F.id(1), workers: 3)
        try world.accept(
            F.bar(F.binA, from: "2025-09-15", until: "2026-09-15"), F.asMinistry(at: "2025-09-15T04:00:00Z"))
        return world
    }

    @Test("a barred employer gets no new application: employer-barred with until")
    func barBlocksFiling() throws {
        var world = try barredWorld()
        expectConflict(
            world.submit(try F.file(F.id(2)), F.asRegion()), "employer-barred", ["until": "2026-09-15"], exactly: true)
        #expect(world.state.applications[F.id(2)] == nil)
        // Another employer is not concerned.
        try world.accept(F.file(F.id(3), bin: F.binB), F.asRegion())
    }

    @Test("a barred employer gets no new permit, even on an application approved before the bar")
    func barBlocksPermit() throws {
        var world = try barredWorld()
        expectConflict(
            world.submit(try F.issue(F.id(101), application: F.id(1)), F.asRegion()), "employer-barred",
            ["until": "2026-09-15"],
            exactly: true)
        #expect(world.book.used(.almaty) == 0)
    }

    @Test("active permits stay when their employer is barred, and may still be extended and revoked")
    func activePermitsStay() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10])
        try world.approvedApplication(F.id(1), workers: 3)
        try world.accept(F.issue(F.id(101), application: F.id(1), worker: 1), F.asRegion(at: "2025-09-01T06:00:00Z"))
        try world.accept(F.issue(F.id(102), application: F.id(1), worker: 2), F.asRegion(at: "2025-09-01T06:00:00Z"))
        try world.accept(
            F.bar(F.binA, from: "2025-09-15", until: "2026-09-15"), F.asMinistry(at: "2025-09-15T04:00:00Z"))
        #expect(world.state.permits[F.id(101)]?.status == .active)
        #expect(world.book.used(.almaty) == 2)
        try world.accept(F.extend(F.id(101), to: "2026-08-31"), F.asRegion())
        try world.accept(F.revoke(F.id(102)), F.asRegion())
        #expect(world.book.used(.almaty) == 1)
    }

    @Test("the bar is judged on the server's day (recordedAt), not the writer's (occurredAt)")
    func judgedOnRecordedAt() throws {
        var world = try barredWorld()
        // Written offline before the bar, synced during it: barred.
        expectConflict(
            world.submit(
                try F.file(F.id(2), postedOn: "2025-09-01"),
                F.asRegion(at: "2025-12-01T06:00:00Z", occurredAt: "2025-09-10T06:00:00Z")),
            "employer-barred", ["until": "2026-09-15"])
        // Written during the bar, synced after it ended: allowed.
        try world.accept(
            F.file(F.id(2), postedOn: "2026-09-01"),
            F.asRegion(at: "2026-09-20T06:00:00Z", occurredAt: "2026-09-10T06:00:00Z"))
    }

    @Test("the bar ends at until: the Almaty day `until` is no longer barred, the day before is")
    func endsAtUntil() throws {
        var world = try barredWorld()
        // 23:59:59 on 14 Sep 2026 in Almaty.
        expectConflict(
            world.submit(try F.issue(F.id(101), application: F.id(1)), F.asRegion(at: "2026-09-14T18:59:59Z")),
            "employer-barred")
        // 00:00 on 15 Sep 2026 in Almaty.
        try world.accept(F.issue(F.id(101), application: F.id(1)), F.asRegion(at: "2026-09-14T19:00:00Z"))
    }

    @Test("the bar starts on from: the day before is not barred")
    func startsAtFrom() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10])
        try world.accept(F.bar(F.binA, from: "2025-12-10", until: "2026-12-10"), F.asMinistry())
        try world.accept(F.file(F.id(1)), F.asRegion(at: "2025-12-09T18:59:59Z"))
        expectConflict(
            world.submit(try F.file(F.id(2)), F.asRegion(at: "2025-12-09T19:00:00Z")), "employer-barred",
            ["until": "2026-12-10"])
    }

    @Test("a lifted bar no longer blocks; lifting twice, or lifting an employer never barred, is invalid-state")
    func lifted() throws {
        var world = try barredWorld()
        try world.accept(F.lift(F.binA), F.asMinistry())
        try world.accept(F.issue(F.id(101), application: F.id(1)), F.asRegion())
        try world.accept(F.file(F.id(2)), F.asRegion())
        expectConflict(world.submit(try F.lift(F.binA), F.asMinistry()), "invalid-state", ["state": "not-barred"])
        expectConflict(world.submit(try F.lift(F.binB), F.asMinistry()), "invalid-state", ["state": "not-barred"])
    }

    @Test("a bar that has ended cannot be lifted")
    func liftEnded() throws {
        var world = try barredWorld()
        expectConflict(
            world.submit(try F.lift(F.binA), F.asMinistry(at: "2026-09-15T06:00:00Z")), "invalid-state",
            ["state": "not-barred"])
        try world.accept(F.lift(F.binA), F.asMinistry(at: "2026-09-14T06:00:00Z"))
    }

    @Test("a new bar after a lift blocks again")
    func barAgain() throws {
        var world = try barredWorld()
        try world.accept(F.lift(F.binA), F.asMinistry())
        try world.accept(F.bar(F.binA, from: "2025-12-01", until: "2026-12-01"), F.asMinistry())
        expectConflict(world.submit(try F.file(F.id(2)), F.asRegion()), "employer-barred", ["until": "2026-12-01"])
    }

    /// The contract: a bar "ends at `until` or when lifted by the ministry". Recording a second bar is neither,
    /// yet `evolve` keeps one record per BIN, so a second bar replaces the first: one that starts later punches
    /// a hole in the active bar, one that ends sooner cuts it short.
    @Test("a second bar does not cut short or punch a hole in an active bar")
    func secondBarKeepsFirst() throws {
        // Barred 2025-09-15 to 2026-09-15; a further bar decided to run from 2026-10-01 to 2027-10-01.
        var later = try barredWorld()
        try later.accept(F.bar(F.binA, from: "2026-10-01", until: "2027-10-01"), F.asMinistry())
        expectConflict(later.submit(try F.file(F.id(2)), F.asRegion()), "employer-barred")
        expectConflict(later.submit(try F.issue(F.id(101), application: F.id(1)), F.asRegion()), "employer-barred")
        // Barred 2025-09-15 to 2026-09-15; a second, shorter bar from 2025-11-01 to 2026-02-01.
        var shorter = try barredWorld()
        try shorter.accept(F.bar(F.binA, from: "2025-11-01", until: "2026-02-01"), F.asMinistry())
        expectConflict(
            shorter.submit(try F.issue(F.id(101), application: F.id(1)), F.asRegion(at: "2026-03-01T06:00:00Z")),
            "employer-barred",
            ["until": "2026-09-15"])
    }

    @Test("a later bar that overlaps and runs longer extends the bar")
    func longerBarExtends() throws {
        var world = try barredWorld()
        try world.accept(F.bar(F.binA, from: "2025-12-01", until: "2026-12-01"), F.asMinistry())
        expectConflict(
            world.submit(try F.file(F.id(2)), F.asRegion(at: "2026-10-01T06:00:00Z")), "employer-barred",
            ["until": "2026-12-01"])
    }

    @Test("only the ministry bars and lifts")
    func roles() throws {
        var world = try barredWorld()
        expectRejection(
            world.submit(try F.bar(F.binB, from: "2025-12-01", until: "2026-12-01"), F.asRegion()), "forbidden")
        expectRejection(
            world.submit(try F.bar(F.binB, from: "2025-12-01", until: "2026-12-01"), F.asSystem()), "forbidden")
        expectRejection(world.submit(try F.lift(F.binA), F.asRegion()), "forbidden")
        #expect(world.state.bars[F.bin(F.binA)]?.allSatisfy { !$0.lifted } == true)
        #expect(world.state.bars[F.bin(F.binB)] == nil)
    }

    @Test("BarRecord.covers: from inclusive, until exclusive, nothing when lifted")
    func covers() throws {
        var world = try barredWorld()
        let record = try #require(world.state.bars[F.bin(F.binA)]?.first)
        #expect(!record.covers(F.date("2025-09-14")))
        #expect(record.covers(F.date("2025-09-15")))
        #expect(record.covers(F.date("2026-09-14")))
        #expect(!record.covers(F.date("2026-09-15")))
        try world.accept(F.lift(F.binA), F.asMinistry())
        #expect(world.state.bars[F.bin(F.binA)]?.first?.covers(F.date("2025-12-01")) == false)
    }
}
