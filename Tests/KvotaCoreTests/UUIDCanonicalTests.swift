import Foundation
import KvotaCore
import Testing

@Suite("UUID canonical text and bytes")
struct UUIDCanonicalTests {
    @Test("the canonical text is lowercase and hyphenated, whatever case it was read from")
    func lowercased() throws {
        let id = try #require(UUID(uuidString: "3F2A0C4E-1B2D-4E5F-8A9B-0C1D2E3F4A5B"))
        #expect(id.lowercased == "3f2a0c4e-1b2d-4e5f-8a9b-0c1d2e3f4a5b")
        #expect(id.lowercased == id.uuidString.lowercased())
        #expect(UUID(uuidString: id.lowercased) == id)
    }

    @Test("the 16 bytes are the UUID in network order, and read back")
    func bytes() throws {
        let id = try #require(UUID(uuidString: "00112233-4455-6677-8899-aabbccddeeff"))
        #expect(
            id.bytes == [
                0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF,
            ])
        #expect(UUID(bytes: id.bytes) == id)
        #expect(UUID(bytes: id.bytes[2...] + [0, 0]) != id)
    }

    @Test("writeLowercased appends the canonical text to what is there")
    func appendingWriter() throws {
        let id = try #require(UUID(uuidString: "00112233-4455-6677-8899-AABBCCDDEEFF"))
        var out = Array("id=".utf8)
        id.writeLowercased(to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "id=00112233-4455-6677-8899-aabbccddeeff")
    }

    @Test("anything but 16 bytes is not a UUID")
    func wrongLength() {
        #expect(UUID(bytes: [UInt8](repeating: 0, count: 15)) == nil)
        #expect(UUID(bytes: [UInt8](repeating: 0, count: 17)) == nil)
        #expect(UUID(bytes: [UInt8]()) == nil)
    }

    @Test("random UUIDs round-trip through text and bytes")
    func randomRoundTrip() {
        for _ in 0..<200 {
            let id = UUID()
            #expect(UUID(uuidString: id.lowercased) == id)
            #expect(UUID(bytes: id.bytes) == id)
            #expect(id.lowercased.count == 36)
        }
    }
}
