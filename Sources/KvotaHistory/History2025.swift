/// The 2025 history of Kvota's quotas: ceilings, allocations, reallocations, applications,
/// permits, revocations, expiries and an employer bar, as the ministry, twenty regional offices
/// and the server recorded them, from 6 January to 1 December 2025.
///
/// Every event is accepted by the rules when the history is replayed in order, and the state as
/// of 2025-12-01 00:00 Almaty (``Published2025/snapshot``) reproduces the published figures
/// exactly: 14,105 active `foreign-labour` permits by category, the four named countries of
/// origin and sectors, 1,817 employers, and the 16,700 ceiling (see ``Published2025``).
public enum History2025 {
    /// The events in recording order (`recordedAt` non-decreasing), each with its stream's expected
    /// version and a client event id; the same for the same seed. Clerk events are recorded in
    /// office hours on working days, expiries at 00:05 the night after the last valid day.
    public static func events(seed: UInt64 = 2025) -> [HistoricalEvent] {
        var builder = History2025Builder(seed: seed)
        return builder.build(seed: seed)
    }
}
