import Foundation
public import KvotaCore

/// Verifies a whole log from its stored bytes, without trusting the server that sent them: the
/// engine of `kvota audit verify`. Pure: it takes the events handed to it, in position order from 0,
/// in chunks of any size, and does no IO.
///
/// For each event it checks, and stops at the first position where something fails:
/// - the bytes: they read as an event whose `position` is its index, they are exactly its canonical
///   encoding, and (when the log claims one) the recomputed RFC 6962 leaf hash is the claimed one;
/// - the envelope: eventIds unique, each stream's versions 0, 1, 2, ..., `recordedAt` never
///   decreasing, `meta` fit for its role, `causationId` naming an earlier event;
/// - the rules: the event is decided by the server's own code (``QuotaState/decide(_:context:)``,
///   with the server's date of acceptance from `recordedAt`) against the state before it, must be
///   accepted, and is folded in by ``QuotaState/evolve(_:position:)``; then the quota invariants
///   are checked on the new state;
/// - the tree: the leaf extends a ``MerkleFrontier``, and at every tree size with an expected root
///   (a checkpoint's) the root must match. A saved checkpoint of an earlier run is checked the same
///   way, which proves consistency more strongly than a proof would: the root is recomputed.
///
/// The per-event byte work (read, canonical check, leaf hash, typed read) runs on all cores;
/// the replay runs in order.
///
/// ```swift
/// var verifier = LogVerifier()
/// verifier.expect(try Checkpoint.open(note, verifiers: [pinnedKey]))  // the server's, signed
/// if let saved { verifier.expect(saved) }                            // the one kept from last time
/// for try await chunk in exportBody { verifier.append(export: chunk) } // GET /v1/audit/entries
/// let report = verifier.finish()
/// print(report.failure.map { "\($0)" } ?? "ok: \(report.size) events, root \(report.root)")
/// exit(report.isValid ? 0 : 1)
/// ```
public struct LogVerifier: Sendable {
    /// The first failure; once set, later events are ignored.
    public internal(set) var failure: Failure?
    /// The tree over the events verified so far.
    public internal(set) var frontier = MerkleFrontier()
    /// The quota state after the events verified so far, as the server's rules hold it.
    public internal(set) var state = QuotaState()
    /// Tree sizes whose root was compared with an expected one and matched, in order.
    public internal(set) var checkedSizes: [UInt64] = []

    /// Expected roots by tree size, not yet reached.
    var expectedRoots: [UInt64: TreeHash] = [:]
    /// The envelope rules' memory of the events so far (ids, stream versions, time).
    var envelope = EnvelopeRules()
    /// Bytes of the export after its last newline so far (see ``append(export:)``).
    var partialLine: [UInt8] = []
    /// Events whose bytes one core checks at a time; a chunk of one batch is checked on the caller's thread.
    let batchSize: Int

    /// A verifier for a log from position 0. `batchSize` is how many events a core checks at a time.
    public init(batchSize: Int = 512) {
        self.batchSize = max(1, batchSize)
    }

    /// The number of events verified: the tree size.
    public var size: UInt64 { frontier.size }
    /// The root of the tree over the events verified so far.
    public var root: TreeHash { frontier.root }
    /// The number of streams among the events verified (their events at version 0). The envelope
    /// stage may have read further when verification stopped at a failure.
    public internal(set) var streams = 0

    /// Requires the root at tree size `size` to be `root`: checked when the log reaches that size
    /// (now, if it is there), and a ``Failure/Kind/truncated`` failure at ``finish()`` if it never does.
    ///
    /// - Precondition: `size` is not below the number of events already verified.
    public mutating func expect(root: TreeHash, atSize size: UInt64) {
        precondition(size >= frontier.size, "expect roots before the log passes their size")
        if size == frontier.size {
            if let failure = compareRoot(expected: root) { self.failure = self.failure ?? failure }
        } else {
            expectedRoots[size] = root
            // Room for the events up to that size (within reason: the size is the server's word).
            let events = Int(min(size - frontier.size, 8_000_000))
            envelope.reserve(events: events)
            state.reserve(events: events)
        }
    }

    /// Requires the log to match a checkpoint (already opened with its verifier key): its root at its size.
    public mutating func expect(_ checkpoint: Checkpoint) {
        expect(root: checkpoint.rootHash, atSize: checkpoint.size)
    }

    /// Verifies the next events, each given as its stored canonical bytes (no trailing newline), and
    /// when given, the leaf hash the log claims for each (for example `leafHash` of a pull).
    /// Returns the first failure of the log so far, if any.
    @discardableResult
    public mutating func append(_ events: [[UInt8]], leafHashes: [TreeHash]? = nil) -> Failure? {
        precondition(leafHashes == nil || leafHashes!.count == events.count, "one claimed leaf hash per event")
        verify(EventChunk.separate(events, claimed: leafHashes))
        return failure
    }

    /// Ends the log: fails an export that stops inside an event, and a log shorter than an expected size.
    public mutating func finish() -> Report {
        if failure == nil, !partialLine.isEmpty {
            failure = Failure(
                .unterminated, position: Int64(frontier.size),
                "the export ends inside an event: \(partialLine.count) bytes after the last newline")
        }
        if failure == nil, let missing = expectedRoots.keys.min() {
            failure = Failure(
                .truncated, position: Int64(frontier.size), treeSize: missing,
                "the log ends after \(frontier.size) events, but a checkpoint covers \(missing): "
                    + "\(missing - frontier.size) events are missing at the tail")
        }
        return report
    }

    /// Where the verification stands.
    public var report: Report {
        Report(
            size: frontier.size, root: frontier.root, frontier: frontier, streams: streams,
            checkedSizes: checkedSizes, failure: failure)
    }

    /// The root at the current size against `expected`.
    func compareRoot(expected: TreeHash) -> Failure? {
        let root = frontier.root
        if root == expected { return nil }
        return Failure(
            .rootMismatch, position: nil, treeSize: frontier.size,
            "the root of the first \(frontier.size) events is \(root.hex), the checkpoint's is \(expected.hex): "
                + "an event before position \(frontier.size) was changed, added, removed or reordered")
    }
}

extension LogVerifier {
    /// The outcome of a verification: counters, the tree, and the first failure if any.
    public struct Report: Sendable, Hashable {
        /// Events verified (all of them when ``isValid``): the tree size.
        public var size: UInt64
        /// The root at ``size``.
        public var root: TreeHash
        /// The tree's right edge at ``size``: keep it to extend the tree later, or with the checkpoint.
        public var frontier: MerkleFrontier
        /// Streams seen.
        public var streams: Int
        /// Tree sizes whose root matched an expected one.
        public var checkedSizes: [UInt64]
        public var failure: Failure?

        /// Whether everything verified holds.
        public var isValid: Bool { failure == nil }
    }
}
