import KvotaCore
import Testing

private typealias F = DomainFixtures

@Suite("Role rules: who may write what")
struct RoleRulesTests {
    /// Almaty and Astana hold units; Almaty has a filed application (1), an approved one (2), an active permit
    /// past its last day (101), a pending reallocation request; employer B is barred.
    private func world() throws -> QuotaWorld {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10, .astana: 10])
        try world.accept(F.file(F.id(1)), F.asRegion())
        try world.approvedApplication(F.id(2))
        try world.accept(
            F.issue(F.id(101), application: F.id(2), worker: 1, validFrom: "2025-06-01", validUntil: "2025-11-15"),
            F.asRegion())
        try world.accept(F.request("r1", .almaty, 5), F.asRegion())
        try world.accept(F.bar(F.binB, from: "2025-09-01", until: "2026-09-01"), F.asMinistry())
        return world
    }

    private static let almaty = F.asRegion(.almaty)
    private static let astana = F.asRegion(.astana)
    private static let ministry = F.asMinistry()
    private static let system = F.asSystem()
    private static let auditor = DecisionContext(
        role: "auditor", region: nil, recordedAt: F.time(F.now), occurredAt: F.time(F.now))
    private static let regionless = DecisionContext(
        role: "region", region: nil, recordedAt: F.time(F.now), occurredAt: F.time(F.now))

    /// Every event with the contexts that may write it; all others are forbidden.
    private func table() throws -> [(name: String, event: DomainEvent, allowed: [String])] {
        [
            ("CeilingSet", try F.ceiling(120), ["ministry"]),
            ("AllocationSet own region", try F.allocation(.almaty, 12), ["ministry"]),
            ("ReallocationRequested", try F.request("r2", .almaty, 3), ["almaty"]),
            ("ReallocationApproved", try F.approveRequest("r1"), ["ministry"]),
            ("ReallocationRejected", try F.rejectRequest("r1"), ["ministry"]),
            ("ApplicationFiled", try F.file(F.id(3)), ["almaty"]),
            ("ApplicationApproved", try F.approveApplication(F.id(1)), ["almaty"]),
            ("ApplicationRejected", try F.rejectApplication(F.id(1)), ["almaty"]),
            ("ApplicationWithdrawn", try F.withdrawApplication(F.id(1)), ["almaty"]),
            ("PermitIssued", try F.issue(F.id(102), application: F.id(2), worker: 2), ["almaty"]),
            ("PermitExtended", try F.extend(F.id(101), to: "2026-06-30"), ["almaty"]),
            ("PermitRevoked", try F.revoke(F.id(101)), ["almaty"]),
            ("PermitExpired", try F.expire(F.id(101)), ["system"]),
            ("EmployerBarred", try F.bar(F.binA, from: "2025-12-01", until: "2026-12-01"), ["ministry"]),
            ("EmployerBarLifted", try F.lift(F.binB), ["ministry"]),
        ]
    }

    @Test("each event type is written by its role only, and a region only inside its region")
    func roleTable() throws {
        let world = try world()
        let contexts: [(String, DecisionContext)] = [
            ("almaty", Self.almaty), ("astana", Self.astana), ("ministry", Self.ministry), ("system", Self.system),
            ("auditor", Self.auditor), ("regionless", Self.regionless),
        ]
        for (name, event, allowed) in try table() {
            for (who, context) in contexts {
                let status = world.decide(event, context)
                if allowed.contains(who) {
                    #expect(status == nil, "\(name) by \(who): \(String(describing: status))")
                } else {
                    #expect(
                        status?.asRejection?.code == "forbidden", "\(name) by \(who): \(String(describing: status))")
                }
            }
        }
    }

    @Test("a region cannot set its own allocation or ceiling, approve its own request, or bar an employer")
    func regionCannotDoMinistryWork() throws {
        var world = try world()
        for event in [
            try F.allocation(.almaty, 20), try F.ceiling(1_000), try F.approveRequest("r1"), try F.rejectRequest("r1"),
            try F.bar(F.binA, from: "2025-12-01", until: "2026-12-01"), try F.lift(F.binB),
        ] {
            expectRejection(world.submit(event, Self.almaty), "forbidden")
        }
        #expect(world.book.allocation(.almaty) == 10)
        #expect(world.book.ceilingUnits == 100)
    }

    @Test("the ministry cannot file applications, issue, extend or revoke permits, or ask for reallocations")
    func ministryCannotDoRegionWork() throws {
        var world = try world()
        for event in [
            try F.file(F.id(3)), try F.approveApplication(F.id(1)),
            try F.issue(F.id(102), application: F.id(2), worker: 2),
            try F.extend(F.id(101), to: "2026-06-30"), try F.revoke(F.id(101)), try F.request("r2", .almaty, 1),
            try F.expire(F.id(101)),
        ] {
            expectRejection(world.submit(event, Self.ministry), "forbidden")
        }
        #expect(world.book.used(.almaty) == 1)
    }

    @Test("a region token cannot write for another region: filing, issuing, requesting, changing its permits")
    func regionStaysHome() throws {
        var world = try world()
        for event in [
            try F.file(F.id(3), region: .astana),
            try F.issue(F.id(102), application: F.id(2), region: .astana, worker: 2),
            try F.request("r2", .astana, 1),
        ] {
            expectRejection(world.submit(event, Self.almaty), "forbidden")
        }
        for event in [
            try F.approveApplication(F.id(1)), try F.extend(F.id(101), to: "2026-06-30"), try F.revoke(F.id(101)),
        ] {
            expectRejection(world.submit(event, Self.astana), "forbidden")
        }
        #expect(world.state.permits[F.id(101)]?.status == .active)
    }

    @Test("forbidden comes before conflicts: another region issuing past an exhausted allocation is forbidden")
    func forbiddenFirst() throws {
        var world = try F.world(ceiling: 100, allocations: [.astana: 10])
        try world.approvedApplication(F.id(1), region: .almaty)
        expectRejection(world.submit(try F.issue(F.id(101), application: F.id(1)), Self.astana), "forbidden")
        expectConflict(world.submit(try F.issue(F.id(101), application: F.id(1)), Self.almaty), "quota-exhausted")
        expectRejection(world.submit(try F.approveApplication(F.id(1)), Self.astana), "forbidden")
    }
}
