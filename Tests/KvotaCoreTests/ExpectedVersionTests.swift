import KvotaCore
import Testing

@Suite("ExpectedVersion: wire form and optimistic concurrency check")
struct ExpectedVersionTests {
    @Test(
        "wire values map to cases and back",
        arguments: [
            (nil, ExpectedVersion.any), (-1, .noStream), (0, .exact(0)), (7, .exact(7)), (Int64.max, .exact(.max)),
        ]
            as [(Int64?, ExpectedVersion)])
    func wireMapping(wire: Int64?, expected: ExpectedVersion) {
        #expect(ExpectedVersion(wire: wire) == expected)
        #expect(expected.wire == wire)
    }

    @Test("versions below -1 are not a valid expectation", arguments: [Int64(-2), -100, .min])
    func invalidWire(wire: Int64) {
        #expect(ExpectedVersion(wire: wire) == nil)
    }

    @Test("any accepts every state; noStream only a missing stream; exact only that version")
    func satisfaction() {
        for current: Int64 in [-1, 0, 1, 41] {
            #expect(ExpectedVersion.any.isSatisfied(byCurrent: current))
            #expect(ExpectedVersion.noStream.isSatisfied(byCurrent: current) == (current == -1))
            #expect(ExpectedVersion.exact(0).isSatisfied(byCurrent: current) == (current == 0))
            #expect(ExpectedVersion.exact(41).isSatisfied(byCurrent: current) == (current == 41))
        }
    }

    @Test("descriptions read as the writer's expectation")
    func descriptions() {
        #expect(ExpectedVersion.any.description == "any")
        #expect(ExpectedVersion.noStream.description == "no stream")
        #expect(ExpectedVersion.exact(12).description == "12")
    }
}
