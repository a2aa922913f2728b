import Foundation
import KvotaCore

/// Which rules an append enforces beyond the envelope (duplicates, versions, causation).
public enum RuleSet: Sendable, Hashable {
    /// The event log alone: any event type, envelope rules only.
    case envelopeOnly
    /// Kvota's quota rules (KvotaCore's `QuotaState.decide`), with the quota projections kept inline.
    case quota
}

/// How an append transaction runs a rule set: builds the policy under the head lock, writes what the
/// accepted events change besides the log, and learns of the commit.
protocol AppendRules {
    associatedtype Policy: AppendPolicy
    /// Called under the head lock, before planning.
    func policy(_ connection: PGConnection, after snapshot: LogSnapshot) throws -> Policy
    /// Called in the transaction, after the events are written.
    func write(_ policy: Policy, on connection: PGConnection) throws
    /// Called after a successful commit; may take the policy's state.
    func committed(_ policy: inout Policy)
}

struct EnvelopeRules: AppendRules {
    func policy(_ connection: PGConnection, after snapshot: LogSnapshot) throws -> NoPolicy { NoPolicy() }
    func write(_ policy: NoPolicy, on connection: PGConnection) throws {}
    func committed(_ policy: inout NoPolicy) {}
}

/// The quota rules: decide against the ledger (caught up with the log under the lock), write the
/// touched projection rows, fold the accepted events into the ledger once committed.
struct QuotaRules: AppendRules {
    let ledger: QuotaLedger
    /// The items read as typed events before the transaction (`QuotaPolicy.parse`).
    let parsed: [UUID: DomainEvent]

    func policy(_ connection: PGConnection, after snapshot: LogSnapshot) throws -> QuotaPolicy {
        try ledger.catchUp(connection, through: snapshot.nextPosition - 1)
        return QuotaPolicy(state: ledger.read { $0 }, recordedAt: snapshot.recordedAt, parsed: parsed)
    }

    func write(_ policy: QuotaPolicy, on connection: PGConnection) throws {
        let touched = QuotaProjectionWriter.touched(by: policy.accepted, in: policy.state)
        if !touched.isEmpty { try QuotaProjectionWriter.write(touched, from: policy.state, on: connection) }
    }

    func committed(_ policy: inout QuotaPolicy) { ledger.adopt(&policy.state) }
}
