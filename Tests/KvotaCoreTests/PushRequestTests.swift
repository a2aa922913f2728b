import Foundation
import KvotaCore
import Testing

@Suite("Push requests read from the wire")
struct PushRequestTests {
    static func parse(_ text: String) throws -> PushRequest {
        try PushRequest.parse(Array(text.utf8), maxEvents: 100)
    }

    @Test("an item keeps its own eventId; items without a usable one get distinct fresh ids and are malformed")
    func eventIds() throws {
        let given = "0f8fad5b-d9cb-469f-a165-70867728950e"
        let item = #""stream":"s","type":"T","data":{},"occurredAt":"2025-03-01T09:30:00Z""#
        let request = try Self.parse(
            #"{"deviceId":"d","events":[{"eventId":"\#(given)",\#(item)},{\#(item)},{\#(item)},"#
                + #"{"eventId":"not-a-uuid",\#(item)},{"eventId":7,\#(item)}]}"#)
        #expect(request.items.count == 5)
        #expect(request.items[0].eventId.lowercased == given)
        #expect(request.items[0].malformed == nil)
        let fresh = request.items.dropFirst().map(\.eventId)
        #expect(request.items.dropFirst().allSatisfy { $0.malformed != nil })
        #expect(Set(fresh).count == 4)
        #expect(!fresh.contains(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))))
        #expect(!fresh.contains(request.items[0].eventId))
        #expect(request.items[3].malformed?.field == "eventId")
        #expect(request.items[1].malformed?.field == "eventId")
    }
}
