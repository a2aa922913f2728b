import KvotaCore
import Testing

private typealias F = DomainFixtures

@Suite("Quota rules: ceilings, allocations, reallocations")
struct QuotaRulesTests {
    // MARK: Ceiling and allocations

    @Test("the 2025 ceiling history: 14,800, raised to 16,500 and 19,400, cut to 16,700")
    func ceilingHistory() throws {
        var world = QuotaWorld()
        for units: Int64 in [14_800, 16_500, 19_400, 16_700] {
            try world.accept(F.ceiling(units), F.asMinistry())
            #expect(world.book.ceilingUnits == units)
        }
        #expect(world.book.ceiling?.basis == "ministerial order")
    }

    @Test("a ceiling keeps its stated basis as given; units are never recomputed from it")
    func ceilingBasis() throws {
        var world = QuotaWorld()
        world.accept(
            try F.event(
                F.quotaStream, "CeilingSet",
                [
                    "units": 19_400, "percent": .double(0.25), "laborForce": 7_400_000,
                    "basis": "0.25% of the labour force",
                ]),
            F.asMinistry())
        let ceiling = try #require(world.book.ceiling)
        #expect(ceiling.units == 19_400 && ceiling.percent == 0.25 && ceiling.laborForce == 7_400_000)
        #expect(ceiling.basis == "0.25% of the labour force")
        #expect(QuotaBook(json: world.book.json) == world.book)
    }

    @Test("allocations may sum up to the ceiling exactly; one more unit is ceiling-exceeded with exact figures")
    func allocationsUpToCeiling() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 60, .astana: 40])
        #expect(world.book.allocated == 100)
        expectConflict(
            world.submit(try F.allocation(.shymkent, 1), F.asMinistry()), "ceiling-exceeded",
            ["ceiling": 100, "allocated": 101, "shortfall": 1], exactly: true)
        #expect(world.book.allocation(.shymkent) == 0)
        #expect(world.book.allocated == 100)
    }

    @Test("setting an allocation replaces the region's previous one (it does not add to it)")
    func allocationReplaces() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 60, .astana: 40])
        expectConflict(
            world.submit(try F.allocation(.almaty, 70), F.asMinistry()), "ceiling-exceeded",
            ["ceiling": 100, "allocated": 110, "shortfall": 10], exactly: true)
        try world.accept(F.allocation(.almaty, 30), F.asMinistry())
        #expect(world.book.allocations == [.almaty: 30, .astana: 40])
        try world.accept(F.allocation(.shymkent, 30), F.asMinistry())
        #expect(world.book.allocated == 100)
        try world.accept(F.allocation(.shymkent, 0), F.asMinistry())
        #expect(world.book.allocated == 70)
    }

    @Test("with no ceiling set, any allocation above zero exceeds it")
    func noCeiling() throws {
        var world = QuotaWorld()
        expectConflict(
            world.submit(try F.allocation(.almaty, 1), F.asMinistry()), "ceiling-exceeded",
            ["ceiling": 0, "allocated": 1, "shortfall": 1], exactly: true)
        try world.accept(F.allocation(.almaty, 0), F.asMinistry())
    }

    @Test("each year and line has its own ceiling")
    func booksAreSeparate() throws {
        var world = QuotaWorld()
        let household = QuotaKey(year: 2025, line: .householdImmigrant)
        let next = QuotaKey(year: 2026, line: .foreignLabour)
        try world.accept(F.ceiling(237_800, key: household), F.asMinistry())
        try world.accept(F.allocation(.almaty, 50_000, key: household), F.asMinistry())
        expectConflict(world.submit(try F.allocation(.almaty, 1), F.asMinistry()), "ceiling-exceeded", ["ceiling": 0])
        try world.accept(F.ceiling(19_400), F.asMinistry())
        expectConflict(
            world.submit(try F.allocation(.almaty, 1, key: next), F.asMinistry()), "ceiling-exceeded", ["ceiling": 0])
        #expect(world.state.book(household).allocated == 50_000)
        #expect(world.book.allocated == 0)
    }

    @Test("a ceiling cannot go below what is allocated; the rejection gives the shortfall; equal is fine")
    func ceilingBelowAllocated() throws {
        var world = try F.world(ceiling: 19_400, allocations: [.almaty: 10_000, .astana: 8_000])
        expectConflict(
            world.submit(try F.ceiling(16_700), F.asMinistry()), "ceiling-exceeded",
            ["ceiling": 16_700, "allocated": 18_000, "shortfall": 1_300], exactly: true)
        #expect(world.book.ceilingUnits == 19_400)
        try world.accept(F.ceiling(18_000), F.asMinistry())
        #expect(world.book.ceilingUnits == 18_000)
    }

    @Test("an allocation cannot go below the region's units in use: quota-exhausted with the shortfall")
    func allocationBelowInUse() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 5])
        try world.approvedApplication(F.id(1), workers: 3)
        for n in 1...3 { try world.accept(F.issue(F.id(100 + n), application: F.id(1), worker: n), F.asRegion()) }
        #expect(world.book.used(.almaty) == 3)
        expectConflict(
            world.submit(try F.allocation(.almaty, 1), F.asMinistry()), "quota-exhausted",
            ["region": "KZ-75", "allocated": 1, "inUse": 3, "shortfall": 2], exactly: true)
        expectConflict(world.submit(try F.allocation(.almaty, 0), F.asMinistry()), "quota-exhausted", ["shortfall": 3])
        try world.accept(F.allocation(.almaty, 3), F.asMinistry())
        #expect(world.book.allocation(.almaty) == 3)
        #expect(world.book.available(.almaty) == 0)
    }

    @Test("a permit that would pass the allocation is quota-exhausted, naming the region and its figures")
    func permitPastAllocation() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 2, .astana: 50])
        try world.approvedApplication(F.id(1), workers: 5)
        try world.accept(F.issue(F.id(101), application: F.id(1), worker: 1), F.asRegion())
        try world.accept(F.issue(F.id(102), application: F.id(1), worker: 2), F.asRegion())
        expectConflict(
            world.submit(try F.issue(F.id(103), application: F.id(1), worker: 3), F.asRegion()), "quota-exhausted",
            ["region": "KZ-75", "allocated": 2, "inUse": 2, "shortfall": 1], exactly: true)
        #expect(world.book.used(.almaty) == 2)
        #expect(world.state.permits[F.id(103)] == nil)
    }

    @Test("a region with no allocation cannot issue at all")
    func noAllocation() throws {
        var world = try F.world(ceiling: 100, allocations: [.astana: 50])
        try world.approvedApplication(F.id(1))
        expectConflict(
            world.submit(try F.issue(F.id(101), application: F.id(1)), F.asRegion()), "quota-exhausted",
            ["region": "KZ-75", "allocated": 0, "inUse": 0, "shortfall": 1], exactly: true)
    }

    @Test("the ministry's cut: lowering the ceiling first fails; allocations first, then the ceiling, succeeds")
    func ministryCut() throws {
        var world = try F.world(ceiling: 19_400, allocations: [.almaty: 10_000, .astana: 9_400])
        try world.approvedApplication(F.id(1), workers: 2)
        try world.accept(F.issue(F.id(101), application: F.id(1), worker: 1), F.asRegion())
        expectConflict(
            world.submit(try F.ceiling(16_700), F.asMinistry()), "ceiling-exceeded",
            ["ceiling": 16_700, "allocated": 19_400, "shortfall": 2_700], exactly: true)
        // The batch: lowered allocations, then the ceiling.
        try world.accept(F.allocation(.almaty, 8_000), F.asMinistry())
        try world.accept(F.allocation(.astana, 8_700), F.asMinistry())
        try world.accept(F.ceiling(16_700), F.asMinistry())
        #expect(world.book.ceilingUnits == 16_700)
        #expect(world.book.allocated == 16_700)
        #expect(world.book.allocations == [.almaty: 8_000, .astana: 8_700])
        #expect(world.book.used(.almaty) == 1)
    }

    @Test("a cut that would take an allocation below its units in use stops at that allocation")
    func cutStopsAtInUse() throws {
        var world = try F.world(ceiling: 10, allocations: [.almaty: 6, .astana: 4])
        try world.approvedApplication(F.id(1), workers: 5)
        for n in 1...5 { try world.accept(F.issue(F.id(100 + n), application: F.id(1), worker: n), F.asRegion()) }
        expectConflict(
            world.submit(try F.allocation(.almaty, 4), F.asMinistry()), "quota-exhausted",
            ["region": "KZ-75", "allocated": 4, "inUse": 5, "shortfall": 1], exactly: true)
        try world.accept(F.allocation(.almaty, 5), F.asMinistry())
        expectConflict(
            world.submit(try F.ceiling(8), F.asMinistry()), "ceiling-exceeded",
            ["ceiling": 8, "allocated": 9, "shortfall": 1],
            exactly: true)
        try world.accept(F.allocation(.astana, 3), F.asMinistry())
        try world.accept(F.ceiling(8), F.asMinistry())
    }

    // MARK: Reallocation

    @Test("a region requests units for its own region; for another region, or by the ministry, it is forbidden")
    func requestRoles() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10, .astana: 10])
        try world.accept(F.request("r1", .almaty, 5, from: .astana), F.asRegion(.almaty))
        #expect(world.book.requests["r1"]?.status == .pending)
        #expect(world.book.requests["r1"]?.request.fromRegion == .astana)
        expectRejection(world.submit(try F.request("r2", .astana, 5), F.asRegion(.almaty)), "forbidden")
        expectRejection(world.submit(try F.request("r3", .almaty, 5), F.asMinistry()), "forbidden")
        expectRejection(world.submit(try F.request("r4", .almaty, 5), F.asSystem()), "forbidden")
        #expect(world.book.requests.count == 1)
    }

    @Test("a request id is used once per year and line")
    func duplicateRequest() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10])
        try world.accept(F.request("r1", .almaty, 5), F.asRegion())
        expectConflict(
            world.submit(try F.request("r1", .almaty, 3), F.asRegion()), "invalid-state", ["state": "pending"])
        let household = QuotaKey(year: 2025, line: .householdImmigrant)
        try world.accept(F.request("r1", .almaty, 3, key: household), F.asRegion())
    }

    @Test("approving from a donor moves the units: requester up, donor down, ceiling and total unchanged")
    func approveFromDonor() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10, .astana: 30])
        try world.accept(F.request("r1", .almaty, 8, from: .astana), F.asRegion())
        try world.accept(F.approveRequest("r1"), F.asMinistry())
        #expect(world.book.allocations == [.almaty: 18, .astana: 22])
        #expect(world.book.allocated == 40)
        #expect(world.book.ceilingUnits == 100)
        #expect(world.book.requests["r1"]?.status == .approved)
        #expect(world.book.requests["r1"]?.approvedUnits == 8)
    }

    @Test("a donor short of spare units (allocation minus in use) is quota-exhausted naming the donor")
    func donorShort() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10, .astana: 10])
        try world.approvedApplication(F.id(1), region: .astana, workers: 4)
        for n in 1...4 {
            try world.accept(
                F.issue(F.id(100 + n), application: F.id(1), region: .astana, worker: n), F.asRegion(.astana))
        }
        try world.accept(F.request("r1", .almaty, 8, from: .astana), F.asRegion())
        expectConflict(
            world.submit(try F.approveRequest("r1"), F.asMinistry()), "quota-exhausted",
            ["region": "KZ-71", "allocated": 10, "inUse": 4, "shortfall": 2], exactly: true)
        #expect(world.book.requests["r1"]?.status == .pending)
        // The ministry may approve fewer units than asked: the donor's six spare units.
        try world.accept(F.approveRequest("r1", units: 6), F.asMinistry())
        #expect(world.book.allocations == [.almaty: 16, .astana: 4])
        #expect(world.book.available(.astana) == 0)
        #expect(world.book.requests["r1"]?.approvedUnits == 6)
    }

    @Test("a donor with no allocation at all is short by the whole request")
    func donorWithoutAllocation() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10])
        try world.accept(F.request("r1", .almaty, 5, from: .shymkent), F.asRegion())
        expectConflict(
            world.submit(try F.approveRequest("r1"), F.asMinistry()), "quota-exhausted",
            ["region": "KZ-79", "allocated": 0, "inUse": 0, "shortfall": 5], exactly: true)
    }

    @Test("approving from the reserve: short reserve is ceiling-exceeded; a smaller approval moves what is there")
    func approveFromReserve() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 50, .astana: 40])
        try world.accept(F.request("r1", .almaty, 15), F.asRegion())
        expectConflict(
            world.submit(try F.approveRequest("r1"), F.asMinistry()), "ceiling-exceeded",
            ["ceiling": 100, "allocated": 90, "shortfall": 5], exactly: true)
        expectConflict(
            world.submit(try F.approveRequest("r1", units: 11), F.asMinistry()), "ceiling-exceeded", ["shortfall": 1])
        try world.accept(F.approveRequest("r1", units: 10), F.asMinistry())
        #expect(world.book.allocations == [.almaty: 60, .astana: 40])
        #expect(world.book.allocated == 100)
    }

    @Test("approving more units than requested is invalid-field data.units")
    func approveMoreThanAsked() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10])
        try world.accept(F.request("r1", .almaty, 5), F.asRegion())
        expectRejection(
            world.submit(try F.approveRequest("r1", units: 6), F.asMinistry()), "invalid-field", field: "data.units")
        try world.accept(F.approveRequest("r1", units: 5), F.asMinistry())
        #expect(world.book.allocation(.almaty) == 15)
    }

    @Test("a request is decided once: approve or reject twice, or the other after one, is invalid-state")
    func decidedOnce() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10])
        try world.accept(F.request("r1", .almaty, 5), F.asRegion())
        try world.accept(F.request("r2", .almaty, 5), F.asRegion())
        try world.accept(F.approveRequest("r1"), F.asMinistry())
        try world.accept(F.rejectRequest("r2"), F.asMinistry())
        expectConflict(world.submit(try F.approveRequest("r1"), F.asMinistry()), "invalid-state", ["state": "approved"])
        expectConflict(world.submit(try F.rejectRequest("r1"), F.asMinistry()), "invalid-state", ["state": "approved"])
        expectConflict(world.submit(try F.rejectRequest("r2"), F.asMinistry()), "invalid-state", ["state": "rejected"])
        expectConflict(world.submit(try F.approveRequest("r2"), F.asMinistry()), "invalid-state", ["state": "rejected"])
        expectConflict(world.submit(try F.approveRequest("r9"), F.asMinistry()), "invalid-state", ["state": "unknown"])
        expectConflict(world.submit(try F.rejectRequest("r9"), F.asMinistry()), "invalid-state", ["state": "unknown"])
        #expect(world.book.allocation(.almaty) == 15)
        #expect(world.book.requests["r2"]?.status == .rejected)
    }

    @Test("a rejected request moves nothing")
    func rejectionMovesNothing() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10, .astana: 10])
        try world.accept(F.request("r1", .almaty, 5, from: .astana), F.asRegion())
        let before = world.book.allocations
        try world.accept(F.rejectRequest("r1"), F.asMinistry())
        #expect(world.book.allocations == before)
    }

    @Test("a request lives in its year and line: approving it in another book finds nothing")
    func requestInItsBook() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10])
        try world.accept(F.ceiling(100, key: QuotaKey(year: 2026, line: .foreignLabour)), F.asMinistry())
        try world.accept(F.request("r1", .almaty, 5), F.asRegion())
        expectConflict(
            world.submit(try F.approveRequest("r1", key: QuotaKey(year: 2026, line: .foreignLabour)), F.asMinistry()),
            "invalid-state", ["state": "unknown"])
    }

    @Test("only the ministry approves or rejects reallocations")
    func decisionRoles() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10])
        try world.accept(F.request("r1", .almaty, 5), F.asRegion())
        expectRejection(world.submit(try F.approveRequest("r1"), F.asRegion()), "forbidden")
        expectRejection(world.submit(try F.rejectRequest("r1"), F.asRegion()), "forbidden")
        expectRejection(world.submit(try F.approveRequest("r1"), F.asSystem()), "forbidden")
        #expect(world.book.requests["r1"]?.status == .pending)
    }
}
