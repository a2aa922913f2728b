import Foundation
import KvotaCore
import Testing

private typealias F = DomainFixtures

@Suite("Permit rules: applications, workers, cat1, extension, expiry, usage")
struct PermitRulesTests {
    /// A 2025 quota of 100 with 5 units for Almaty and 5 for Astana, and an approved Almaty cat3 application for 3 workers.
    private func world() throws -> QuotaWorld {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 5, .astana: 5])
        try world.approvedApplication(F.id(1), workers: 3)
        return world
    }

    // MARK: Issuing against an application

    @Test("issuing uses a unit of the region and counts the permit in the usage breakdown")
    func issueCounts() throws {
        var world = try world()
        try world.accept(F.issue(F.id(101), application: F.id(1), worker: 1, sector: "F", country: "CN"), F.asRegion())
        try world.accept(F.issue(F.id(102), application: F.id(1), worker: 2, sector: "F", country: "UZ"), F.asRegion())
        #expect(world.book.used(.almaty) == 2)
        #expect(world.book.available(.almaty) == 3)
        #expect(world.book.totalInUse == 2)
        let usage = world.book.usage.map {
            "\($0.key.region.rawValue) \($0.key.category) \($0.key.country) \($0.key.sector) \($0.value)"
        }
        #expect(usage.sorted() == ["KZ-75 cat3 CN F 1", "KZ-75 cat3 UZ F 1"])
        #expect(world.state.applications[F.id(1)]?.issued == 2)
        #expect(world.state.permits[F.id(101)]?.status == .active)
        #expect(world.state.permits[F.id(101)]?.validUntil == F.date("2026-05-31"))
        #expect(world.activePermit(ofWorker: 1, year: 2025) == F.id(101))
    }

    @Test("a permit must name a known application")
    func unknownApplication() throws {
        var world = try world()
        expectRejection(
            world.submit(try F.issue(F.id(101), application: F.id(99)), F.asRegion()), "invalid-field",
            field: "data.applicationId")
    }

    @Test(
        "the application must be of the same region, employer, category and year",
        arguments: ["region", "employer", "category", "year"])
    func applicationMustMatch(difference: String) throws {
        var world = try world()
        try world.accept(F.ceiling(100, key: QuotaKey(year: 2026, line: .foreignLabour)), F.asMinistry())
        try world.accept(F.allocation(.almaty, 5, key: QuotaKey(year: 2026, line: .foreignLabour)), F.asMinistry())
        try world.approvedApplication(F.id(2), region: .astana)
        let event: DomainEvent
        let context: DecisionContext
        switch difference {
        case "region":
            // An Astana permit naming the Almaty application.
            event = try F.issue(F.id(101), application: F.id(1), region: .astana)
            context = F.asRegion(.astana)
        case "employer":
            event = try F.issue(F.id(101), application: F.id(1), bin: F.binB)
            context = F.asRegion()
        case "category":
            event = try F.issue(F.id(101), application: F.id(1), category: .cat2)
            context = F.asRegion()
        default:
            event = try F.issue(F.id(101), application: F.id(1), year: 2026)
            context = F.asRegion()
        }
        expectRejection(world.submit(event, context), "invalid-field", field: "data.applicationId")
        #expect(world.state.permits[F.id(101)] == nil)
    }

    @Test(
        "an application that is not approved is application-exhausted, with workers and issued",
        arguments: ["filed", "rejected", "withdrawn"])
    func notApproved(state: String) throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 5])
        try world.accept(F.file(F.id(1), workers: 3), F.asRegion())
        if state == "rejected" { try world.accept(F.rejectApplication(F.id(1)), F.asRegion()) }
        if state == "withdrawn" { try world.accept(F.withdrawApplication(F.id(1)), F.asRegion()) }
        expectConflict(
            world.submit(try F.issue(F.id(101), application: F.id(1)), F.asRegion()), "application-exhausted",
            ["workers": 3, "issued": 0, "state": .string(state)])
    }

    @Test("an approved application caps its permits at workers; ended permits still count")
    func workersCap() throws {
        var world = try world()
        for n in 1...3 { try world.accept(F.issue(F.id(100 + n), application: F.id(1), worker: n), F.asRegion()) }
        expectConflict(
            world.submit(try F.issue(F.id(104), application: F.id(1), worker: 4), F.asRegion()),
            "application-exhausted",
            ["workers": 3, "issued": 3])
        try world.accept(F.revoke(F.id(101)), F.asRegion())
        expectConflict(
            world.submit(try F.issue(F.id(104), application: F.id(1), worker: 4), F.asRegion()),
            "application-exhausted",
            ["workers": 3, "issued": 3])
    }

    @Test("withdrawing an approved application stops further permits; those issued stay active")
    func withdrawAfterIssue() throws {
        var world = try world()
        try world.accept(F.issue(F.id(101), application: F.id(1), worker: 1), F.asRegion())
        try world.accept(F.withdrawApplication(F.id(1)), F.asRegion())
        expectConflict(
            world.submit(try F.issue(F.id(102), application: F.id(1), worker: 2), F.asRegion()),
            "application-exhausted",
            ["workers": 3, "issued": 1, "state": "withdrawn"])
        #expect(world.state.permits[F.id(101)]?.status == .active)
        #expect(world.book.used(.almaty) == 1)
    }

    @Test("a permit id is issued once")
    func issueOnce() throws {
        var world = try world()
        try world.accept(F.issue(F.id(101), application: F.id(1), worker: 1), F.asRegion())
        expectConflict(
            world.submit(try F.issue(F.id(101), application: F.id(1), worker: 2), F.asRegion()), "invalid-state",
            ["state": "active"])
        try world.accept(F.revoke(F.id(101)), F.asRegion())
        expectConflict(
            world.submit(try F.issue(F.id(101), application: F.id(1), worker: 2), F.asRegion()), "invalid-state",
            ["state": "revoked"])
    }

    // MARK: One active permit per worker and year

    @Test("a worker holds one active permit per year: duplicate-worker names the permit held")
    func duplicateWorker() throws {
        var world = try world()
        try world.approvedApplication(F.id(2), region: .astana)
        try world.accept(F.issue(F.id(101), application: F.id(1), worker: 7), F.asRegion())
        expectConflict(
            world.submit(try F.issue(F.id(102), application: F.id(1), worker: 7), F.asRegion()), "duplicate-worker",
            ["permit": .string(F.id(101).lowercased)], exactly: true)
        // In another region too: the worker is one person.
        expectConflict(
            world.submit(try F.issue(F.id(103), application: F.id(2), region: .astana, worker: 7), F.asRegion(.astana)),
            "duplicate-worker", ["permit": .string(F.id(101).lowercased)])
    }

    @Test("after a revocation or expiry the worker may get a new permit", arguments: ["revoke", "expire"])
    func newPermitAfterEnd(end: String) throws {
        var world = try world()
        try world.accept(
            F.issue(F.id(101), application: F.id(1), worker: 7, validFrom: "2025-09-01", validUntil: "2025-11-15"),
            F.asRegion())
        if end == "revoke" {
            try world.accept(F.revoke(F.id(101)), F.asRegion())
        } else {
            try world.accept(F.expire(F.id(101)), F.asSystem())
        }
        try world.accept(F.issue(F.id(102), application: F.id(1), worker: 7), F.asRegion())
        #expect(world.activePermit(ofWorker: 7, year: 2025) == F.id(102))
    }

    @Test("the same worker may hold a permit of another year")
    func anotherYear() throws {
        var world = try world()
        let next = QuotaKey(year: 2026, line: .foreignLabour)
        try world.accept(F.ceiling(100, key: next), F.asMinistry())
        try world.accept(F.allocation(.almaty, 5, key: next), F.asMinistry())
        try world.approvedApplication(F.id(2), year: 2026)
        try world.accept(F.issue(F.id(101), application: F.id(1), worker: 7, validUntil: "2026-05-31"), F.asRegion())
        try world.accept(
            F.issue(
                F.id(102), application: F.id(2), year: 2026, worker: 7, validFrom: "2026-06-01",
                validUntil: "2026-12-31"), F.asRegion())
        #expect(world.book.used(.almaty) == 1)
        #expect(world.state.book(next).used(.almaty) == 1)
    }

    // MARK: cat1

    @Test("cat1: one active first-head permit per employer, even when a second application got through (seat-filled)")
    func firstHeadSeatFilled() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10])
        try world.approvedApplication(F.id(1), category: .cat1, workers: 1, cat1Role: .firstHead, title: "CEO")
        // A second first-head application, accepted under other rules (say, from an older server), approved.
        world.force(try F.file(F.id(2), category: .cat1, workers: 1, cat1Role: .firstHead, title: "General Director"))
        world.force(try F.approveApplication(F.id(2)))
        try world.accept(
            F.issue(F.id(101), application: F.id(1), category: .cat1, worker: 1, cat1Role: .firstHead, title: "CEO"),
            F.asRegion())
        expectConflict(
            world.submit(
                try F.issue(
                    F.id(102), application: F.id(2), category: .cat1, worker: 2, cat1Role: .firstHead,
                    title: "General Director"),
                F.asRegion()),
            "invalid-state", ["state": "seat-filled", "permit": .string(F.id(101).lowercased)])
        try world.accept(F.revoke(F.id(101)), F.asRegion())
        try world.accept(
            F.issue(
                F.id(102), application: F.id(2), category: .cat1, worker: 2, cat1Role: .firstHead,
                title: "General Director"),
            F.asRegion())
        #expect(
            world.state.cat1Holders[Cat1Seat(employer: F.bin(F.binA), role: .firstHead, title: "anything")] == F.id(102)
        )
    }

    @Test("cat1: one active deputy permit per employer and position title")
    func deputySeats() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10])
        try world.approvedApplication(
            F.id(1), category: .cat1, workers: 1, cat1Role: .deputy, title: "Deputy for Finance")
        try world.approvedApplication(
            F.id(2), category: .cat1, workers: 1, cat1Role: .deputy, title: "Deputy for Production")
        world.force(try F.file(F.id(3), category: .cat1, workers: 1, cat1Role: .deputy, title: "Deputy for Finance"))
        world.force(try F.approveApplication(F.id(3)))
        try world.accept(
            F.issue(
                F.id(101), application: F.id(1), category: .cat1, worker: 1, cat1Role: .deputy,
                title: "Deputy for Finance"), F.asRegion())
        try world.accept(
            F.issue(
                F.id(102), application: F.id(2), category: .cat1, worker: 2, cat1Role: .deputy,
                title: "Deputy for Production"),
            F.asRegion())
        expectConflict(
            world.submit(
                try F.issue(
                    F.id(103), application: F.id(3), category: .cat1, worker: 3, cat1Role: .deputy,
                    title: "Deputy for Finance"),
                F.asRegion()),
            "invalid-state", ["state": "seat-filled", "permit": .string(F.id(101).lowercased)])
        #expect(world.book.used(.almaty) == 2)
    }

    // MARK: Extension and revocation

    @Test("extending an active permit moves its last day later; the same or an earlier day is invalid-field")
    func extend() throws {
        var world = try world()
        try world.accept(F.issue(F.id(101), application: F.id(1)), F.asRegion())
        expectRejection(
            world.submit(try F.extend(F.id(101), to: "2026-05-31"), F.asRegion()), "invalid-field",
            field: "data.validUntil")
        expectRejection(
            world.submit(try F.extend(F.id(101), to: "2026-01-31"), F.asRegion()), "invalid-field",
            field: "data.validUntil")
        try world.accept(F.extend(F.id(101), to: "2026-06-01"), F.asRegion())
        #expect(world.state.permits[F.id(101)]?.validUntil == F.date("2026-06-01"))
        try world.accept(F.extend(F.id(101), to: "2026-11-30"), F.asRegion())
        #expect(world.state.permits[F.id(101)]?.validUntil == F.date("2026-11-30"))
        #expect(world.book.used(.almaty) == 1)
    }

    @Test("extending or revoking an ended permit is invalid-state with its state", arguments: ["revoked", "expired"])
    func endedPermit(state: String) throws {
        var world = try world()
        try world.accept(
            F.issue(F.id(101), application: F.id(1), validFrom: "2025-06-01", validUntil: "2025-11-30"), F.asRegion())
        if state == "revoked" {
            try world.accept(F.revoke(F.id(101)), F.asRegion())
        } else {
            try world.accept(F.expire(F.id(101)), F.asSystem())
        }
        expectConflict(
            world.submit(try F.extend(F.id(101), to: "2026-12-31"), F.asRegion()), "invalid-state",
            ["state": .string(state)])
        expectConflict(world.submit(try F.revoke(F.id(101)), F.asRegion()), "invalid-state", ["state": .string(state)])
        expectConflict(world.submit(try F.expire(F.id(101)), F.asSystem()), "invalid-state", ["state": .string(state)])
        #expect(world.state.permits[F.id(101)]?.status.rawValue == state)
    }

    @Test("extending, revoking or expiring an unknown permit is invalid-state unknown")
    func unknownPermit() throws {
        var world = try world()
        expectConflict(
            world.submit(try F.extend(F.id(7), to: "2026-12-31"), F.asRegion()), "invalid-state", ["state": "unknown"])
        expectConflict(world.submit(try F.revoke(F.id(7)), F.asRegion()), "invalid-state", ["state": "unknown"])
        expectConflict(world.submit(try F.expire(F.id(7)), F.asSystem()), "invalid-state", ["state": "unknown"])
    }

    // MARK: Expiry

    @Test("only the server (role system) records expiry")
    func expiryRole() throws {
        var world = try world()
        try world.accept(
            F.issue(F.id(101), application: F.id(1), validFrom: "2025-06-01", validUntil: "2025-11-15"), F.asRegion())
        expectRejection(world.submit(try F.expire(F.id(101)), F.asRegion()), "forbidden")
        expectRejection(world.submit(try F.expire(F.id(101)), F.asMinistry()), "forbidden")
        try world.accept(F.expire(F.id(101)), F.asSystem())
        #expect(world.state.permits[F.id(101)]?.status == .expired)
    }

    @Test("a permit expires only after its last valid day in Almaty")
    func expiryDay() throws {
        var world = try world()
        try world.accept(
            F.issue(F.id(101), application: F.id(1), validFrom: "2025-06-01", validUntil: "2025-12-31"), F.asRegion())
        // 23:59:59 on 31 Dec in Almaty: still valid.
        expectConflict(
            world.submit(try F.expire(F.id(101)), F.asSystem(at: "2025-12-31T18:59:59Z")), "invalid-state",
            ["state": "active"])
        expectConflict(
            world.submit(try F.expire(F.id(101)), F.asSystem(at: "2025-06-15T00:00:00Z")), "invalid-state",
            ["state": "active"])
        #expect(world.state.expiredPermits(on: F.date("2025-12-31")).isEmpty)
        // 00:00 on 1 Jan in Almaty.
        #expect(world.state.expiredPermits(on: F.date("2026-01-01")) == [F.id(101)])
        try world.accept(F.expire(F.id(101)), F.asSystem(at: "2025-12-31T19:00:00Z"))
        #expect(world.state.expiredPermits(on: F.date("2026-01-01")).isEmpty)
    }

    @Test("an extension postpones expiry")
    func extensionPostponesExpiry() throws {
        var world = try world()
        try world.accept(
            F.issue(F.id(101), application: F.id(1), validFrom: "2025-06-01", validUntil: "2025-11-30"), F.asRegion())
        try world.accept(F.extend(F.id(101), to: "2026-02-28"), F.asRegion(at: "2025-11-29T06:00:00Z"))
        expectConflict(world.submit(try F.expire(F.id(101)), F.asSystem()), "invalid-state", ["state": "active"])
        #expect(world.state.expiredPermits(on: F.date("2025-12-01")).isEmpty)
    }

    @Test("expiredPermits lists active permits past their last day, sorted, and nothing else")
    func expiredPermitsListing() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10])
        try world.approvedApplication(F.id(1), workers: 5)
        try world.accept(
            F.issue(F.id(0x105), application: F.id(1), worker: 1, validFrom: "2025-01-10", validUntil: "2025-11-01"),
            F.asRegion())
        try world.accept(
            F.issue(F.id(0x103), application: F.id(1), worker: 2, validFrom: "2025-01-10", validUntil: "2025-11-29"),
            F.asRegion())
        try world.accept(
            F.issue(F.id(0x104), application: F.id(1), worker: 3, validFrom: "2025-01-10", validUntil: "2025-11-30"),
            F.asRegion())
        try world.accept(
            F.issue(F.id(0x102), application: F.id(1), worker: 4, validFrom: "2025-01-10", validUntil: "2025-12-01"),
            F.asRegion())
        try world.accept(
            F.issue(F.id(0x101), application: F.id(1), worker: 5, validFrom: "2025-01-10", validUntil: "2025-10-01"),
            F.asRegion())
        try world.accept(F.revoke(F.id(0x101)), F.asRegion())
        #expect(world.state.expiredPermits(on: F.date("2025-12-01")) == [F.id(0x103), F.id(0x104), F.id(0x105)])
        for id in world.state.expiredPermits(on: F.date("2025-12-01")) { try world.accept(F.expire(id), F.asSystem()) }
        #expect(world.state.expiredPermits(on: F.date("2025-12-01")).isEmpty)
        #expect(world.book.used(.almaty) == 1)
    }

    // MARK: Units freed by ending

    @Test(
        "ending a permit frees its unit: a permit held back by the allocation can then be issued",
        arguments: ["revoke", "expire"])
    func endingFreesUnit(end: String) throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 2])
        try world.approvedApplication(F.id(1), workers: 3)
        try world.accept(
            F.issue(F.id(101), application: F.id(1), worker: 1, validFrom: "2025-06-01", validUntil: "2025-11-30"),
            F.asRegion())
        try world.accept(F.issue(F.id(102), application: F.id(1), worker: 2), F.asRegion())
        let held = try F.issue(F.id(103), application: F.id(1), worker: 3)
        expectConflict(
            world.submit(held, F.asRegion()), "quota-exhausted", ["inUse": 2, "allocated": 2, "shortfall": 1])
        if end == "revoke" {
            try world.accept(F.revoke(F.id(101)), F.asRegion())
        } else {
            try world.accept(F.expire(F.id(101)), F.asSystem())
        }
        #expect(world.book.used(.almaty) == 1)
        #expect(world.book.usage.values.reduce(0, +) == 1)
        world.accept(held, F.asRegion())
        #expect(world.book.used(.almaty) == 2)
    }

    @Test("ending a permit frees room to lower the allocation")
    func endingAllowsLowerAllocation() throws {
        var world = try world()
        try world.accept(F.issue(F.id(101), application: F.id(1), worker: 1), F.asRegion())
        expectConflict(world.submit(try F.allocation(.almaty, 0), F.asMinistry()), "quota-exhausted", ["shortfall": 1])
        try world.accept(F.revoke(F.id(101)), F.asRegion())
        try world.accept(F.allocation(.almaty, 0), F.asMinistry())
        #expect(world.book.used(.almaty) == 0)
        #expect(world.book.usage.isEmpty)
    }

    // MARK: Year of issue

    @Test("a permit valid across New Year counts in its issue year until it ends; an extension does not move it")
    func acrossNewYear() throws {
        var world = try world()
        let next = QuotaKey(year: 2026, line: .foreignLabour)
        try world.accept(F.ceiling(100, key: next), F.asMinistry())
        try world.accept(F.allocation(.almaty, 1, key: next), F.asMinistry())
        try world.accept(
            F.issue(F.id(101), application: F.id(1), validFrom: "2025-12-15", validUntil: "2026-03-14"), F.asRegion())
        #expect(world.book.used(.almaty) == 1)
        #expect(world.state.book(next).used(.almaty) == 0)
        try world.accept(F.extend(F.id(101), to: "2026-09-30"), F.asRegion(at: "2026-03-01T06:00:00Z"))
        #expect(world.book.used(.almaty) == 1)
        #expect(world.state.book(next).used(.almaty) == 0)
        // The 2026 allocation of one unit is untouched by it.
        try world.approvedApplication(F.id(2), year: 2026)
        try world.accept(
            F.issue(F.id(102), application: F.id(2), year: 2026, worker: 2, validFrom: "2026-03-01"),
            F.asRegion(at: "2026-03-01T06:00:00Z"))
        #expect(world.state.book(next).used(.almaty) == 1)
        try world.accept(F.expire(F.id(101)), F.asSystem(at: "2026-10-01T06:00:00Z"))
        #expect(world.book.used(.almaty) == 0)
        #expect(world.state.book(next).used(.almaty) == 1)
    }

    // MARK: cat4 replacement

    @Test("cat4 replacement deadline: given, or 12 months after validFrom (clamped)")
    func replacementDeadline() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10])
        try world.approvedApplication(F.id(1), category: .cat4, workers: 3)
        try world.accept(
            F.issue(
                F.id(101), application: F.id(1), category: .cat4, worker: 1, validFrom: "2025-08-31",
                validUntil: "2026-08-30"), F.asRegion())
        try world.accept(
            F.issue(
                F.id(102), application: F.id(1), category: .cat4, worker: 2, validFrom: "2025-09-01",
                validUntil: "2026-08-31", replaceBy: "2026-03-01"),
            F.asRegion())
        #expect(world.state.permits[F.id(101)]?.replacementDeadline == F.date("2026-08-31"))
        #expect(world.state.permits[F.id(102)]?.replacementDeadline == F.date("2026-03-01"))
        let leap = try F.issue(
            F.id(103), application: F.id(1), category: .cat4, validFrom: "2024-02-29", validUntil: "2024-12-31")
        guard case .permitIssued(_, let permit) = leap else { Issue.record("not a permit"); return }
        #expect(permit.replacementDeadline == F.date("2025-02-28"))
    }

    @Test("overdueCat4 lists active cat4 permits past their deadline, earliest first; extension keeps them overdue")
    func overdueCat4() throws {
        var world = try F.world(ceiling: 100, allocations: [.almaty: 10])
        try world.approvedApplication(F.id(1), category: .cat4, workers: 4)
        try world.approvedApplication(F.id(2), category: .cat3, workers: 1)
        try world.accept(
            F.issue(
                F.id(101), application: F.id(1), category: .cat4, worker: 1, validFrom: "2025-01-15",
                validUntil: "2026-06-30"), F.asRegion())
        try world.accept(
            F.issue(
                F.id(102), application: F.id(1), category: .cat4, worker: 2, validFrom: "2025-03-01",
                validUntil: "2026-06-30", replaceBy: "2025-09-01"),
            F.asRegion())
        try world.accept(
            F.issue(
                F.id(103), application: F.id(1), category: .cat4, worker: 3, validFrom: "2025-04-01",
                validUntil: "2026-06-30", replaceBy: "2025-10-01"),
            F.asRegion())
        try world.accept(
            F.issue(
                F.id(104), application: F.id(1), category: .cat4, worker: 4, validFrom: "2025-06-01",
                validUntil: "2026-06-30"), F.asRegion())
        try world.accept(
            F.issue(
                F.id(105), application: F.id(2), category: .cat3, worker: 5, validFrom: "2024-01-01",
                validUntil: "2026-06-30"), F.asRegion())
        try world.accept(F.revoke(F.id(103)), F.asRegion())

        #expect(world.state.overdueCat4(on: F.date("2025-09-01")).isEmpty, "the deadline day itself is not overdue")
        #expect(world.state.overdueCat4(on: F.date("2025-09-02")).map(\.permit) == [F.id(102)])
        #expect(world.state.overdueCat4(on: F.date("2026-01-16")).map(\.permit) == [F.id(102), F.id(101)])
        #expect(world.state.overdueCat4(on: F.date("2026-06-02")).map(\.permit) == [F.id(102), F.id(101), F.id(104)])
        try world.accept(F.extend(F.id(102), to: "2026-12-31"), F.asRegion())
        #expect(world.state.overdueCat4(on: F.date("2025-12-01")).map(\.permit) == [F.id(102)])
        #expect(world.state.overdueCat4(on: F.date("2025-12-01")).first?.record.validUntil == F.date("2026-12-31"))
    }
}
