import KvotaCore
import Testing

@Suite("AppendStatus, Rejection and Conflict")
struct AppendStatusTests {
    @Test("accepted and duplicate count as applied and carry a position; the others do not")
    func applied() {
        let rejection = Rejection(code: "forbidden", message: "no")
        let conflict = Conflict(code: "version", message: "moved", current: JSONObject())
        #expect(AppendStatus.accepted(position: 4, version: 1).isApplied)
        #expect(AppendStatus.duplicate(position: 3, version: 0).isApplied)
        #expect(!AppendStatus.rejected(rejection).isApplied)
        #expect(!AppendStatus.blocked(by: Fixtures.uuid(1)).isApplied)
        #expect(!AppendStatus.conflict(conflict).isApplied)
        #expect(AppendStatus.accepted(position: 4, version: 1).position == 4)
        #expect(AppendStatus.duplicate(position: 3, version: 0).position == 3)
        #expect(AppendStatus.rejected(rejection).position == nil)
        #expect(AppendStatus.conflict(conflict).position == nil)
    }

    @Test("a rejection from an envelope error has code invalid-field, the field and a message naming it")
    func rejectionFromEnvelopeError() {
        let rejection = Rejection(EnvelopeError(field: "meta.occurredAt", message: "is required"))
        #expect(
            rejection
                == Rejection(code: "invalid-field", message: "meta.occurredAt is required", field: "meta.occurredAt"))
        #expect(rejection.description == "invalid-field: meta.occurredAt is required")
    }

    @Test("a version conflict says what the stream is at and what the writer expected, with current.version")
    func versionConflict() {
        let missing = Conflict.version(stream: "permit-1", expected: .exact(3), current: -1)
        #expect(missing.code == "version")
        #expect(missing.message == "stream permit-1 does not exist, but the writer expected 3")
        #expect(missing.current == JSONObject(["version": -1]))
        let moved = Conflict.version(stream: "permit-1", expected: .noStream, current: 4)
        #expect(moved.message == "stream permit-1 is at version 4, but the writer expected no stream")
        #expect(moved.current["version"] == 4)
        #expect(moved.description == "version: stream permit-1 is at version 4, but the writer expected no stream")
    }
}
