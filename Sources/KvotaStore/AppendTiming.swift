/// Where one append transaction (a group commit) spent its time, for operators' metrics and the
/// benchmarks: waiting for the log head's row lock (another process's append holds it), the work
/// under that lock (reads, plan, COPY, projections), and `COMMIT`, which waits for PostgreSQL to
/// flush the WAL to disk. Reported after each committed transaction (``EventStore/observeAppends(_:)``).
public struct AppendTiming: Sendable {
    /// Pushes (submissions) that shared the transaction.
    public var submissions = 0
    /// From `BEGIN` until the log head's row was locked.
    public var lockWait: Duration = .zero
    /// From the lock until `COMMIT` was sent.
    public var work: Duration = .zero
    /// `COMMIT`'s round trip: the WAL flush, with the head still locked.
    public var commit: Duration = .zero

    public init() {}
}
