import Foundation
import KvotaCore

/// The in-order part of verification: each event's envelope against the events before it, then the
/// server's rules and the quota invariants, then its leaf into the tree.
extension LogVerifier {
    /// Verifies the events of `chunk`, which follow the events verified so far: their bytes checked
    /// on every core a few batches ahead, their replay in order on the caller's thread.
    mutating func verify(_ chunk: EventChunk) {
        guard failure == nil, chunk.count > 0 else { return }
        let first = Int64(frontier.size)
        if chunk.count <= batchSize || LogVerifier.cores == 1 {
            var scratch = Scratch()
            replay(LogVerifier.check(chunk, 0..<chunk.count, first: first, scratch: &scratch), first: first)
            return
        }
        let pipeline = CheckPipeline(chunk: chunk, first: first, batchSize: batchSize, checkers: LogVerifier.cores)
        defer { pipeline.finish() }
        for (index, range) in pipeline.ranges.enumerated() {
            replay(pipeline.take(index), first: first + Int64(range.lowerBound))
            if failure != nil { return }
        }
    }

    /// Replays checked events, the first at `first`, up to the first failure.
    private mutating func replay(_ checked: [Result<CheckedEvent, Failure>], first: Int64) {
        for (offset, result) in checked.enumerated() {
            switch result {
            case .failure(let failure):
                self.failure = failure
                return
            case .success(let event):
                if let failure = replay(event, position: first + Int64(offset)) {
                    self.failure = failure
                    return
                }
            }
        }
    }

    /// One event, whose bytes passed, at `position`.
    private mutating func replay(_ event: CheckedEvent, position: Int64) -> Failure? {
        if let failure = checkEnvelope(event, position: position) { return failure }
        let domain: DomainEvent
        switch event.domain {
        case .failure(let rejection): return .refused(.rejected(rejection), position: position)
        case .success(let typed): domain = typed
        }
        // The server decides an item with its clock at append: the event's recordedAt.
        let context = DecisionContext(meta: event.meta, recordedAt: event.meta.recordedAt!)
        if let refusal = state.decide(domain, context: context) { return .refused(refusal, position: position) }
        if let breach = state.invariantBreach(before: domain) { return .invariant(breach, position: position) }
        state.evolve(domain, position: position)
        if let breach = state.invariantBreach(after: domain) { return .invariant(breach, position: position) }

        frontier.append(event.leafHash)
        if let expected = expectedRoots.removeValue(forKey: frontier.size) {
            if let failure = compareRoot(expected: expected) { return failure }
            checkedSizes.append(frontier.size)
        }
        return nil
    }

    /// The envelope rules, recording the event's id, version and time for the events after it.
    private mutating func checkEnvelope(_ event: CheckedEvent, position: Int64) -> Failure? {
        let meta = event.meta
        guard eventIds.insert(event.eventId).inserted else {
            return Failure(
                .duplicateEventId, position: position,
                "eventId \(event.eventId.lowercased) was used by an earlier event")
        }
        if let cause = meta.causationId, cause == event.eventId || !eventIds.contains(cause) {
            return Failure(
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
            return Failure(.versionGap, position: position, message)
        }
        guard let recordedAt = meta.recordedAt else {
            return Failure(.recordedAtDecreasing, position: position, "meta.recordedAt is missing")
        }
        if let last = lastRecordedAt, recordedAt < last {
            return Failure(
                .recordedAtDecreasing, position: position,
                "meta.recordedAt \(recordedAt.rfc3339) is before the previous event's \(last.rfc3339)")
        }
        lastRecordedAt = recordedAt
        if let problem = LogVerifier.metaProblem(event) {
            return Failure(.invalidMeta, position: position, problem)
        }
        return nil
    }

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
