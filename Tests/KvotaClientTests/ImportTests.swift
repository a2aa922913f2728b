import Foundation
import KvotaClient
import KvotaCore
import Testing

/// `kvota import`: every row checked by the rules, errors by line, all of a file or (skipping) the valid rows.
@Suite(.serialized) struct ImportTests {
    static let header = "year,employerBin,category,workers,sector,countryOfOrigin,vacancyRef,vacancyPostedOn,id"

    static func row(bin: String = BIN.synthetic(3).description, workers: String = "2", id: UUID = UUID()) -> String {
        "2026,\(bin),cat3,\(workers),F,UZ,\"V-1, \"\"north\"\"\",2026-01-10,\(id.lowercased)"
    }

    @Test func badRowsAreListedByLineAndNothingIsRecorded() async throws {
        let server = try await ClientTestServer.started()
        _ = try await SyncScenarioTests.ministry(server, allocate: 10)
        let device = try await Device.region(server, "d")
        let csv = [
            ImportTests.header, ImportTests.row(), ImportTests.row(bin: "123456789012"), ImportTests.row(),
            ImportTests.row(workers: "many"), ImportTests.row(),
        ].joined(separator: "\r\n")
        var view = try device.view()
        let result = try CSVImport(pseudonymKey: nil).check(Array(csv.utf8), kind: nil, view: &view)
        #expect(result.kind == .applications && result.rows == 5)
        #expect(result.errors.map(\.line) == [3, 5])
        #expect(result.errors.map(\.field) == ["employerBin", "workers"])
        #expect(result.events.count == 3)
        #expect(result.events[0].data["vacancyRef"]?.stringValue == "V-1, \"north\"")
        // The reject file keeps the rows as read, with their error.
        let rejects = try CSV.parse(Array(CSVImport.rejectFile(result).utf8))
        #expect(rejects.count == 3 && rejects[0].fields.last == "error")
        #expect(rejects[1].fields.last?.hasPrefix("line 3, employerBin") == true)
        await server.stop()
    }

    @Test func permitsFromDocumentsAreStoredAsPseudonymsOnly() async throws {
        let server = try await ClientTestServer.started()
        _ = try await SyncScenarioTests.ministry(server, allocate: 10)
        let device = try await Device.region(server, "d")
        let application = UUID()
        try device.record { d in [d.fileApplication(Scenario.application(workers: 3), id: application)] }
        try device.record { d in [try d.decideApplication(application.lowercased, type: "ApplicationApproved")] }
        let csv = """
            application,documentCountry,documentNumber,validFrom,validUntil
            \(application.lowercased),UZ,AA 123-4567,2026-02-01,2026-12-31
            \(application.lowercased),UZ,AA1234567,2026-02-01,2026-12-31
            \(application.lowercased),TR,U0000001,2026-02-01,2026-12-31
            """
        var view = try device.view()
        let key = try #require(device.profile.pseudonymKey.flatMap(WorkerPseudonym.key(hex:)))
        let result = try CSVImport(pseudonymKey: key).check(Array(csv.utf8), kind: nil, view: &view)
        // The first two rows are one document (spaces and dashes removed): one active permit per worker.
        #expect(result.errors.map(\.line) == [3])
        #expect(result.errors.first?.message.contains("duplicate-worker") == true)
        try device.journal.record(result.events)
        #expect(try await device.sync().accepted == 4)
        let ref = WorkerPseudonym.ref(country: "UZ", number: "AA1234567", key: key)
        #expect(result.events[0].data["workerRef"]?.stringValue == ref)
        #expect(!result.events.contains { CanonicalJSON.string(.object($0.data)).contains("1234567") })
        await server.stop()
    }
}

@Suite struct JournalTests {
    static func journal() throws -> Journal {
        try Journal(path: FileManager.default.temporaryDirectory.appendingPathComponent("j-\(UUID()).sqlite").path)
    }

    @Test func aPageStoredTwiceIsStoredOnceAndTheCursorNeverMovesBack() throws {
        let journal = try JournalTests.journal()
        let events = (0..<3).map { EventPageTests.event($0) }
        func page(_ items: [[UInt8]], next: Int64) throws -> EventPage {
            let joined: [UInt8] = Array(items.map { EventPageTests.wire($0) }.joined(separator: Array(",".utf8)))
            let body = Array(#"{"events":["#.utf8) + joined + Array(#"],"next":\#(next),"head":2}"#.utf8)
            return try EventPage(.init(bytes: body))
        }
        try journal.storePulled(try page(events, next: 2))
        try journal.storePulled(try page(Array(events.prefix(2)), next: 1))
        #expect(try journal.pulledCount() == 3)
        #expect(try journal.cursor() == 2)
    }

    @Test func aRecordedEventLeavesPendingWhenThePullBringsItBack() throws {
        let journal = try JournalTests.journal()
        let canonical = EventPageTests.event(0)
        let id = try #require(UUID(text: "00000000-0000-4000-8000-000000000000"))
        try journal.record([
            PendingEvent(
                eventId: id, stream: "quota-2025-foreign-labour", expectedVersion: .noStream, type: "CeilingSet",
                data: ["units": 5, "basis": "x"], occurredAt: .now)
        ])
        try journal.update([(id, .sent, nil, position: 0)])
        #expect(try journal.counts()[.sent] == 1)
        let body = Array(#"{"events":["#.utf8) + EventPageTests.wire(canonical) + Array(#"],"next":0,"head":0}"#.utf8)
        try journal.storePulled(try EventPage(.init(bytes: body)))
        #expect(try journal.counts().isEmpty)
    }

    @Test func csvFieldsQuotedAcrossLinesKeepTheirStartingLine() throws {
        let records = try CSV.parse(Array("a,b\n\"x\ny\",\"say \"\"hi\"\"\"\nlast,row".utf8))
        #expect(records.map(\.line) == [1, 2, 4])
        #expect(records[1].fields == ["x\ny", "say \"hi\""])
        #expect(throws: CSV.ParseError.self) { try CSV.parse(Array("a\n\"open".utf8)) }
    }

    @Test func workerPseudonymsMatchTheContractsFormula() {
        // Python: hmac.new(bytes(range(32)), b"UZ:AA1234567", hashlib.sha256).hexdigest()
        let key = (0..<32).map { UInt8($0) }
        let expected = "a87caa7f56cc247712beafdd7f04cbd265457ad8d6d540c811891ca030fabf35"
        #expect(WorkerPseudonym.ref(document: "uz: aa-123 4567", key: key) == expected)
        #expect(WorkerPseudonym.ref(country: "UZ", number: "AA1234567", key: key) == expected)
        #expect(WorkerPseudonym.ref(document: "AA1234567", key: key) == nil)
    }

    @Test func draftsOnOneStreamChainTheirExpectedVersions() {
        let base = PendingEvent(stream: "s", expectedVersion: .noStream, type: "T", data: [:], occurredAt: .now)
        var other = base
        other.stream = "t"
        other.expectedVersion = .exact(4)
        let chained = Drafts.chain([base, other, base, other, base])
        #expect(chained.map(\.expectedVersion) == [.noStream, .exact(4), .exact(0), .exact(5), .exact(1)])
    }
}
