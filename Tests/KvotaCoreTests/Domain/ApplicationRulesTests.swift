import KvotaCore
import Testing

private typealias F = DomainFixtures

@Suite("Application rules: vacancy first, lifecycle, cat1 seats")
struct ApplicationRulesTests {
    // MARK: Vacancy before filing

    @Test("the vacancy must be posted before the filing day (the Almaty day of occurredAt)")
    func vacancyBeforeFiling() throws {
        var world = QuotaWorld()
        // Filed at 00:30 on 1 Dec in Almaty (19:30 UTC on 30 Nov): a vacancy of 30 Nov precedes it.
        try world.accept(
            F.file(F.id(1), postedOn: "2025-11-30"),
            F.asRegion(at: "2025-11-30T19:30:00Z", occurredAt: "2025-11-30T19:30:00Z"))
        // Filed at 23:30 on 30 Nov in Almaty: the same vacancy was posted that day, not before.
        expectRejection(
            world.submit(try F.file(F.id(2), postedOn: "2025-11-30"), F.asRegion(at: "2025-11-30T18:30:00Z")),
            "invalid-field", field: "data.vacancyPostedOn")
        expectRejection(
            world.submit(try F.file(F.id(3), postedOn: "2025-12-05"), F.asRegion()), "invalid-field",
            field: "data.vacancyPostedOn")
        #expect(world.state.applications[F.id(2)] == nil)
        #expect(world.state.applications[F.id(1)]?.status == .filed)
    }

    @Test("the filing day is the writer's day (occurredAt), not the server's: an offline filing syncs later")
    func filingDayIsOccurredAt() throws {
        var world = QuotaWorld()
        // Written offline on 20 Nov, synced on 1 Dec: a vacancy posted on 25 Nov came after the filing.
        expectRejection(
            world.submit(
                try F.file(F.id(1), postedOn: "2025-11-25"), F.asRegion(at: F.now, occurredAt: "2025-11-20T05:00:00Z")),
            "invalid-field", field: "data.vacancyPostedOn")
        try world.accept(
            F.file(F.id(1), postedOn: "2025-11-19"), F.asRegion(at: F.now, occurredAt: "2025-11-20T05:00:00Z"))
    }

    // MARK: Lifecycle

    @Test("filed → approved → withdrawn")
    func approveThenWithdraw() throws {
        var world = QuotaWorld()
        try world.accept(F.file(F.id(1)), F.asRegion())
        #expect(world.state.applications[F.id(1)]?.status == .filed)
        #expect(world.state.applications[F.id(1)]?.issued == 0)
        try world.accept(F.approveApplication(F.id(1)), F.asRegion())
        #expect(world.state.applications[F.id(1)]?.status == .approved)
        try world.accept(F.withdrawApplication(F.id(1)), F.asRegion())
        #expect(world.state.applications[F.id(1)]?.status == .withdrawn)
    }

    @Test("a filed application may be withdrawn or rejected")
    func closeFromFiled() throws {
        var world = QuotaWorld()
        try world.accept(F.file(F.id(1)), F.asRegion())
        try world.accept(F.file(F.id(2)), F.asRegion())
        try world.accept(F.withdrawApplication(F.id(1)), F.asRegion())
        try world.accept(F.rejectApplication(F.id(2)), F.asRegion())
        #expect(world.state.applications[F.id(1)]?.status == .withdrawn)
        #expect(world.state.applications[F.id(2)]?.status == .rejected)
    }

    @Test("rejection only from filed; approve only from filed; withdraw only from filed or approved")
    func lifecycleRefusals() throws {
        var world = QuotaWorld()
        try world.accept(F.file(F.id(1)), F.asRegion())
        try world.accept(F.approveApplication(F.id(1)), F.asRegion())
        expectConflict(
            world.submit(try F.approveApplication(F.id(1)), F.asRegion()), "invalid-state", ["state": "approved"])
        expectConflict(
            world.submit(try F.rejectApplication(F.id(1)), F.asRegion()), "invalid-state", ["state": "approved"])

        try world.accept(F.file(F.id(2)), F.asRegion())
        try world.accept(F.rejectApplication(F.id(2)), F.asRegion())
        expectConflict(
            world.submit(try F.approveApplication(F.id(2)), F.asRegion()), "invalid-state", ["state": "rejected"])
        expectConflict(
            world.submit(try F.rejectApplication(F.id(2)), F.asRegion()), "invalid-state", ["state": "rejected"])
        expectConflict(
            world.submit(try F.withdrawApplication(F.id(2)), F.asRegion()), "invalid-state", ["state": "rejected"])

        try world.accept(F.withdrawApplication(F.id(1)), F.asRegion())
        expectConflict(
            world.submit(try F.withdrawApplication(F.id(1)), F.asRegion()), "invalid-state", ["state": "withdrawn"])
        expectConflict(
            world.submit(try F.approveApplication(F.id(1)), F.asRegion()), "invalid-state", ["state": "withdrawn"])

        for event in [
            try F.approveApplication(F.id(9)), try F.rejectApplication(F.id(9)), try F.withdrawApplication(F.id(9)),
        ] {
            expectConflict(world.submit(event, F.asRegion()), "invalid-state", ["state": "unknown"])
        }
    }

    @Test("an application id is filed once")
    func fileOnce() throws {
        var world = QuotaWorld()
        try world.accept(F.file(F.id(1)), F.asRegion())
        expectConflict(world.submit(try F.file(F.id(1), workers: 2), F.asRegion()), "invalid-state", ["state": "filed"])
        #expect(world.state.applications[F.id(1)]?.workers == 3)
    }

    @Test("approval reserves no units: an application may be approved beyond the allocation")
    func approvalReservesNothing() throws {
        var world = try F.world(ceiling: 10, allocations: [.almaty: 2])
        try world.approvedApplication(F.id(1), workers: 50)
        #expect(world.book.used(.almaty) == 0)
        #expect(world.book.available(.almaty) == 2)
    }

    @Test("another region's office cannot decide on an application")
    func otherRegionDecides() throws {
        var world = QuotaWorld()
        try world.accept(F.file(F.id(1)), F.asRegion(.almaty))
        for event in [
            try F.approveApplication(F.id(1)), try F.rejectApplication(F.id(1)), try F.withdrawApplication(F.id(1)),
        ] {
            expectRejection(world.submit(event, F.asRegion(.astana)), "forbidden")
            expectRejection(world.submit(event, F.asMinistry()), "forbidden")
        }
        #expect(world.state.applications[F.id(1)]?.status == .filed)
    }

    // MARK: cat1 seats

    @Test("cat1: a second open application for the first head of the same employer is seat-applied, whatever the title")
    func firstHeadSeatApplied() throws {
        var world = QuotaWorld()
        try world.accept(
            F.file(F.id(1), category: .cat1, workers: 1, cat1Role: .firstHead, title: "General Director"), F.asRegion())
        expectConflict(
            world.submit(
                try F.file(F.id(2), category: .cat1, workers: 1, cat1Role: .firstHead, title: "General Director"),
                F.asRegion()),
            "invalid-state", ["state": "seat-applied", "application": .string(F.id(1).lowercased)])
        expectConflict(
            world.submit(
                try F.file(F.id(3), category: .cat1, workers: 1, cat1Role: .firstHead, title: "Chairman"), F.asRegion()),
            "invalid-state", ["state": "seat-applied"])
        // The seat is per employer: another employer's first head is a different seat.
        try world.accept(
            F.file(F.id(4), bin: F.binB, category: .cat1, workers: 1, cat1Role: .firstHead, title: "General Director"),
            F.asRegion())
        // A deputy is a different seat from the first head.
        try world.accept(
            F.file(F.id(5), category: .cat1, workers: 1, cat1Role: .deputy, title: "General Director"), F.asRegion())
    }

    @Test("cat1: deputy seats are per position title")
    func deputySeatsPerTitle() throws {
        var world = QuotaWorld()
        try world.accept(
            F.file(F.id(1), category: .cat1, workers: 1, cat1Role: .deputy, title: "Deputy for Finance"), F.asRegion())
        try world.accept(
            F.file(F.id(2), category: .cat1, workers: 1, cat1Role: .deputy, title: "Deputy for Production"),
            F.asRegion())
        expectConflict(
            world.submit(
                try F.file(F.id(3), category: .cat1, workers: 1, cat1Role: .deputy, title: "Deputy for Finance"),
                F.asRegion()),
            "invalid-state", ["state": "seat-applied", "application": .string(F.id(1).lowercased)])
        try world.accept(
            F.file(F.id(4), bin: F.binB, category: .cat1, workers: 1, cat1Role: .deputy, title: "Deputy for Finance"),
            F.asRegion())
    }

    @Test("cat1: the seat is open again once its application is rejected or withdrawn")
    func seatReleasedOnClose() throws {
        var world = QuotaWorld()
        let seat = { (id: Int) throws -> DomainEvent in
            try F.file(F.id(id), category: .cat1, workers: 1, cat1Role: .firstHead, title: "CEO")
        }
        try world.accept(seat(1), F.asRegion())
        try world.accept(F.rejectApplication(F.id(1)), F.asRegion())
        try world.accept(seat(2), F.asRegion())
        try world.accept(F.approveApplication(F.id(2)), F.asRegion())
        expectConflict(world.submit(try seat(3), F.asRegion()), "invalid-state", ["state": "seat-applied"])
        try world.accept(F.withdrawApplication(F.id(2)), F.asRegion())
        try world.accept(seat(3), F.asRegion())
    }

    @Test("cat1: once a permit holds the seat, a new filing is seat-filled; after the permit ends it is free again")
    func seatFilledOnFiling() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10])
        try world.approvedApplication(F.id(1), category: .cat1, workers: 1, cat1Role: .firstHead, title: "CEO")
        try world.accept(
            F.issue(F.id(101), application: F.id(1), category: .cat1, cat1Role: .firstHead, title: "CEO"), F.asRegion())
        #expect(world.state.openCat1Applications.count == 0)
        expectConflict(
            world.submit(
                try F.file(F.id(2), category: .cat1, workers: 1, cat1Role: .firstHead, title: "CEO"), F.asRegion()),
            "invalid-state", ["state": "seat-filled", "permit": .string(F.id(101).lowercased)])
        try world.accept(F.revoke(F.id(101)), F.asRegion())
        try world.accept(F.file(F.id(2), category: .cat1, workers: 1, cat1Role: .firstHead, title: "CEO"), F.asRegion())
    }

    @Test("cat1 filings by different regions for the same employer share the seat (bars and seats are nationwide)")
    func seatIsNationwide() throws {
        var world = QuotaWorld()
        try world.accept(
            F.file(F.id(1), region: .almaty, category: .cat1, workers: 1, cat1Role: .firstHead, title: "CEO"),
            F.asRegion(.almaty))
        expectConflict(
            world.submit(
                try F.file(F.id(2), region: .astana, category: .cat1, workers: 1, cat1Role: .firstHead, title: "CEO"),
                F.asRegion(.astana)),
            "invalid-state", ["state": "seat-applied"])
    }
}
