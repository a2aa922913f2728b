import KvotaAudit
import KvotaCore
import NIOCore
import Testing

@testable import KvotaClient

/// Reading pages of `GET /v1/events` without a JSON tree: canonical bytes recovered, hashes checked.
@Suite struct EventPageTests {
    static func event(_ position: Int64, data: String = #"{"units":5}"#) -> [UInt8] {
        let text = """
            {"data":\(data),"eventId":"00000000-0000-4000-8000-\(String(format: "%012d", position))",\
            "meta":{"actor":"m","causationId":null,"deviceId":null,"occurredAt":"2025-01-05T04:00:00.000000Z",\
            "recordedAt":"2025-01-05T04:00:01.000000Z","region":null,"role":"ministry"},"position":\(position),\
            "stream":"quota-2025-foreign-labour","type":"CeilingSet","version":\(position)}
            """
        return Array(text.utf8)
    }

    static func wire(_ canonical: [UInt8], hash: [UInt8]? = nil) -> [UInt8] {
        Array(canonical.dropLast())
            + Array(#","leafHash":"\#(MerkleHash.hex(hash ?? MerkleHash.leaf(canonical)))"}"#.utf8)
    }

    @Test func recoversCanonicalBytesAndChecksHashes() throws {
        let events = (0..<3).map { EventPageTests.event($0, data: #"{"basis":"a \"quoted\" {brace} ]","units":5}"#) }
        let items: [UInt8] = Array(events.map { EventPageTests.wire($0) }.joined(separator: Array(",".utf8)))
        let body = Array(#"{"events":["#.utf8) + items + Array(#"],"next":2,"head":7}"#.utf8)
        let page = try EventPage(ByteBuffer(bytes: body))
        #expect(page.next == 2 && page.head == 7)
        #expect(page.events.map(\.position) == [0, 1, 2])
        #expect(page.events.map { Array($0.body) } == events)
        #expect(page.events[2].leafHash == MerkleHash.leaf(events[2]))
    }

    @Test func aLeafHashThatDoesNotMatchIsRefused() throws {
        let canonical = EventPageTests.event(0)
        let body =
            Array(#"{"events":["#.utf8) + EventPageTests.wire(canonical, hash: MerkleHash.leaf([1]))
            + Array(#"],"next":0,"head":0}"#.utf8)
        #expect(throws: ClientError.self) { try EventPage(ByteBuffer(bytes: body)) }
    }

    @Test func leafHashAnywhereInTheObjectIsAccepted() throws {
        let canonical = EventPageTests.event(4)
        let hash = MerkleHash.hex(MerkleHash.leaf(canonical))
        let moved = Array(#"{"leafHash":"\#(hash)","#.utf8) + Array(canonical.dropFirst())
        let body = Array(#"{"head":4,"events":[ "#.utf8) + moved + Array(#" ],"next":4}"#.utf8)
        let page = try EventPage(ByteBuffer(bytes: body))
        #expect(page.events.first.map { Array($0.body) } == canonical)
    }
}
