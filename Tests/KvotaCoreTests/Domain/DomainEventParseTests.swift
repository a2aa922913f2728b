import Foundation
import KvotaCore
import Testing

private typealias F = DomainFixtures

/// One event of the vocabulary with a payload that parses.
struct ValidSample: Sendable, CustomTestStringConvertible {
    var type: String
    var stream: String
    var data: JSONObject
    var testDescription: String { type }

    static let application = F.id(0xA1)
    static let permit = F.id(0xB1)

    static let all: [ValidSample] = [
        ValidSample(
            type: "CeilingSet", stream: F.quotaStream,
            data: [
                "units": 16_500, "percent": .double(0.2), "laborForce": 7_400_000,
                "basis": "order No. 85 of March 2025",
            ]),
        ValidSample(type: "AllocationSet", stream: F.quotaStream, data: ["region": "KZ-75", "units": 3_000]),
        ValidSample(
            type: "ReallocationRequested", stream: F.quotaStream,
            data: [
                "requestId": "almaty-2025-07", "region": "KZ-75", "units": 120, "fromRegion": "KZ-71",
                "justification": "metro works",
            ]),
        ValidSample(
            type: "ReallocationApproved", stream: F.quotaStream, data: ["requestId": "almaty-2025-07", "units": 100]),
        ValidSample(
            type: "ReallocationRejected", stream: F.quotaStream,
            data: ["requestId": "almaty-2025-07", "reason": "no spare units"]),
        ValidSample(type: "ApplicationFiled", stream: F.applicationStream(application), data: F.filingData()),
        ValidSample(type: "ApplicationApproved", stream: F.applicationStream(application), data: [:]),
        ValidSample(
            type: "ApplicationRejected", stream: F.applicationStream(application), data: ["reason": "incomplete"]),
        ValidSample(type: "ApplicationWithdrawn", stream: F.applicationStream(application), data: [:]),
        ValidSample(type: "PermitIssued", stream: F.permitStream(permit), data: F.permitData(application: application)),
        ValidSample(type: "PermitExtended", stream: F.permitStream(permit), data: ["validUntil": "2026-11-30"]),
        ValidSample(type: "PermitRevoked", stream: F.permitStream(permit), data: ["reason": "left the employer"]),
        ValidSample(type: "PermitExpired", stream: F.permitStream(permit), data: [:]),
        ValidSample(
            type: "EmployerBarred", stream: F.employerStream(F.binA),
            data: ["from": "2025-09-15", "until": "2026-09-15", "reason": "illegal employment"]),
        ValidSample(type: "EmployerBarLifted", stream: F.employerStream(F.binA), data: ["reason": "court decision"]),
    ]

    static func named(_ type: String) -> ValidSample { all.first { $0.type == type }! }
}

/// A payload that breaks one rule, and the field the rejection must name.
struct FieldCase: Sendable, CustomTestStringConvertible {
    var type: String
    var change: String
    var value: JSONValue?
    var field: String
    var sample: ValidSample? = nil
    var testDescription: String { "\(type).\(change) = \(value.map { "\($0)" } ?? "missing") → \(field)" }

    init(_ type: String, _ change: String, _ value: JSONValue?, field: String? = nil, on sample: ValidSample? = nil) {
        self.type = type
        self.change = change
        self.value = value
        self.field = field ?? "data.\(change)"
        self.sample = sample
    }

    var data: JSONObject {
        var data = (sample ?? ValidSample.named(type)).data
        data[change] = value
        return data
    }

    var stream: String { (sample ?? ValidSample.named(type)).stream }
}

private let cat4Permit = ValidSample(
    type: "PermitIssued", stream: F.permitStream(F.id(0xB2)),
    data: F.permitData(application: F.id(0xA1), category: .cat4, validFrom: "2025-09-01", validUntil: "2026-08-31"))
private let cat1Filing = ValidSample(
    type: "ApplicationFiled", stream: F.applicationStream(F.id(0xA2)),
    data: F.filingData(category: .cat1, workers: 1, cat1Role: .deputy, title: "Deputy Director for Finance"))
private let cat1Permit = ValidSample(
    type: "PermitIssued", stream: F.permitStream(F.id(0xB3)),
    data: F.permitData(application: F.id(0xA2), category: .cat1, cat1Role: .firstHead, title: "General Director"))

@Suite("DomainEvent parsing: the vocabulary, each field's rule, streams")
struct DomainEventParseTests {
    @Test("every type parses from valid data", arguments: ValidSample.all)
    func parsesValid(sample: ValidSample) throws {
        let event = try DomainEvent(stream: sample.stream, type: sample.type, data: sample.data)
        switch event {
        case .ceilingSet(let key, let ceiling):
            #expect(key == F.quota)
            #expect(ceiling.units == 16_500 && ceiling.percent == 0.2 && ceiling.laborForce == 7_400_000)
            #expect(ceiling.basis == "order No. 85 of March 2025")
        case .allocationSet(let key, let allocation):
            #expect(key == F.quota && allocation.region == .almaty && allocation.units == 3_000)
        case .reallocationRequested(_, let request):
            #expect(request.requestId == "almaty-2025-07" && request.region == .almaty && request.units == 120)
            #expect(request.fromRegion == .astana && request.justification == "metro works")
        case .reallocationApproved(_, let approval):
            #expect(approval.requestId == "almaty-2025-07" && approval.units == 100)
        case .reallocationRejected(_, let requestId, let reason):
            #expect(requestId == "almaty-2025-07" && reason == "no spare units")
        case .applicationFiled(let id, let filing):
            #expect(id == ValidSample.application)
            #expect(filing.region == .almaty && filing.year == 2025 && filing.line == .foreignLabour)
            #expect(filing.employerBin == F.bin(F.binA) && filing.category == .cat3 && filing.workers == 3)
            #expect(filing.sector.letter == "F" && filing.countryOfOrigin.code == "CN")
            #expect(filing.vacancyRef == "enbek-2025-000123" && filing.vacancyPostedOn == F.date("2025-11-01"))
            #expect(filing.cat1Role == nil && filing.positionTitle == nil)
        case .applicationApproved(let id), .applicationWithdrawn(let id):
            #expect(id == ValidSample.application)
        case .applicationRejected(let id, let reason):
            #expect(id == ValidSample.application && reason == "incomplete")
        case .permitIssued(let id, let permit):
            #expect(id == ValidSample.permit)
            #expect(permit.applicationId == ValidSample.application && permit.workerRef.hex == F.worker(1))
            #expect(permit.validFrom == F.date("2025-12-01") && permit.validUntil == F.date("2026-05-31"))
            #expect(permit.replaceBy == nil && permit.replacementDeadline == nil)
        case .permitExtended(let id, let validUntil):
            #expect(id == ValidSample.permit && validUntil == F.date("2026-11-30"))
        case .permitRevoked(let id, let reason):
            #expect(id == ValidSample.permit && reason == "left the employer")
        case .permitExpired(let id):
            #expect(id == ValidSample.permit)
        case .employerBarred(let bin, let bar):
            #expect(bin == F.bin(F.binA) && bar.from == F.date("2025-09-15") && bar.until == F.date("2026-09-15"))
        case .employerBarLifted(let bin, let reason):
            #expect(bin == F.bin(F.binA) && reason == "court decision")
        }
    }

    @Test("every type of the vocabulary has a sample, and the category table covers all types")
    func vocabulary() {
        #expect(Set(ValidSample.all.map(\.type)) == DomainEvent.allTypes)
        #expect(DomainEvent.allTypes.count == 15)
    }

    @Test("optional members may be absent or null")
    func optionalMembers() throws {
        let ceiling = try DomainEvent(
            stream: F.quotaStream, type: "CeilingSet", data: ["units": 14_800, "basis": "0.2%", "percent": nil])
        guard case .ceilingSet(_, let set) = ceiling else { Issue.record("not a CeilingSet"); return }
        #expect(set.percent == nil && set.laborForce == nil)
        let approval = try DomainEvent(stream: F.quotaStream, type: "ReallocationApproved", data: ["requestId": "r1"])
        guard case .reallocationApproved(_, let approved) = approval else { Issue.record("not an approval"); return }
        #expect(approved.units == nil)
        let fromReserve = try DomainEvent(
            stream: F.quotaStream, type: "ReallocationRequested",
            data: ["requestId": "r1", "region": "KZ-75", "units": 5, "justification": "x"])
        guard case .reallocationRequested(_, let request) = fromReserve else { Issue.record("not a request"); return }
        #expect(request.fromRegion == nil)
        let integerPercent = try DomainEvent(
            stream: F.quotaStream, type: "CeilingSet", data: ["units": 1, "basis": "b", "percent": 3])
        guard case .ceilingSet(_, let withPercent) = integerPercent else { Issue.record("not a CeilingSet"); return }
        #expect(withPercent.percent == 3)
    }

    static let fieldCases: [FieldCase] = [
        FieldCase("CeilingSet", "units", nil), FieldCase("CeilingSet", "units", "16500"),
        FieldCase("CeilingSet", "units", -1),
        FieldCase("CeilingSet", "units", 100_000_001), FieldCase("CeilingSet", "units", .double(1.5)),
        FieldCase("CeilingSet", "percent", .double(100.5)), FieldCase("CeilingSet", "percent", "0.2"),
        FieldCase("CeilingSet", "laborForce", 0), FieldCase("CeilingSet", "laborForce", .double(7.4e6)),
        FieldCase("CeilingSet", "basis", nil), FieldCase("CeilingSet", "basis", ""),
        FieldCase("CeilingSet", "basis", 5),
        FieldCase("CeilingSet", "basis", .string(String(repeating: "x", count: 501))),
        FieldCase("AllocationSet", "region", nil), FieldCase("AllocationSet", "region", "KZ-99"),
        FieldCase("AllocationSet", "region", "kz-75"), FieldCase("AllocationSet", "units", nil),
        FieldCase("AllocationSet", "units", -5), FieldCase("AllocationSet", "units", true),
        FieldCase("ReallocationRequested", "requestId", nil),
        FieldCase("ReallocationRequested", "requestId", .string(String(repeating: "r", count: 101))),
        FieldCase("ReallocationRequested", "region", "KZ-00"), FieldCase("ReallocationRequested", "units", 0),
        FieldCase("ReallocationRequested", "units", nil), FieldCase("ReallocationRequested", "fromRegion", "Astana"),
        FieldCase("ReallocationRequested", "fromRegion", "KZ-75"),
        FieldCase("ReallocationRequested", "justification", nil),
        FieldCase("ReallocationApproved", "requestId", nil), FieldCase("ReallocationApproved", "units", 0),
        FieldCase("ReallocationApproved", "units", "all"),
        FieldCase("ReallocationRejected", "requestId", nil), FieldCase("ReallocationRejected", "reason", nil),
        FieldCase("ApplicationFiled", "region", nil), FieldCase("ApplicationFiled", "region", "KZ-80"),
        FieldCase("ApplicationFiled", "year", nil), FieldCase("ApplicationFiled", "year", 1999),
        FieldCase("ApplicationFiled", "year", 2101), FieldCase("ApplicationFiled", "year", "2025"),
        FieldCase("ApplicationFiled", "line", nil), FieldCase("ApplicationFiled", "line", "household-immigrant"),
        FieldCase("ApplicationFiled", "employerBin", "040740001128"),
        FieldCase("ApplicationFiled", "employerBin", "04074000112"),
        FieldCase("ApplicationFiled", "employerBin", 40_740_001_129), FieldCase("ApplicationFiled", "category", "cat5"),
        FieldCase("ApplicationFiled", "category", "CAT1"), FieldCase("ApplicationFiled", "workers", 0),
        FieldCase("ApplicationFiled", "workers", 10_001), FieldCase("ApplicationFiled", "workers", nil),
        FieldCase("ApplicationFiled", "sector", "V"), FieldCase("ApplicationFiled", "sector", "f"),
        FieldCase("ApplicationFiled", "sector", "FA"), FieldCase("ApplicationFiled", "countryOfOrigin", "XX"),
        FieldCase("ApplicationFiled", "countryOfOrigin", "cn"), FieldCase("ApplicationFiled", "countryOfOrigin", "CHN"),
        FieldCase("ApplicationFiled", "vacancyRef", nil), FieldCase("ApplicationFiled", "vacancyRef", ""),
        FieldCase("ApplicationFiled", "vacancyPostedOn", nil),
        FieldCase("ApplicationFiled", "vacancyPostedOn", "2025-02-30"),
        FieldCase("ApplicationFiled", "vacancyPostedOn", "01.11.2025"),
        FieldCase("ApplicationFiled", "cat1Role", "first-head"), FieldCase("ApplicationFiled", "cat1Role", "deputy"),
        FieldCase("ApplicationFiled", "cat1Role", nil, on: cat1Filing),
        FieldCase("ApplicationFiled", "cat1Role", "ceo", on: cat1Filing),
        FieldCase("ApplicationFiled", "positionTitle", nil, on: cat1Filing),
        FieldCase("ApplicationFiled", "positionTitle", "", on: cat1Filing),
        FieldCase("ApplicationFiled", "workers", 2, on: cat1Filing),
        FieldCase("ApplicationRejected", "reason", nil),
        FieldCase("PermitIssued", "region", "KZ-1"), FieldCase("PermitIssued", "year", 2101),
        FieldCase("PermitIssued", "line", "household-immigrant"),
        FieldCase("PermitIssued", "employerBin", "123456789012"),
        FieldCase("PermitIssued", "category", nil), FieldCase("PermitIssued", "applicationId", nil),
        FieldCase("PermitIssued", "applicationId", "a1"), FieldCase("PermitIssued", "workerRef", nil),
        FieldCase("PermitIssued", "workerRef", .string(String(repeating: "A", count: 64))),
        FieldCase("PermitIssued", "workerRef", .string(String(repeating: "a", count: 63))),
        FieldCase("PermitIssued", "workerRef", .string(String(repeating: "g", count: 64))),
        FieldCase("PermitIssued", "sector", "Z"), FieldCase("PermitIssued", "countryOfOrigin", "ZZ"),
        FieldCase("PermitIssued", "validFrom", nil), FieldCase("PermitIssued", "validFrom", "2025-12-32"),
        FieldCase("PermitIssued", "validUntil", nil), FieldCase("PermitIssued", "validUntil", "2025-11-30"),
        FieldCase("PermitIssued", "replaceBy", "2026-06-01"), FieldCase("PermitIssued", "cat1Role", "first-head"),
        FieldCase("PermitIssued", "replaceBy", "2026-02-28", on: cat4Permit),
        FieldCase("PermitIssued", "replaceBy", "2026-09-02", on: cat4Permit),
        FieldCase("PermitIssued", "replaceBy", "2026-13-01", on: cat4Permit),
        FieldCase("PermitIssued", "cat1Role", nil, on: cat1Permit),
        FieldCase("PermitIssued", "positionTitle", nil, on: cat1Permit),
        FieldCase("PermitExtended", "validUntil", nil), FieldCase("PermitExtended", "validUntil", "2026-11-31"),
        FieldCase("PermitRevoked", "reason", nil), FieldCase("PermitRevoked", "reason", ""),
        FieldCase("EmployerBarred", "from", nil), FieldCase("EmployerBarred", "from", "15.09.2025"),
        FieldCase("EmployerBarred", "until", nil), FieldCase("EmployerBarred", "until", "2025-09-15"),
        FieldCase("EmployerBarred", "until", "2025-09-14"), FieldCase("EmployerBarred", "reason", nil),
        FieldCase("EmployerBarLifted", "reason", nil),
    ]

    @Test("a field that breaks its rule is refused, naming data.<field>", arguments: fieldCases)
    func fieldErrors(test: FieldCase) {
        expectParseRejection("invalid-field", field: test.field) {
            _ = try DomainEvent(stream: test.stream, type: test.type, data: test.data)
        }
    }

    @Test(
        "the rejection's message names the field",
        arguments: [FieldCase("CeilingSet", "units", "x"), FieldCase("PermitIssued", "validUntil", "2025-11-30")])
    func messageNamesField(test: FieldCase) {
        do {
            _ = try DomainEvent(stream: test.stream, type: test.type, data: test.data)
            Issue.record("parsed")
        } catch {
            #expect(error.message.hasPrefix(test.field))
        }
    }

    @Test("unknown members are refused, for every type", arguments: ValidSample.all)
    func unknownMembers(sample: ValidSample) {
        var data = sample.data
        data["note"] = "x"
        expectParseRejection("invalid-field", field: "data.note") {
            _ = try DomainEvent(stream: sample.stream, type: sample.type, data: data)
        }
        data["note"] = nil
        data["extra"] = .null
        expectParseRejection("invalid-field", field: "data.extra") {
            _ = try DomainEvent(stream: sample.stream, type: sample.type, data: data)
        }
    }

    @Test("a member of another type is unknown here")
    func memberOfAnotherType() {
        expectParseRejection("invalid-field", field: "data.reason") {
            _ = try DomainEvent(
                stream: F.applicationStream(ValidSample.application), type: "ApplicationApproved",
                data: ["reason": "ok"])
        }
        expectParseRejection("invalid-field", field: "data.region") {
            _ = try DomainEvent(
                stream: F.permitStream(ValidSample.permit), type: "PermitExtended",
                data: ["validUntil": "2026-12-31", "region": "KZ-75"])
        }
    }

    @Test(
        "cat1 filings and permits parse with role and title; deputies and first heads both",
        arguments: [Cat1Role.firstHead, .deputy])
    func cat1Parses(role: Cat1Role) throws {
        let filing = try DomainEvent(
            stream: F.applicationStream(F.id(9)), type: "ApplicationFiled",
            data: F.filingData(category: .cat1, workers: 1, cat1Role: role, title: "Director"))
        guard case .applicationFiled(_, let filed) = filing else { Issue.record("not a filing"); return }
        #expect(filed.cat1Role == role && filed.positionTitle == "Director" && filed.workers == 1)
        let permit = try DomainEvent(
            stream: F.permitStream(F.id(9)), type: "PermitIssued",
            data: F.permitData(application: F.id(9), category: .cat1, cat1Role: role, title: "Director"))
        guard case .permitIssued(_, let issued) = permit else { Issue.record("not a permit"); return }
        #expect(issued.cat1Role == role && issued.positionTitle == "Director")
    }

    @Test("replaceBy: only cat4, 6 to 12 months after validFrom inclusive; the deadline defaults to 12 months")
    func replaceBy() throws {
        for (replaceBy, ok) in [
            ("2026-03-01", true), ("2026-09-01", true), ("2026-06-15", true), ("2026-02-28", false),
            ("2026-09-02", false),
        ] {
            var data = cat4Permit.data
            data["validFrom"] = "2025-09-01"
            data["replaceBy"] = .string(replaceBy)
            let parsed = try? DomainEvent(stream: cat4Permit.stream, type: "PermitIssued", data: data)
            #expect((parsed != nil) == ok, "replaceBy \(replaceBy)")
            if case .permitIssued(_, let permit)? = parsed { #expect(permit.replacementDeadline == F.date(replaceBy)) }
        }
        let clamped = try DomainEvent(
            stream: cat4Permit.stream, type: "PermitIssued",
            data: F.permitData(
                application: F.id(1), category: .cat4, validFrom: "2025-08-31", validUntil: "2026-08-30",
                replaceBy: "2026-02-28"))
        guard case .permitIssued(_, let permit) = clamped else { Issue.record("not a permit"); return }
        #expect(permit.replaceBy == F.date("2026-02-28"))
        #expect(permit.replacementDeadline == F.date("2026-02-28"))
        let defaulted = try DomainEvent(stream: cat4Permit.stream, type: "PermitIssued", data: cat4Permit.data)
        guard case .permitIssued(_, let byDefault) = defaulted else { Issue.record("not a permit"); return }
        #expect(byDefault.replacementDeadline == F.date("2026-09-01"))
    }

    @Test("validUntil may equal validFrom (a one-day permit)")
    func oneDayPermit() throws {
        _ = try DomainEvent(
            stream: F.permitStream(F.id(1)), type: "PermitIssued",
            data: F.permitData(application: F.id(2), validFrom: "2025-12-01", validUntil: "2025-12-01"))
    }

    @Test("a bar of one day (until = from + 1) parses")
    func oneDayBar() throws {
        _ = try DomainEvent(
            stream: F.employerStream(F.binB), type: "EmployerBarred",
            data: ["from": "2025-12-01", "until": "2025-12-02", "reason": "r"])
    }

    @Test(
        "an unknown type is unknown-type, whatever the stream",
        arguments: ["PermitCancelled", "permitIssued", "CEILINGSET", "Event", ""])
    func unknownType(type: String) {
        for stream in [F.quotaStream, F.permitStream(F.id(1)), "nonsense"] {
            expectParseRejection("unknown-type", field: "type") {
                _ = try DomainEvent(stream: stream, type: type, data: [:])
            }
        }
    }

    @Test("a type in the wrong kind of stream is invalid-field on stream")
    func wrongCategory() {
        let quota = F.quotaStream
        let application = F.applicationStream(F.id(1))
        let permit = F.permitStream(F.id(1))
        let employer = F.employerStream(F.binA)
        let cases: [(String, String)] = [
            (permit, "CeilingSet"), (application, "AllocationSet"), (employer, "ReallocationRequested"),
            (quota, "ApplicationFiled"), (permit, "ApplicationApproved"), (quota, "PermitIssued"),
            (application, "PermitExtended"), (employer, "PermitExpired"), (quota, "EmployerBarred"),
            (permit, "EmployerBarLifted"), (application, "ReallocationApproved"),
        ]
        for (stream, type) in cases {
            expectParseRejection("invalid-field", field: "stream") {
                _ = try DomainEvent(stream: stream, type: type, data: ValidSample.named(type).data)
            }
        }
    }

    @Test(
        "bad stream names are invalid-field on stream",
        arguments: [
            "quota-1999-foreign-labour", "quota-2101-foreign-labour", "quota-2025-seasonal", "quota-2025",
            "quota-foreign-labour", "quota-2025-Foreign-Labour", "quota-2025-foreign-labour-x",
            "quota-x2025-foreign-labour",
            "application-00000000-0000-4000-8000-0000000000A1", "application-00000000000040008000000000000001",
            "application-not-a-uuid", "permit-00000000-0000-4000-8000-0000000000B1",
            "permit-{00000000-0000-4000-8000-0000000000b1}", "employer-123456789012", "employer-12345678901",
            "employer-1234567890130", "employer-abcdefghijkl", "visa-00000000-0000-4000-8000-000000000001", "quota", "",
            "Quota-2025-foreign-labour",
        ])
    func badStreams(stream: String) {
        expectParseRejection("invalid-field", field: "stream") {
            _ = try StreamRef(stream)
        }
        expectParseRejection("invalid-field", field: "stream") {
            _ = try DomainEvent(stream: stream, type: "CeilingSet", data: ValidSample.named("CeilingSet").data)
        }
    }

    @Test(
        "valid stream names round-trip through StreamRef",
        arguments: [
            "quota-2025-foreign-labour", "quota-2000-household-immigrant", "quota-2100-foreign-labour",
            "application-00000000-0000-4000-8000-0000000000a1", "permit-3f2a0c4e-1b2d-4e5f-8a9b-0c1d2e3f4a5b",
            "employer-040740001129",
        ])
    func streamRoundTrip(stream: String) throws {
        #expect(try StreamRef(stream).name == stream)
    }

    /// A quota stream name with a non-canonical year (`02025`, `+2025`) names the same book as the canonical
    /// one, so two streams, with versions of their own, would write the same quota (`02025` also passes
    /// `StreamName.validate`). The uuid streams insist on the canonical (lowercase) form; quota streams
    /// should insist on it too: `StreamRef(s).name == s`.
    @Test(
        "a quota stream must be written canonically: no leading zeros in the year",
        arguments: ["quota-02025-foreign-labour", "quota-002025-foreign-labour", "quota-+2025-foreign-labour"])
    func canonicalQuotaYear(stream: String) {
        expectParseRejection("invalid-field", field: "stream") {
            let ref = try StreamRef(stream)
            #expect(ref.name != stream, "\(stream) parses to \(ref.name)")
        }
    }

    @Test("the stream's entity is carried by the event")
    func entities() throws {
        let quota2026 = try DomainEvent(
            stream: "quota-2026-household-immigrant", type: "AllocationSet", data: ["region": "KZ-79", "units": 10])
        guard case .allocationSet(let key, let allocation) = quota2026 else {
            Issue.record("not an allocation"); return
        }
        #expect(
            key == QuotaKey(year: 2026, line: .householdImmigrant) && allocation.region == .shymkent
                && allocation.units == 10)
        let lifted = try DomainEvent(stream: "employer-123456789013", type: "EmployerBarLifted", data: ["reason": "r"])
        #expect(lifted == .employerBarLifted(F.bin("123456789013"), reason: "r"))
        let expired = try DomainEvent(
            stream: "permit-3f2a0c4e-1b2d-4e5f-8a9b-0c1d2e3f4a5b", type: "PermitExpired", data: [:])
        #expect(expired == .permitExpired(try #require(UUID(uuidString: "3F2A0C4E-1B2D-4E5F-8A9B-0C1D2E3F4A5B"))))
    }
}
