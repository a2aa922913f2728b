import Foundation
import KvotaCore
import Testing

/// The byte-level readers of the rules' hot path (region codes, country codes, BINs, dates, stream
/// names, UUIDs) give exactly what the general readers gave, on good and bad input alike.
@Suite("Fast readers agree with the general ones")
struct FastReadTests {
    @Test("Region(code:) is Region(rawValue:) for every code and near misses, non-ASCII included")
    func regions() {
        var texts = Region.allCases.map(\.rawValue)
        texts += ["KZ-00", "KZ-7", "KZ-755", "kz-75", "KZ 75", "", "KZ-7a", "XZ-75", "KZ-99"]
        texts += ["\u{212A}Z-75", "KZ-7\u{0661}", "KZ\u{2010}75"]  // Kelvin sign, Arabic-Indic digit, hyphen
        for text in texts {
            #expect(Region(code: text) == Region(rawValue: text), "\(text)")
        }
    }

    @Test("regions, categories and lines hash and compare by case")
    func enumKeys() {
        let regions = Set(Region.allCases)
        #expect(regions.count == 20)
        #expect(Set(PermitCategory.allCases).count == 6)
        #expect(PermitCategory.allCases.sorted() == PermitCategory.allCases)
        #expect(Set(QuotaLine.allCases).count == 2)
        #expect(QuotaLine.foreignLabour != .householdImmigrant)
    }

    @Test("CountryCode reads assigned codes only")
    func countries() {
        #expect(CountryCode("KZ")?.code == "KZ")
        #expect(CountryCode("UZ")?.code == "UZ")
        for text in ["ZZ", "kz", "K", "KZZ", "", "AA", "\u{212A}Z", "1Z"] {
            #expect(CountryCode(text) == nil, "\(text)")
        }
    }

    @Test("BIN refuses what is not 12 digits with a check digit")
    func bins() {
        #expect(BIN("040740001129") != nil)
        #expect(BIN("123456789013") != nil)
        for text in [
            "040740001128", "04074000112", "0407400011290", "04074000112a", "06870986119" + "0", "٠٤٠٧٤٠٠٠١١٢٩",
        ] {
            #expect(BIN(text) == nil, "\(text)")
        }
    }

    @Test("CalendarDate and UUID read from text")
    func datesAndIds() {
        #expect(CalendarDate("2026-02-28")?.description == "2026-02-28")
        #expect(CalendarDate("2026-02-29") == nil)
        #expect(CalendarDate("2026-2-28") == nil)
        let id = UUID()
        #expect(UUID(text: id.uuidString) == id)
        #expect(UUID(text: id.lowercased) == id)
        #expect(UUID(text: Substring(id.lowercased)) == id)
        #expect(UUID(text: id.lowercased + "0") == nil)
        #expect(UUID(text: String(id.lowercased.dropLast())) == nil)
    }

    @Test("UUID(text:) agrees with Foundation's parser on every byte at every offset")
    func uuidMutations() {
        let id = UUID(uuidString: "3F2A09BC-DE00-4000-8FFF-0123456789AB")!
        let texts = [id.uuidString, id.lowercased]
        // A byte of each kind: digits at their ends, letters either case at the hex range's ends and
        // just past them, the hyphen, punctuation around the ranges, non-ASCII.
        let bytes: [UInt8] = [
            0, 0x2D, 0x2F, 0x30, 0x39, 0x3A, 0x40, 0x41, 0x46, 0x47, 0x60, 0x61, 0x66, 0x67, 0x7F, 0xC3,
        ]
        for text in texts {
            let original = Array(text.utf8)
            for offset in original.indices {
                for byte in bytes {
                    var mutated = original
                    mutated[offset] = byte
                    let string = String(decoding: mutated, as: UTF8.self)
                    // The form itself: 36 bytes, hyphens at 8, 13, 18, 23 and hex digits elsewhere.
                    // (Foundation's parser is no oracle here: it reads past some non-ASCII bytes.)
                    let units = Array(string.utf8)
                    let hexDigits = Set("0123456789abcdefABCDEF".utf8)
                    let wellFormed =
                        units.count == 36
                        && units.indices.allSatisfy { index in
                            [8, 13, 18, 23].contains(index)
                                ? units[index] == UInt8(ascii: "-") : hexDigits.contains(units[index])
                        }
                    #expect(UUID(text: string) == (wellFormed ? UUID(uuidString: string) : nil), "\(string)")
                    if wellFormed { #expect(UUID(text: string) != nil) }
                }
            }
        }
        for _ in 0..<2_000 {
            let random = UUID()
            #expect(UUID(text: random.lowercased) == random)
            #expect(UUID(text: random.uuidString) == random)
        }
    }

    @Test("WorkerRef and BIN read every byte the general way would")
    func workerRefsAndBINs() {
        let hex = String(repeating: "0123456789abcdef", count: 4)
        let lowercaseHex = Set("0123456789abcdef".utf8)
        for offset in 0..<64 {
            for byte in UInt8(0x20)...UInt8(0x7E) {
                var mutated = Array(hex.utf8)
                mutated[offset] = byte
                let text = String(decoding: mutated, as: UTF8.self)
                #expect((WorkerRef(text) != nil) == lowercaseHex.contains(byte), "\(text)")
                if lowercaseHex.contains(byte) { #expect(WorkerRef(text)?.hex == text) }
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let digits = (0..<12).map { _ in Int.random(in: 0...9, using: &generator) }
            let text = digits.map(String.init).joined()
            let valid = BIN.checkDigit(digits[0..<11]) == digits[11]
            #expect((BIN(text) != nil) == valid, "\(text)")
        }
    }

    @Test("stream names read the same by the fast and the general path")
    func streams() throws {
        let id = UUID(uuidString: "3F2A0000-0000-4000-8000-00000000ABCD")!
        #expect(try StreamRef("application-\(id.lowercased)") == .application(id))
        #expect(try StreamRef("permit-\(id.lowercased)") == .permit(id))
        #expect(try StreamRef("employer-040740001129") == .employer(BIN("040740001129")!))
        #expect(try StreamRef("quota-2026-foreign-labour") == .quota(QuotaKey(year: 2026, line: .foreignLabour)))
        for bad in [
            "application-\(id.uuidString)", "permit-\(id.lowercased)x", "employer-040740001128",
            "permit--\(id.lowercased)",
            "application_\(id.lowercased)", "quota-02026-foreign-labour",
        ] {
            #expect(throws: Rejection.self, "\(bad)") { try StreamRef(bad) }
        }
        let refusal = try? #require(throws: Rejection.self) { try StreamRef("permit-\(id.uuidString)") }
        #expect(refusal?.message == "stream must be permit-<lowercase uuid>")
    }

    @Test("an unknown event type and a misplaced one are refused as before")
    func types() {
        let unknown = try? #require(throws: Rejection.self) {
            try DomainEvent(stream: "permit-3f2a0000-0000-4000-8000-00000000abcd", type: "PermitIssuedX", data: [:])
        }
        #expect(unknown?.code == "unknown-type")
        #expect(unknown?.message == "type PermitIssuedX is not an event type of Kvota")
        let misplaced = try? #require(throws: Rejection.self) {
            try DomainEvent(stream: "permit-3f2a0000-0000-4000-8000-00000000abcd", type: "CeilingSet", data: [:])
        }
        #expect(misplaced?.message == "stream: CeilingSet belongs in a quota- stream")
        let unknownField = try? #require(throws: Rejection.self) {
            try DomainEvent(
                stream: "permit-3f2a0000-0000-4000-8000-00000000abcd", type: "PermitExpired", data: ["zz": 1, "a": 2])
        }
        #expect(unknownField?.field == "data.a")
    }
}

@Suite("Compact domain values keep their text")
struct CompactValueTests {
    @Test("worker refs, countries and sections read back as written and compare as their text")
    func roundTrip() throws {
        let hex = String(repeating: "0123456789abcdef", count: 4)
        let worker = try #require(WorkerRef(hex))
        #expect(worker.hex == hex)
        #expect(worker.description == hex)
        #expect(WorkerRef(String(hex.reversed())) != worker)
        #expect(WorkerRef(hex.uppercased()) == nil)
        #expect(WorkerRef(String(hex.dropLast())) == nil)
        #expect(WorkerRef(String(hex.dropLast()) + "g") == nil)
        #expect(Set([worker, WorkerRef(hex)!]).count == 1)
        #expect(CountryCode("UZ")?.code == "UZ")
        #expect(CountryCode("TJ")! < CountryCode("UZ")!)
        #expect(CountryCode("UA")! < CountryCode("UZ")!)
        #expect(OKEDSection("F")?.letter == "F")
        #expect(OKEDSection("A")! < OKEDSection("F")!)
        #expect(OKEDSection("V") == nil)
    }
}
