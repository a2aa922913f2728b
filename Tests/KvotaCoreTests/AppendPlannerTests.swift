import Foundation
import KvotaCore
import Testing

private let recordedAt = Fixtures.time("2025-12-01T12:00:00.123456Z")
private func id(_ n: UInt8) -> UUID { Fixtures.uuid(n) }

private func event(
    _ n: UInt8, _ stream: String, expected: ExpectedVersion = .any, type: String = "PermitIssued",
    data: JSONObject = JSONObject(["region": "KZ-75"]), causedBy cause: UUID? = nil
) -> ProposedEvent {
    Fixtures.event(n, stream, expected: expected, type: type, data: data, causedBy: cause)
}

private func planner(
    stored: [UUID: LogSnapshot.StoredEvent] = [:], streams: [String: LogSnapshot.StreamHead] = [:], next: Int64 = 0
) -> AppendPlanner<NoPolicy> {
    AppendPlanner(
        snapshot: LogSnapshot(stored: stored, streams: streams, nextPosition: next, recordedAt: recordedAt),
        policy: NoPolicy())
}

private func unknownCause(_ cause: UUID) -> AppendStatus {
    .rejected(
        Rejection(
            code: "unknown-cause",
            message: "causationId \(cause.lowercased) is neither an earlier item of this batch nor a stored event",
            field: "causationId"))
}

private func versionConflict(_ stream: String, _ expected: ExpectedVersion, current: Int64) -> AppendStatus {
    .conflict(.version(stream: stream, expected: expected, current: current))
}

@Suite("AppendPlanner: what happens to each pushed item")
struct AppendPlannerTests {
    @Test("an event for a new stream is accepted at the next position, version 0, with the append's recordedAt")
    func acceptNewStream() throws {
        var planner = planner(next: 10)
        let proposed = event(1, "permit-a", expected: .noStream)
        #expect(planner.plan([proposed]) == [.accepted(position: 10, version: 0)])

        let planned = try #require(planner.planned.first)
        #expect(planner.planned.count == 1)
        #expect(planned.scopeRegion == "KZ-75")
        var expectedMeta = proposed.meta
        expectedMeta.recordedAt = recordedAt
        #expect(
            planned.event
                == RecordedEvent(
                    eventId: id(1), stream: "permit-a", version: 0, position: 10, type: "PermitIssued",
                    data: proposed.data,
                    meta: expectedMeta))
        #expect(planner.snapshot.nextPosition == 11)
        #expect(planner.snapshot.streams["permit-a"] == LogSnapshot.StreamHead(version: 0, region: "KZ-75"))
        #expect(planner.snapshot.stored[id(1)] == LogSnapshot.StoredEvent(position: 10, version: 0))
    }

    @Test("an empty batch plans nothing")
    func emptyBatch() {
        var planner = planner(next: 3)
        #expect(planner.plan([]).isEmpty)
        #expect(planner.planned.isEmpty)
        #expect(planner.snapshot.nextPosition == 3)
    }

    @Test("a stored eventId is a duplicate even if its envelope is now invalid, and counts as applied")
    func duplicatePrecedence() {
        var planner = planner(
            stored: [id(1): .init(position: 5, version: 2), id(2): .init(position: 6, version: 0)],
            streams: ["permit-a": .init(version: 2, region: "KZ-75")], next: 7)
        let statuses = planner.plan([
            event(1, "Not A Stream", expected: .exact(99), type: "lowercase", causedBy: id(200)),
            event(3, "permit-a", causedBy: id(1)),
            event(2, "permit-z", expected: .noStream),
        ])
        #expect(
            statuses == [
                .duplicate(position: 5, version: 2), .accepted(position: 7, version: 3),
                .duplicate(position: 6, version: 0),
            ])
        #expect(planner.planned.map(\.event.eventId) == [id(3)])
    }

    @Test("the same eventId twice in one batch: the second is a duplicate of the first")
    func duplicateInsideBatch() {
        var planner = planner()
        let item = event(1, "permit-a")
        #expect(
            planner.plan([item, item]) == [.accepted(position: 0, version: 0), .duplicate(position: 0, version: 0)])
        #expect(planner.planned.count == 1)
    }

    @Test("an invalid envelope is rejected with the field; rejection takes precedence over blocking")
    func rejectedEnvelope() {
        var planner = planner()
        let statuses = planner.plan([
            event(1, "Permit-A"),
            event(2, "permit-b", type: "permitIssued"),
            event(3, "Permit-A"),
            event(4, "permit-b"),
        ])
        #expect(
            statuses == [
                .rejected(
                    Rejection(
                        code: "invalid-field",
                        message: "stream must be <category>-<id>: lowercase letters, '-', then letters, digits and '-'",
                        field: "stream")),
                .rejected(
                    Rejection(
                        code: "invalid-field", message: "type must be 1 to 64 letters and digits, starting uppercase",
                        field: "type")),
                .rejected(
                    Rejection(
                        code: "invalid-field",
                        message: "stream must be <category>-<id>: lowercase letters, '-', then letters, digits and '-'",
                        field: "stream")),
                .blocked(by: id(2)),
            ])
        #expect(planner.planned.isEmpty)
        #expect(planner.snapshot.nextPosition == 0)
    }

    @Test("a cause that is an earlier applied item of the batch, or a stored event, is fine")
    func knownCauses() {
        var planner = planner(stored: [id(50): .init(position: 0, version: 0)], next: 1)
        let statuses = planner.plan([
            event(1, "application-a"),
            event(2, "permit-b", causedBy: id(1)),
            event(3, "permit-c", causedBy: id(50)),
            event(4, "permit-d", causedBy: id(2)),
        ])
        #expect(
            statuses == [
                .accepted(position: 1, version: 0), .accepted(position: 2, version: 0),
                .accepted(position: 3, version: 0),
                .accepted(position: 4, version: 0),
            ])
        #expect(planner.planned[1].event.meta.causationId == id(1))
    }

    @Test("an item whose cause failed earlier in the batch is blocked by that cause")
    func failedCauseBlocks() {
        var planner = planner()
        let statuses = planner.plan([
            event(1, "application-a", expected: .exact(5)),
            event(2, "permit-b", causedBy: id(1)),
            event(3, "permit-c", causedBy: id(2)),
            event(4, "Bad"),
            event(5, "permit-e", causedBy: id(4)),
        ])
        #expect(statuses[0] == versionConflict("application-a", .exact(5), current: -1))
        #expect(statuses[1] == .blocked(by: id(1)))
        #expect(statuses[2] == .blocked(by: id(2)))
        #expect(statuses[3].isApplied == false)
        #expect(statuses[4] == .blocked(by: id(4)))
        #expect(planner.planned.isEmpty)
    }

    @Test("a cause neither earlier in the batch nor stored is rejected as unknown-cause on field causationId")
    func unknownCauseRejected() {
        var planner = planner()
        let statuses = planner.plan([event(1, "permit-a", causedBy: id(99))])
        #expect(statuses == [unknownCause(id(99))])
        guard case .rejected(let rejection) = statuses[0] else { return }
        #expect(rejection.field == "causationId")
        #expect(rejection.code == "unknown-cause")
    }

    @Test("a cause that appears later in the batch is unknown; the later item itself still applies")
    func causeLaterInBatch() {
        var planner = planner()
        let statuses = planner.plan([event(1, "permit-a", causedBy: id(2)), event(2, "application-b")])
        #expect(statuses == [unknownCause(id(2)), .accepted(position: 0, version: 0)])
    }

    @Test("an unknown cause is rejected even when the stream is already blocked (rejected precedes blocked)")
    func unknownCauseBeforeBlocked() {
        var planner = planner()
        let statuses = planner.plan([
            event(1, "permit-a", expected: .exact(0)),
            event(2, "permit-a", causedBy: id(99)),
        ])
        #expect(statuses[1] == unknownCause(id(99)))
    }

    @Test("in a group commit, an event applied by an earlier submission is a known cause; a failed one is unknown")
    func causesAcrossSubmissions() {
        var planner = planner()
        #expect(planner.plan([event(1, "application-a"), event(2, "Bad")]).map(\.isApplied) == [true, false])
        let statuses = planner.plan([event(3, "permit-b", causedBy: id(1)), event(4, "permit-c", causedBy: id(2))])
        #expect(statuses == [.accepted(position: 1, version: 0), unknownCause(id(2))])
    }

    @Test("after an item fails, later items of the same stream are blocked by the first failure; other streams go on")
    func sameStreamBlocking() {
        var planner = planner(streams: ["permit-a": .init(version: 2, region: "KZ-75")], next: 40)
        let statuses = planner.plan([
            event(1, "permit-a", expected: .exact(5)),
            event(2, "permit-a"),
            event(3, "permit-b"),
            event(4, "permit-a", expected: .exact(2)),
        ])
        #expect(
            statuses == [
                versionConflict("permit-a", .exact(5), current: 2), .blocked(by: id(1)),
                .accepted(position: 40, version: 0),
                .blocked(by: id(1)),
            ])
        #expect(planner.snapshot.streams["permit-a"]?.version == 2)
        // Blocking is per submission: the next batch of the group writes to the stream again.
        #expect(planner.plan([event(5, "permit-a", expected: .exact(2))]) == [.accepted(position: 41, version: 3)])
    }

    @Test("noStream and exact expectations conflict with the stream's current version (-1: missing)")
    func versionConflicts() {
        var planner = planner(streams: ["permit-a": .init(version: 3, region: "KZ-75")], next: 8)
        let statuses = planner.plan([
            event(1, "permit-a", expected: .noStream),
            event(2, "permit-b", expected: .exact(0)),
            event(3, "permit-a", expected: .exact(2)),
        ])
        #expect(
            statuses == [
                versionConflict("permit-a", .noStream, current: 3), versionConflict("permit-b", .exact(0), current: -1),
                .blocked(by: id(1)),
            ])
        #expect(planner.planned.isEmpty)
        guard case .conflict(let conflict) = statuses[0] else { return }
        #expect(conflict.code == "version")
        #expect(conflict.current == JSONObject(["version": 3]))
    }

    @Test("each item sees the versions left by the items before it")
    func sequentialExpectations() {
        var planner = planner(streams: ["permit-a": .init(version: 3, region: "KZ-75")], next: 8)
        let statuses = planner.plan([
            event(1, "permit-a", expected: .exact(3)),
            event(2, "permit-a", expected: .exact(4)),
            event(3, "permit-n", expected: .noStream),
            event(4, "permit-o", expected: .noStream),
            event(5, "permit-n", expected: .noStream),
        ])
        #expect(
            statuses == [
                .accepted(position: 8, version: 4), .accepted(position: 9, version: 5),
                .accepted(position: 10, version: 0),
                .accepted(position: 11, version: 0), versionConflict("permit-n", .noStream, current: 0),
            ])
    }

    @Test("positions stay dense across several submissions planned together (group commit)")
    func densePositionsAcrossPlans() {
        var planner = planner(
            stored: [id(90): .init(position: 50, version: 0)], streams: ["permit-z": .init(version: 0, region: "KZ-1")],
            next: 100)
        let first = planner.plan([
            event(1, "permit-a"), event(2, "permit-z", expected: .noStream), event(3, "permit-a"),
        ])
        let second = planner.plan([event(4, "permit-b"), event(5, "permit-a", expected: .exact(1))])
        let third = planner.plan([
            event(1, "permit-a"), event(90, "permit-z"), event(6, "Quota-2025"), event(7, "quota-2025-foreign-labour"),
            event(8, "permit-z", expected: .exact(0)),
        ])
        #expect(
            first == [
                .accepted(position: 100, version: 0), versionConflict("permit-z", .noStream, current: 0),
                .accepted(position: 101, version: 1),
            ])
        #expect(second == [.accepted(position: 102, version: 0), .accepted(position: 103, version: 2)])
        #expect(third[0] == .duplicate(position: 100, version: 0))
        #expect(third[1] == .duplicate(position: 50, version: 0))
        #expect(third[2].isApplied == false)
        #expect(third[3] == .accepted(position: 104, version: 0))
        #expect(third[4] == .accepted(position: 105, version: 1))

        #expect(planner.planned.map(\.event.position) == Array(100...105))
        #expect(planner.planned.map(\.event.eventId) == [id(1), id(3), id(4), id(5), id(7), id(8)])
        #expect(planner.planned.map(\.event.version) == [0, 1, 0, 2, 0, 1])
        #expect(planner.planned.allSatisfy { $0.event.meta.recordedAt == recordedAt })
        #expect(planner.snapshot.nextPosition == 106)
    }

    @Test("the scope region comes from the stream head when the stream exists, else from the first event's data")
    func scopeRegion() {
        var planner = planner(
            streams: [
                "permit-old": .init(version: 0, region: "KZ-75"), "permit-unscoped": .init(version: 4, region: nil),
            ])
        _ = planner.plan([
            event(1, "permit-old", data: JSONObject(["region": "KZ-11"])),
            event(2, "permit-new", data: JSONObject(["region": "KZ-11"])),
            event(3, "permit-new", data: JSONObject(["region": "KZ-99"])),
            event(4, "quota-2025-foreign-labour", data: JSONObject(["region": "KZ-11", "units": 10])),
            event(5, "employer-123456789012", data: JSONObject(["region": "KZ-11"])),
            event(6, "permit-unscoped", data: JSONObject(["region": "KZ-11"])),
            event(7, "application-x", data: JSONObject(["year": 2025])),
            event(8, "application-x", data: JSONObject(["region": "KZ-11"])),
        ])
        _ = planner.plan([event(9, "permit-new", data: JSONObject(["region": "KZ-42"]))])
        #expect(
            planner.planned.map(\.scopeRegion) == ["KZ-75", "KZ-11", "KZ-11", nil, nil, nil, nil, nil, "KZ-11"])
        #expect(planner.snapshot.streams["permit-new"] == LogSnapshot.StreamHead(version: 2, region: "KZ-11"))
    }
}

/// What a test policy saw: the verdicts it was asked for and the events it applied.
private final class PolicyLog {
    struct Ask: Equatable {
        var eventId: UUID
        var version: Int64
    }
    var asked: [Ask] = []
    var applied: [RecordedEvent] = []
}

/// A policy like the quota rules: at most `limit` PermitIssued events, and type `Forbidden` is refused.
private struct LimitPolicy: AppendPolicy {
    let log: PolicyLog
    let limit: Int
    var issued = 0

    mutating func verdict(on event: ProposedEvent, version: Int64) -> AppendStatus? {
        log.asked.append(.init(eventId: event.eventId, version: version))
        if event.type == "Forbidden" {
            return .rejected(Rejection(code: "forbidden", message: "region tokens may not write Forbidden"))
        }
        if event.type == "PermitIssued" && issued >= limit {
            return .conflict(
                Conflict(
                    code: "quota-exhausted", message: "no units left",
                    current: JSONObject(["inUse": .int(Int64(issued))])))
        }
        return nil
    }

    mutating func apply(_ event: RecordedEvent) {
        log.applied.append(event)
        if event.type == "PermitIssued" { issued += 1 }
    }
}

@Suite("AppendPlanner with a domain policy")
struct AppendPlannerPolicyTests {
    @Test("the policy is asked only for items that pass the envelope, cause, blocking and version checks")
    func policyVerdicts() {
        let log = PolicyLog()
        var planner = AppendPlanner(
            snapshot: LogSnapshot(
                stored: [id(60): .init(position: 0, version: 0)],
                streams: ["permit-e": .init(version: 4, region: "KZ-75")],
                nextPosition: 1, recordedAt: recordedAt),
            policy: LimitPolicy(log: log, limit: 1))
        let statuses = planner.plan([
            event(1, "permit-a"),
            event(2, "permit-b"),
            event(3, "permit-c", type: "Forbidden"),
            event(4, "permit-b", type: "PermitExtended"),
            event(5, "permit-d", expected: .exact(5)),
            event(60, "permit-a"),
            event(6, "Bad"),
            event(7, "permit-e", type: "PermitExtended"),
            event(8, "permit-f", type: "PermitRevoked", causedBy: id(3)),
        ])
        #expect(
            statuses == [
                .accepted(position: 1, version: 0),
                .conflict(
                    Conflict(code: "quota-exhausted", message: "no units left", current: JSONObject(["inUse": 1]))),
                .rejected(Rejection(code: "forbidden", message: "region tokens may not write Forbidden")),
                .blocked(by: id(2)),
                versionConflict("permit-d", .exact(5), current: -1),
                .duplicate(position: 0, version: 0),
                statuses[6],
                .accepted(position: 2, version: 5),
                .blocked(by: id(3)),
            ])
        #expect(
            log.asked == [
                .init(eventId: id(1), version: 0), .init(eventId: id(2), version: 0), .init(eventId: id(3), version: 0),
                .init(eventId: id(7), version: 5),
            ])
        #expect(log.applied.map(\.eventId) == [id(1), id(7)])
        #expect(log.applied == planner.planned.map(\.event))
        #expect(log.applied.allSatisfy { $0.meta.recordedAt == recordedAt })
    }

    @Test("the policy's state carries over between submissions of one group commit, and refusals keep positions dense")
    func policyStateAcrossSubmissions() {
        let log = PolicyLog()
        var planner = AppendPlanner(
            snapshot: LogSnapshot(stored: [:], streams: [:], nextPosition: 0, recordedAt: recordedAt),
            policy: LimitPolicy(log: log, limit: 2))
        let first = planner.plan([event(1, "permit-a"), event(2, "permit-a", type: "Forbidden"), event(3, "permit-b")])
        let second = planner.plan([event(4, "permit-c"), event(5, "quota-2025-foreign-labour", type: "CeilingSet")])
        #expect(first == [.accepted(position: 0, version: 0), first[1], .accepted(position: 1, version: 0)])
        #expect(first[1].isApplied == false)
        #expect(
            second[0]
                == .conflict(
                    Conflict(code: "quota-exhausted", message: "no units left", current: JSONObject(["inUse": 2]))))
        #expect(second[1] == .accepted(position: 2, version: 0))
        #expect(log.applied.map(\.position) == [0, 1, 2])
        #expect(log.asked.map(\.version) == [0, 1, 0, 0, 0])
    }
}
