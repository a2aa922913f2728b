import Foundation
import KvotaCore

/// The in-order part of verification, in two stages: each event's envelope against the events
/// before it (``EnvelopeRules``), then the server's rules and the quota invariants, then its leaf into
/// the tree. With a chunk of several batches the stages run on threads of their own, the envelope
/// stage a few batches ahead of the rules, while the byte checks run ahead of both on every core.
extension LogVerifier {
    /// Verifies the events of `chunk`, which follow the events verified so far.
    mutating func verify(_ chunk: EventChunk) {
        guard failure == nil, chunk.count > 0 else { return }
        let first = Int64(frontier.size)
        if chunk.count <= batchSize || LogVerifier.cores == 1 {
            var scratch = Scratch()
            let checked = LogVerifier.check(chunk, 0..<chunk.count, first: first, scratch: &scratch)
            let (checkedUpTo, envelopeFailure) = envelope.check(checked, first: first)
            replay(checked, first: first, upTo: checkedUpTo, then: envelopeFailure)
            return
        }
        let pipeline = CheckPipeline(chunk: chunk, first: first, batchSize: batchSize, checkers: LogVerifier.cores)
        let stage = EnvelopeStage(pipeline, first: first)
        stage.start(&envelope)
        defer {
            stage.finish(into: &envelope)
            pipeline.finish()
        }
        for (index, range) in pipeline.ranges.enumerated() {
            let (checked, checkedUpTo, envelopeFailure) = stage.take(index)
            replay(checked, first: first + Int64(range.lowerBound), upTo: checkedUpTo, then: envelopeFailure)
            if failure != nil { return }
        }
    }

    /// Replays the first `count` checked events (the first at `first`) through the rules, up to the
    /// first failure; `then`, when none, is the failure of the event after them.
    private mutating func replay(
        _ checked: [Result<CheckedEvent, Failure>], first: Int64, upTo count: Int, then: Failure?
    ) {
        for offset in 0..<count {
            guard case .success(let event) = checked[offset] else { continue }
            if let failure = replay(event, position: first + Int64(offset)) {
                self.failure = failure
                return
            }
        }
        if let then { failure = then }
    }

    /// One event, whose bytes and envelope passed, at `position`.
    private mutating func replay(_ event: CheckedEvent, position: Int64) -> Failure? {
        let domain: DomainEvent
        switch event.domain {
        case .failure(let rejection): return .refused(.rejected(rejection), position: position)
        case .success(let typed): domain = typed
        }
        // The server decides an item with its clock at append: the event's recordedAt (the envelope
        // stage has checked that there is one).
        guard let recordedAt = event.meta.recordedAt else {
            return Failure(.recordedAtDecreasing, position: position, "meta.recordedAt is missing")
        }
        let context = DecisionContext(meta: event.meta, recordedAt: recordedAt)
        if let refusal = state.decide(domain, context: context) { return .refused(refusal, position: position) }
        if let breach = state.invariantBreach(before: domain) { return .invariant(breach, position: position) }
        state.evolve(domain, position: position)
        if let breach = state.invariantBreach(after: domain) { return .invariant(breach, position: position) }

        frontier.append(event.leafHash)
        if event.version == 0 { streams += 1 }
        if let expected = expectedRoots.removeValue(forKey: frontier.size) {
            if let failure = compareRoot(expected: expected) { return failure }
            checkedSizes.append(frontier.size)
        }
        return nil
    }
}

/// The envelope rules, with what they remember of the events before: eventIds unique, each stream's
/// versions 0, 1, 2, ..., `recordedAt` never decreasing, `meta` fit for its role, `causationId`
/// naming an earlier event.
struct EnvelopeRules: Sendable {
    /// Every eventId so far.
    var eventIds: Set<UUID> = []
    /// The last version of each stream.
    var streamVersions: [StreamKey: Int64] = [:]
    var lastRecordedAt: Timestamp?

    /// Makes room for `events` more events (from a checkpoint's size), so the sets do not grow by
    /// rehashing as the replay goes.
    mutating func reserve(events: Int) {
        eventIds.reserveCapacity(eventIds.count + events)
        streamVersions.reserveCapacity(streamVersions.count + events / 2)
    }

    /// Checks a batch's events (the first at `first`) in order: how many passed before the first that
    /// failed (its bytes or its envelope), and that failure.
    mutating func check(_ checked: [Result<CheckedEvent, LogVerifier.Failure>], first: Int64) -> (
        Int, LogVerifier.Failure?
    ) {
        for (offset, result) in checked.enumerated() {
            switch result {
            case .failure(let failure): return (offset, failure)
            case .success(let event):
                if let failure = check(event, position: first + Int64(offset)) { return (offset, failure) }
            }
        }
        return (checked.count, nil)
    }

    /// One event's envelope, recording its id, version and time for the events after it.
    mutating func check(_ event: CheckedEvent, position: Int64) -> LogVerifier.Failure? {
        let meta = event.meta
        guard eventIds.insert(event.eventId).inserted else {
            return LogVerifier.Failure(
                .duplicateEventId, position: position,
                "eventId \(event.eventId.lowercased) was used by an earlier event")
        }
        if let cause = meta.causationId, cause == event.eventId || !eventIds.contains(cause) {
            return LogVerifier.Failure(
                .unknownCause, position: position,
                "meta.causationId \(cause.lowercased) names no earlier event")
        }
        var previous: Int64 = -1
        let version = event.version
        let follows = { (last: inout Int64) -> Bool in
            previous = last
            guard version == last + 1 else { return false }
            last = version
            return true
        }(&streamVersions[event.stream, default: -1])
        guard follows else {
            let message =
                previous < 0
                ? "stream \(event.stream) starts at version \(version), not 0"
                : "version \(version) of stream \(event.stream) follows \(previous)"
            return LogVerifier.Failure(.versionGap, position: position, message)
        }
        guard let recordedAt = meta.recordedAt else {
            return LogVerifier.Failure(.recordedAtDecreasing, position: position, "meta.recordedAt is missing")
        }
        if let last = lastRecordedAt, recordedAt < last {
            return LogVerifier.Failure(
                .recordedAtDecreasing, position: position,
                "meta.recordedAt \(recordedAt.rfc3339) is before the previous event's \(last.rfc3339)")
        }
        lastRecordedAt = recordedAt
        if let problem = LogVerifier.metaProblem(event) {
            return LogVerifier.Failure(.invalidMeta, position: position, problem)
        }
        return nil
    }
}

extension LogVerifier {
    /// What is wrong with the event's `meta` for its role, or nil.
    static func metaProblem(_ event: CheckedEvent) -> String? {
        let meta = event.meta
        switch meta.role {
        case "region":
            guard let region = meta.region, Region(code: region) != nil else {
                return
                    "meta.region \(meta.region ?? "null") of a region token's event is not one of the 20 region codes"
            }
        case "ministry":
            if let region = meta.region, Region(code: region) == nil {
                return "meta.region \(region) is not one of the 20 region codes"
            }
        case "system":
            guard event.type == "PermitExpired" else {
                return "the server (role system) records only PermitExpired, not \(event.type)"
            }
            guard meta.actor == "kvotad", meta.region == nil, meta.deviceId == nil, meta.causationId == nil else {
                return "the server's events have actor kvotad and no region, deviceId or causationId"
            }
            let derived = DerivedEventID.once(stream: event.stream.name, type: event.type)
            guard event.eventId == derived else {
                return "the server's PermitExpired on \(event.stream) has the derived eventId \(derived.lowercased), "
                    + "not \(event.eventId.lowercased)"
            }
        default:
            return "meta.role must be region, ministry or system, not \(meta.role)"
        }
        return nil
    }
}
