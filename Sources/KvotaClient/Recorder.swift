import KvotaCore

/// Recording: drafts made against the local view, chained on their streams, checked by the rules in
/// order, and kept as pending only when every one of them applies (the recording commands, the CSV
/// import's all-or-nothing, and the tests all go through here).
public enum Recorder {
    /// Records the events `make` drafts, or throws the first refusal: a rejected item as invalid input
    /// naming its field (`fieldName` turns `data.x` into what the caller calls it), a conflict as refused.
    @discardableResult
    public static func record(
        journal: Journal, profile: Profile, fieldName: (String) -> String = { $0 },
        _ make: (Drafts) throws(ClientError) -> [PendingEvent]
    ) throws(ClientError) -> [PendingEvent] {
        var view = try LocalView(journal: journal, principal: profile.principal, deviceId: profile.deviceId)
        let events = Drafts.chain(try make(Drafts(view: view)))
        for (event, status) in zip(events, view.check(events)) {
            switch status {
            case .rejected(let rejection):
                throw ClientError(
                    .invalidInput, "\(event.type) not recorded: \(rejection.message) (\(rejection.code))",
                    field: rejection.field.map(fieldName))
            case .conflict(let conflict):
                throw ClientError(
                    .refused,
                    "\(event.type) not recorded: \(conflict.message) (\(conflict.code), against the last sync)")
            case .blocked(let cause):
                throw ClientError(.refused, "\(event.type) not recorded: it waits for \(cause.lowercased), not applied")
            case .accepted, .duplicate:
                continue
            }
        }
        try journal.record(events)
        return events
    }
}
